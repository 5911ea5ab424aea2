"""The technician's work: logging a session, imports, courses, patch tests, aftercare, incidents."""
