"""The supervisor's work: the review queue, sign-off, amendment and voiding, the audit trail."""
