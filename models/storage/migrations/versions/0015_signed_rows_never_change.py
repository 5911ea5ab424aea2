"""a signed session's rows are never changed: only its status moves, and an amendment's

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29

Until now the database refused to delete a signed session's rows, not to change them. From
here, once a session is no longer a draft:

- its own row keeps its identity (uuid, patient, technician, creation and completion times)
  for good, never returns to draft, and changes its clinical columns (device, room, start,
  duration, notes) only as an amendment does, moving to status 'amended';
- the rows it is made of (areas, reactions, anaesthetic, screening) change in one way only:
  an amendment marks them replaced (superseded_in, once, from empty to its number), every
  other column as it was; parameter settings, pulse traces and the import links never change.

What an amendment writes is proven by ``verify``: the content digest in its audit event.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

MESSAGE = "LaserLog keeps clinical records: rows of a signed session are never changed"
#: Each table's session, for the row being changed.
SESSION_OF = {
    "treated_areas": "OLD.session_id",
    "reactions": "OLD.session_id",
    "anaesthetics": "OLD.session_id",
    "screenings": "OLD.session_id",
    "parameter_settings": "(SELECT session_id FROM treated_areas WHERE id = OLD.treated_area_id)",
    "pulse_traces": "OLD.session_id",
    "import_batch_sessions": "OLD.session_id",
}
#: Replaced by an amendment, never changed otherwise.
SUPERSEDED = ("treated_areas", "reactions", "anaesthetics", "screenings")
IDENTITY = ("uuid", "patient_id", "technician_id", "created_at", "completed_at")
CLINICAL = ("device_id", "room", "started_at", "duration_s", "notes")
TRIGGERS = [f"{table}_unchanged_when_signed" for table in SESSION_OF]
TRIGGERS.append("treatment_sessions_unchanged_when_signed")


def _unchanged(columns: list[str]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def _sqlite() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, session in SESSION_OF.items():
        allowed = "0"
        if table in SUPERSEDED:
            others = [c["name"] for c in inspector.get_columns(table)
                      if c["name"] != "superseded_in"]
            allowed = (f"OLD.superseded_in IS NULL AND NEW.superseded_in IS NOT NULL AND "
                       f"{_unchanged(others)}")
        op.execute(
            f"CREATE TRIGGER {table}_unchanged_when_signed BEFORE UPDATE ON {table} "
            f"WHEN (SELECT status FROM treatment_sessions WHERE id = {session}) <> 'draft' "
            f"AND NOT ({allowed}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    op.execute(
        "CREATE TRIGGER treatment_sessions_unchanged_when_signed BEFORE UPDATE ON "
        "treatment_sessions WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' OR NOT ("
        f"{_unchanged(list(IDENTITY))}) OR (NEW.status <> 'amended' AND NOT ("
        f"{_unchanged(list(CLINICAL))}))) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def _postgres() -> None:
    op.execute(
        "CREATE FUNCTION laserlog_keep_signed_unchanged() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ DECLARE owner_status text; BEGIN "
        "IF TG_TABLE_NAME = 'parameter_settings' THEN "
        "SELECT s.status INTO owner_status FROM treatment_sessions s JOIN treated_areas a "
        "ON a.session_id = s.id WHERE a.id = OLD.treated_area_id; "
        "ELSE SELECT status INTO owner_status FROM treatment_sessions "
        "WHERE id = OLD.session_id; END IF; "
        "IF owner_status = 'draft' THEN RETURN NEW; END IF; "
        f"IF TG_TABLE_NAME IN ({', '.join(repr(t) for t in SUPERSEDED)}) THEN "
        "IF OLD.superseded_in IS NULL AND NEW.superseded_in IS NOT NULL "
        "AND to_jsonb(NEW) - 'superseded_in' = to_jsonb(OLD) - 'superseded_in' "
        "THEN RETURN NEW; END IF; END IF; "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$")
    identity = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IDENTITY)
    clinical = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CLINICAL)
    op.execute(
        "CREATE FUNCTION laserlog_keep_signed_session() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN IF OLD.status <> 'draft' AND (NEW.status = 'draft' OR "
        f"{identity} OR (NEW.status <> 'amended' AND ({clinical}))) THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END IF; "
        "RETURN NEW; END $$")
    for table in SESSION_OF:
        op.execute(f"CREATE TRIGGER {table}_unchanged_when_signed BEFORE UPDATE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION laserlog_keep_signed_unchanged()")
    op.execute("CREATE TRIGGER treatment_sessions_unchanged_when_signed BEFORE UPDATE ON "
               "treatment_sessions FOR EACH ROW EXECUTE FUNCTION laserlog_keep_signed_session()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite()
    else:
        _postgres()


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for trigger in TRIGGERS:
        table = trigger.removesuffix("_unchanged_when_signed")
        op.execute(f"DROP TRIGGER {trigger}" + ("" if sqlite else f" ON {table}"))
    if not sqlite:
        op.execute("DROP FUNCTION laserlog_keep_signed_session()")
        op.execute("DROP FUNCTION laserlog_keep_signed_unchanged()")
