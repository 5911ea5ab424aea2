"""record integrity: append-only audit, no deleting clinical rows, review, void, amendments,
sign-in lockout

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: Rows that are never deleted by anyone: audit events are not changed either.
APPEND_ONLY = ("audit_events", "session_amendments")
NEVER_DELETED = ("treatment_sessions", "patients", "users", "devices", "import_batches",
                 "pulse_traces")
REFUSAL = "LaserLog keeps clinical records: {table} rows are never {verb}"


def _sqlite_guard(table: str, verb: str) -> None:
    operation = "UPDATE" if verb == "changed" else "DELETE"
    op.execute(
        f"CREATE TRIGGER {table}_never_{verb} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL.format(table=table, verb=verb)}'); END"
    )


def _postgres_guard(table: str, operations: str) -> None:
    op.execute(
        f"CREATE TRIGGER {table}_guard BEFORE {operations} ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION laserlog_refuse('{table}')"
    )


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_treatment_sessions_reviewed_by_id_users"), "users",
            ["reviewed_by_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_treatment_sessions_voided_by_id_users"), "users",
            ["voided_by_id"], ["id"])

    op.create_table(
        "session_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("amended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("old_values", sa.Text(), nullable=False),
        sa.Column("new_values", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["treatment_sessions.id"],
                                name=op.f("fk_session_amendments_session_id_treatment_sessions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_session_amendments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_amendments")),
        sa.UniqueConstraint("session_id", "number", name=op.f("uq_session_amendments_session_id")),
    )

    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            _sqlite_guard(table, "changed")
        for table in (*APPEND_ONLY, *NEVER_DELETED):
            _sqlite_guard(table, "deleted")
        return
    op.execute(
        "CREATE FUNCTION laserlog_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'LaserLog keeps clinical records: % rows are never changed or "
        "deleted', TG_ARGV[0] USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    for table in APPEND_ONLY:
        _postgres_guard(table, "UPDATE OR DELETE OR TRUNCATE")
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")
    for table in NEVER_DELETED:
        _postgres_guard(table, "DELETE OR TRUNCATE")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_never_changed")
        for table in (*APPEND_ONLY, *NEVER_DELETED):
            op.execute(f"DROP TRIGGER {table}_never_deleted")
    else:
        for table in (*APPEND_ONLY, *NEVER_DELETED):
            op.execute(f"DROP TRIGGER {table}_guard ON {table}")
        op.execute("DROP FUNCTION laserlog_refuse()")
    op.drop_table("session_amendments")
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_treatment_sessions_voided_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_treatment_sessions_reviewed_by_id_users"),
                                 type_="foreignkey")
        for column in ("void_reason", "voided_by_id", "voided_at", "reviewed_by_id",
                       "reviewed_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
