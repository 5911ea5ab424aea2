"""Looking after the database: backups, restores and the integrity check."""
