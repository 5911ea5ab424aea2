"""The chain's end is witnessed outside the database: cutting off its last events, or
rewriting the whole chain with hashes recomputed, is named by verify with the witness."""

import itertools
import json

import pytest
from sqlalchemy import text

from models.access.audit_chain import event_hash
from models.access.witness import witness_log
from models.admin.backup import backup, restore
from models.admin.integrity import verify
from models.records.audit_events import AuditEvent
from models.values.session_input import AreaInput
from tests.models.helpers import session_entry


@pytest.fixture
def signed(database, device, patient, logged_session):
    return logged_session(patient, session_entry(device, AreaInput("neck", {"fluence_j_cm2":
                                                                            20.0}, 10, 1)))


def chain_off(database):
    """The audit trail's guards gone, as someone editing the file would do first."""
    with database.engine.begin() as conn:
        if database.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER audit_events_never_deleted")
            conn.exec_driver_sql("DROP TRIGGER audit_events_never_changed")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")


def test_signing_writes_a_witness_outside_the_database_folder(database, signed):
    lines = [json.loads(line) for line in witness_log().read_text().splitlines()]
    mine = [w for w in lines if w["reason"] == "sign"]
    assert mine and mine[-1]["seq"] > 1
    if database.is_sqlite:
        assert witness_log().parent != database.sqlite_path.parent


def test_the_last_events_cut_off_are_named_with_the_witness(database, signed):
    with database.read() as db:
        last = db.execute(text("SELECT max(seq) FROM audit_events")).scalar()
    chain_off(database)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq > :keep"), {"keep": last - 3})
    result = verify(database)
    assert any(f"audit events {last - 2} to {last} are missing: a witness saw event {last}"
               in p for p in result.problems), result.problems


def test_a_chain_rewritten_with_recomputed_hashes_is_named(database, signed):
    chain_off(database)
    with database.write() as db:  # alter event 2 and recompute every hash after it
        events = db.query(AuditEvent).order_by(AuditEvent.seq).all()
        events[1].reason = "rewritten"
        for previous, event in itertools.pairwise(events):
            event.prev_hash = previous.hash
            event.hash = event_hash(event)
    result = verify(database)
    assert any("is not the one a witness saw" in p and "the chain was rewritten" in p
               for p in result.problems), result.problems


def test_a_restore_closes_the_witnesses_before_it(database, admin, signed, device, patient,
                                                  logged_session, tmp_path):
    out = backup(database, admin, tmp_path / "before.backup")
    logged_session(patient, session_entry(device, AreaInput("cheeks", {"fluence_j_cm2": 15.0},
                                                            10, 1)))
    restore(database, admin, out)
    assert verify(database).ok
