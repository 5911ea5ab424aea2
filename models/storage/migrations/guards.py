"""The database's own guards for a migration to add: tables whose rows are never deleted,
or never changed either (SQLite triggers; PostgreSQL statement triggers calling the
``laserlog_refuse`` function of migration 0003, TRUNCATE included)."""

from alembic import op

REFUSAL = "LaserLog keeps clinical records: {table} rows are never {verb}"


def guard(table: str, *, changed_too: bool) -> None:
    """Refuse DELETE (and TRUNCATE) on ``table``; with ``changed_too``, UPDATE as well."""
    verbs = ("changed", "deleted") if changed_too else ("deleted",)
    if op.get_bind().dialect.name == "sqlite":
        for verb in verbs:
            operation = "UPDATE" if verb == "changed" else "DELETE"
            op.execute(
                f"CREATE TRIGGER {table}_never_{verb} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL.format(table=table, verb=verb)}'); END")
        return
    operations = "UPDATE OR DELETE OR TRUNCATE" if changed_too else "DELETE OR TRUNCATE"
    op.execute(f"CREATE TRIGGER {table}_guard BEFORE {operations} ON {table} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION laserlog_refuse('{table}')")
