"""why a session was logged late, and clinic settings that are text (name, address, phone,
the consent form version in force)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

A signed session's late-entry reason is part of what was signed: the guard on
treatment_sessions (0015) now keeps it unchanged with the session's identity, and the
content digest covers it whenever it is given.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MESSAGE = "LaserLog keeps clinical records: rows of a signed session are never changed"
IDENTITY_0015 = ("uuid", "patient_id", "technician_id", "created_at", "completed_at")
IDENTITY = (*IDENTITY_0015, "late_entry_reason")
CLINICAL = ("device_id", "room", "started_at", "duration_s", "notes")


def _guard_session(identity: tuple[str, ...]) -> None:
    """(Re)create the guard on a signed session's own row, keeping ``identity`` for good."""
    if op.get_bind().dialect.name == "sqlite":
        same_identity = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in identity)
        same_clinical = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CLINICAL)
        op.execute("DROP TRIGGER treatment_sessions_unchanged_when_signed")
        op.execute(
            "CREATE TRIGGER treatment_sessions_unchanged_when_signed BEFORE UPDATE ON "
            "treatment_sessions WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' OR NOT ("
            f"{same_identity}) OR (NEW.status <> 'amended' AND NOT ({same_clinical}))) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        return
    changed_identity = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in identity)
    changed_clinical = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CLINICAL)
    op.execute(
        "CREATE OR REPLACE FUNCTION laserlog_keep_signed_session() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN IF OLD.status <> 'draft' AND (NEW.status = 'draft' OR "
        f"{changed_identity} OR (NEW.status <> 'amended' AND ({changed_clinical}))) THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END IF; "
        "RETURN NEW; END $$")


def upgrade() -> None:
    op.add_column("clinic_settings", sa.Column("text_value", sa.Text(), nullable=True))
    op.add_column("treatment_sessions",
                  sa.Column("late_entry_reason", sa.Text(), nullable=False, server_default=""))
    _guard_session(IDENTITY)


def downgrade() -> None:
    _guard_session(IDENTITY_0015)  # first: SQLite drops no column a trigger names
    # Not batch rebuilds: they would drop the guard triggers on these tables.
    op.execute("ALTER TABLE treatment_sessions DROP COLUMN late_entry_reason")
    op.execute("ALTER TABLE clinic_settings DROP COLUMN text_value")
