"""The clinical and clinic records as SQLAlchemy entities, one module per kind of record."""
