"""Storage: the declarative base, opening databases, the schema and its migrations, files
written safely.
"""
