"""`verify` recomputes the audit chain and names the first event altered, deleted, inserted or
moved; the tampering is done behind LaserLog's back, with its guards switched off."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from models.access.audit_chain import event_hash
from models.admin.integrity import verify
from models.records.audit_events import AuditEvent
from tests.test_cli import laserlog


@pytest.fixture
def events(database, admin, register_patient):
    """A few audit events: the admin's creation and six patients."""
    for n in range(6):
        register_patient(admin, identifier=f"V-{n}", full_name=f"Vera {n}")
    with database.read() as db:
        return db.execute(text("SELECT count(*) FROM audit_events")).scalar()


@contextmanager
def behind_laserlogs_back(database):
    """A raw connection with the append-only guards off, as someone editing the file would."""
    with database.engine.begin() as conn:
        if database.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER audit_events_never_changed")
            conn.exec_driver_sql("DROP TRIGGER audit_events_never_deleted")
            yield conn
        else:
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_guard")
            yield conn
            conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_guard")


def chain_problems(result) -> list[str]:
    """The problems with the chain itself (dropping the guards to tamper is named too)."""
    return [p for p in result.problems if not p.startswith("the guard trigger audit_events_")]


def test_an_untouched_database_verifies(database, events):
    result = verify(database)
    assert result.ok and result.events == events and result.first_broken_seq is None


def test_an_altered_event_is_named(database, events):
    with behind_laserlogs_back(database) as conn:
        conn.execute(text("UPDATE audit_events SET new_values = '{}' WHERE seq = 4"))
    result = verify(database)
    assert result.first_broken_seq == 4
    assert chain_problems(result) == ["audit event 4 was altered after it was written"]


def test_a_deleted_event_is_named(database, events):
    with behind_laserlogs_back(database) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    result = verify(database)
    assert result.first_broken_seq == 3 and "audit event 3 is missing" in chain_problems(result)[0]


def test_a_deleted_last_event_leaves_a_valid_but_shorter_chain(database, events):
    """The chain cannot know about an event after its last; the count shows it instead."""
    with behind_laserlogs_back(database) as conn:
        conn.execute(text(f"DELETE FROM audit_events WHERE seq = {events}"))
    assert verify(database).events == events - 1


def test_an_inserted_event_is_named_even_when_its_own_hash_is_right(database, events):
    with behind_laserlogs_back(database) as conn:
        conn.execute(text("UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 3"))
        conn.execute(text("UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1000"))
        before = conn.execute(text("SELECT hash FROM audit_events WHERE seq = 2")).scalar()
        forged = AuditEvent(seq=3, occurred_at=datetime(2026, 1, 1, tzinfo=UTC), actor_id=None,
                            action="patient.add", entity="patient", entity_id="99",
                            old_values="{}", new_values="{}", reason="", prev_hash=before)
        conn.execute(text(
            "INSERT INTO audit_events (seq, occurred_at, actor_id, action, entity, entity_id, "
            "old_values, new_values, reason, prev_hash, hash) VALUES (3, :at, NULL, "
            "'patient.add', 'patient', '99', '{}', '{}', '', :prev, :hash)"),
            {"at": forged.occurred_at if not database.is_sqlite
             else "2026-01-01 00:00:00.000000", "prev": before,
             "hash": event_hash(forged)})
    result = verify(database)
    assert result.first_broken_seq == 4  # the forged event fits; the one it pushed on does not
    assert chain_problems(result) == ["audit event 4 does not follow event 3"]


def test_two_events_swapped_are_named(database, events):
    with behind_laserlogs_back(database) as conn:
        conn.execute(text("UPDATE audit_events SET seq = 1002 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 1002"))
    result = verify(database)
    assert result.first_broken_seq == 2
    assert chain_problems(result) == ["audit event 2 does not follow event 1"]


def test_a_switched_off_guard_is_reported_on_postgresql(database, events):
    if database.is_sqlite:
        pytest.skip("SQLite triggers cannot be switched off, only dropped")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE patients DISABLE TRIGGER patients_guard")
    assert verify(database).problems == ["the guard trigger patients_guard on patients is "
                                         "disabled"]


def test_verify_command_exits_1_naming_the_broken_sequence_number(database, database_url,
                                                                  events):
    clean = laserlog("--db", database_url, "verify")
    assert clean.returncode == 0, clean.stderr
    assert f"all {events:,} audit events chain correctly" in clean.stdout
    with behind_laserlogs_back(database) as conn:
        conn.execute(text("UPDATE audit_events SET reason = 'nothing happened' WHERE seq = 5"))
    broken = laserlog("--db", database_url, "verify")
    assert broken.returncode == 1
    assert "the audit chain is broken at sequence number 5" in broken.stderr
    assert "Traceback" not in broken.stderr
