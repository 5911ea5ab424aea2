"""The consent a patient has on file: the latest one their signed sessions recorded, valid for
the clinic's consent months and for the consent form version the clinic has in force."""

from dataclasses import replace
from datetime import date

import pytest

from models.clinic import clinic_settings, patients
from models.reading import history
from models.review import supervision
from models.values.rows import ConsentOnFile
from models.values.session_input import AreaInput
from models.workflow import session_logging
from tests.entries import SCREENED
from tests.models.helpers import session_entry

NECK = AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)


def consented(device, days_ago, version, signed_on):
    return session_entry(device, NECK, days_ago=days_ago, screening=replace(
        SCREENED, consent_version=version, consent_signed_on=signed_on))


def on_file(database, patient, on):
    with database.read() as db:
        return patients.consent_on_file(db, patient.id, on)


def test_the_latest_consent_of_the_signed_sessions_is_on_file(database, technician, device,
                                                               patient, logged_session):
    assert on_file(database, patient, date(2026, 3, 1)) is None
    logged_session(patient, consented(device, 60, "v2", date(2025, 9, 1)))
    logged_session(patient, consented(device, 30, "v3", date(2026, 1, 2)))
    logged_session(patient, consented(device, 10, "v3", date(2025, 12, 1)))  # an older form
    assert on_file(database, patient, date(2026, 3, 1)) == ConsentOnFile(
        "v3", date(2026, 1, 2), date(2027, 1, 2), True, "")
    assert on_file(database, patient, date(2027, 1, 2)).in_force  # its last valid day


def test_drafts_and_voided_sessions_hold_no_consent(database, technician, supervisor, device,
                                                    patient, logged_session):
    voided = logged_session(patient, consented(device, 20, "v3", date(2026, 1, 2)))
    with database.write() as db:
        supervision.void_session(db, supervisor, voided.summary.id, "wrong patient")
        session_logging.start_draft(db, technician, patient.id,
                                    consented(device, 1, "v3", date(2026, 2, 2)))
    assert on_file(database, patient, date(2026, 3, 1)) is None


def test_a_consent_an_amendment_replaced_is_not_on_file(database, supervisor, device, patient,
                                                        logged_session, signature_of):
    done = logged_session(patient, consented(device, 20, "v3", date(2026, 1, 2)))
    corrected = replace(history.entry_of(done), screening=replace(
        done.screening, consent_signed_on=date(2025, 6, 1)))
    with database.write() as db:
        supervision.amend_session(db, supervisor, done.summary.id, corrected,
                                  "the consent date was typed wrong",
                                  signature=signature_of(supervisor))
    found = on_file(database, patient, date(2026, 3, 1))
    assert (found.signed_on, found.valid_until) == (date(2025, 6, 1), date(2026, 6, 1))


def test_an_expired_consent_or_another_version_is_not_in_force(database, admin, device,
                                                               patient, logged_session):
    logged_session(patient, consented(device, 20, "v3", date(2025, 1, 31)))
    expired = on_file(database, patient, date(2026, 2, 1))
    assert (expired.in_force, expired.why_not) == (False, "expired on 2026-01-31")
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "consent_valid_months", 13)
    assert on_file(database, patient, date(2026, 2, 1)).valid_until == date(2026, 2, 28)
    assert on_file(database, patient, date(2026, 2, 1)).in_force
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "consent_version", "v4")
    other = on_file(database, patient, date(2026, 2, 1))
    assert (other.in_force, other.why_not) == (False, "signed for version v3; v4 is in force")
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "consent_version", "v3")
    assert on_file(database, patient, date(2026, 2, 1)).in_force


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)),
    (date(2025, 3, 1), 120, date(2035, 3, 1)),
])
def test_months_after_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert patients.months_after(day, months) == expected


def test_the_consent_is_read_through_the_patients_index(database, patient):
    if not database.is_sqlite:
        pytest.skip("the plan is checked on SQLite")
    with database.read() as db:
        plan = _plan(db, patient.id)
    assert "ix_treatment_sessions_patient_started" in plan, plan
    assert "ix_screenings_session_id" in plan, plan


def _plan(db, patient_id) -> str:
    """SQLite's plan of the query ``consent_on_file`` runs."""
    from sqlalchemy import event

    statements = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if "FROM screenings" in statement:
            statements.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", catch)
    try:
        patients.consent_on_file(db, patient_id, date(2026, 1, 1))
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    statement, parameters = statements[0]
    rows = db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return " ".join(str(row[-1]) for row in rows)
