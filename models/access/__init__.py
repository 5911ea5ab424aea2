"""Who acts: staff accounts and sign-in, the role x action matrix, the hash-chained audit trail."""
