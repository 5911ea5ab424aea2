"""screening and pre-treatment checklist stored with each session; reasons for settings
changed beyond the limit since the patient's last session

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MESSAGE = "LaserLog keeps clinical records: rows of a signed session are never deleted"


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("fitzpatrick", sa.Integer(), nullable=True),
        sa.Column("found", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("consent_version", sa.String(length=64), nullable=False),
        sa.Column("consent_signed_on", sa.Date(), nullable=True),
        sa.Column("checklist", sa.Text(), nullable=False),
        sa.Column("superseded_in", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["treatment_sessions.id"],
                                name=op.f("fk_screenings_session_id_treatment_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    op.create_index(op.f("ix_screenings_session_id"), "screenings", ["session_id"])
    op.add_column("treated_areas", sa.Column("change_reason", sa.Text(), nullable=False,
                                             server_default=""))
    # Like a session's other rows, its screening is never deleted once the session is signed.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER screenings_kept_when_signed BEFORE DELETE ON screenings "
            "WHEN (SELECT status FROM treatment_sessions WHERE id = OLD.session_id) "
            f"<> 'draft' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        return
    op.execute("CREATE TRIGGER screenings_kept_when_signed BEFORE DELETE ON screenings "
               "FOR EACH ROW EXECUTE FUNCTION laserlog_keep_signed()")
    op.execute("CREATE TRIGGER screenings_guard BEFORE TRUNCATE ON screenings "
               "FOR EACH STATEMENT EXECUTE FUNCTION laserlog_refuse('screenings')")


def downgrade() -> None:
    # Not a batch rebuild: that would drop the guard triggers on treated_areas.
    op.execute("ALTER TABLE treated_areas DROP COLUMN change_reason")
    op.drop_index(op.f("ix_screenings_session_id"), table_name="screenings")
    op.drop_table("screenings")
