"""Alembic migrations. ``HEAD`` names the newest revision so a start-up can see that the
schema is current without importing Alembic; a test keeps it equal to Alembic's own head."""

HEAD = "0015"
