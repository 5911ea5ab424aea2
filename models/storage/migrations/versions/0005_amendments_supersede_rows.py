"""amendments keep the rows they replace; a signed session's rows are never deleted

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHILDREN = ("treated_areas", "anaesthetics", "reactions")
#: Which session a deleted row belongs to, per table (parameter settings via their area).
SESSION_OF = {
    "treated_areas": "OLD.session_id",
    "anaesthetics": "OLD.session_id",
    "reactions": "OLD.session_id",
    "parameter_settings": "(SELECT session_id FROM treated_areas WHERE id = "
                          "OLD.treated_area_id)",
}
MESSAGE = "LaserLog keeps clinical records: rows of a signed session are never deleted"


def upgrade() -> None:
    for table in CHILDREN:
        op.add_column(table, sa.Column("superseded_in", sa.Integer(), nullable=True))
    with op.batch_alter_table("anaesthetics", schema=None) as batch_op:
        batch_op.drop_constraint("uq_anaesthetics_session_id", type_="unique")
        batch_op.create_index(batch_op.f("ix_anaesthetics_session_id"), ["session_id"],
                              unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for table, session in SESSION_OF.items():
            op.execute(
                f"CREATE TRIGGER {table}_kept_when_signed BEFORE DELETE ON {table} "
                f"WHEN (SELECT status FROM treatment_sessions WHERE id = {session}) "
                f"<> 'draft' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        return
    op.execute(
        "CREATE FUNCTION laserlog_keep_signed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE owner_status text; BEGIN "
        "IF TG_TABLE_NAME = 'parameter_settings' THEN "
        "SELECT s.status INTO owner_status FROM treatment_sessions s JOIN treated_areas a "
        "ON a.session_id = s.id WHERE a.id = OLD.treated_area_id; "
        "ELSE SELECT status INTO owner_status FROM treatment_sessions "
        "WHERE id = OLD.session_id; END IF; "
        f"IF owner_status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; RETURN OLD; END $$")
    for table in SESSION_OF:
        op.execute(f"CREATE TRIGGER {table}_kept_when_signed BEFORE DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION laserlog_keep_signed()")
        op.execute(f"CREATE TRIGGER {table}_guard BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION laserlog_refuse('{table}')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SESSION_OF:
            op.execute(f"DROP TRIGGER {table}_kept_when_signed")
    else:
        for table in SESSION_OF:
            op.execute(f"DROP TRIGGER {table}_kept_when_signed ON {table}")
            op.execute(f"DROP TRIGGER {table}_guard ON {table}")
        op.execute("DROP FUNCTION laserlog_keep_signed()")
    with op.batch_alter_table("anaesthetics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anaesthetics_session_id"))
        batch_op.create_unique_constraint("uq_anaesthetics_session_id", ["session_id"])
    for table in reversed(CHILDREN):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("superseded_in")
