"""The database itself refuses to change audit events or delete clinical rows, whoever asks."""

import pytest
from sqlalchemy import exc, text


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET reason = 'tampered' WHERE seq = 1",
    "DELETE FROM audit_events WHERE seq = 1",
    "DELETE FROM audit_events",
    "DELETE FROM patients",
    "DELETE FROM users",
])
def test_audit_events_are_append_only_and_clinical_rows_never_deleted(database, patient,
                                                                      statement):
    with database.read() as db:
        before = db.execute(text("SELECT count(*), max(hash) FROM audit_events")).one()
    with (pytest.raises(exc.DBAPIError, match="LaserLog keeps clinical records"),
          database.write() as db):
        db.execute(text(statement))
    with database.read() as db:
        assert db.execute(text("SELECT count(*), max(hash) FROM audit_events")).one() == before
        assert db.execute(text("SELECT count(*) FROM patients")).scalar() == 1


@pytest.mark.parametrize("table", ["audit_events", "screenings", "reaction_follow_ups",
                                   "incidents", "test_patches", "device_tips", "device_log"])
def test_truncating_a_kept_table_is_refused_on_postgresql(database, patient, table):
    if database.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    with (pytest.raises(exc.DBAPIError, match="LaserLog keeps clinical records"),
          database.write() as db):
        db.execute(text(f"TRUNCATE {table} CASCADE"))
