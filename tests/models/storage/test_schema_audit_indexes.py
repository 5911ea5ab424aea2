"""Migration 0022: the audit trail's indexes by person and by period go down and up, and the
trail, its chain and its guards stay as they were."""

from sqlalchemy import inspect

from models.admin.integrity import verify
from models.review import audit_trail
from models.storage import schema
from models.storage.migrations import HEAD
from models.values.session_input import AreaInput
from tests.models.helpers import session_entry

INDEXES = {"ix_audit_events_person", "ix_audit_events_period"}


def _indexes(database):
    with database.engine.connect() as conn:
        return {index["name"] for index in inspect(conn).get_indexes("audit_events")}


def test_0022_down_and_up_drops_and_makes_the_audit_trails_indexes(
        database, supervisor, technician, register_device, register_patient, logged_session):
    logged_session(register_patient(technician), session_entry(
        register_device(), AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)))

    def tess_events():
        with database.read() as db:
            return audit_trail.find_events(db, supervisor, username="tess", limit=1000)

    before = tess_events()
    assert len(before) >= 3 and _indexes(database) >= INDEXES
    schema.migrate(database, "0021", downgrade=True)
    assert schema.current_revision(database) == "0021"
    assert not INDEXES & _indexes(database)
    assert tess_events() == before  # read without them
    schema.migrate(database, "head")
    assert schema.current_revision(database) == HEAD
    assert _indexes(database) >= INDEXES
    assert tess_events() == before
    assert verify(database).ok  # the chain and the guards on it untouched
