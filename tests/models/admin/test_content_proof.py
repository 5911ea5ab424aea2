"""verify proves content, not only the chain: a signed session's rows changed or deleted
behind LaserLog's back (guards dropped first) are named; so is a dropped guard, and a
garbage value in the audit trail is a finding, never a crash."""

import pytest
from sqlalchemy import text

from models.admin.integrity import verify
from models.clinic import device_register, patients
from models.reading.session_content import content_digest
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, SCREENED, sign_consent
from tests.models.helpers import guards_off


@pytest.fixture
def signed(database, admin, technician, signature_of):
    """Two signed sessions, each with an area, its settings and a reaction, each patient's
    consent signed on screen before."""
    done, signature = [], signature_of(technician)
    with database.write() as db:
        device = device_register.add_device(db, admin, make="Acme", model="V", serial="V-1",
                                            kind="laser")
    for number in (1, 2):
        with database.write() as db:
            patient = patients.add_patient(db, technician, identifier=f"V-{number}",
                                           full_name=f"Vic {number}", date_of_birth=None,
                                           fitzpatrick=3)
            sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
            entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800,
                                 room="R1",
                                 areas=(AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1),),
                                 reactions=(ReactionInput("blistering", 3, ""),))
            draft = session_logging.start_draft(db, technician, patient.id, entry)
            done.append(session_logging.complete_session(db, technician, draft.summary.id,
                                                         entry, signature))
    return done


def test_every_signed_session_is_proven(database, signed):
    result = verify(database)
    assert result.ok and result.sessions_proven == 2 and result.unsealed == 0


@pytest.mark.parametrize("table, statement", [
    ("reactions", "UPDATE reactions SET grade = 0 WHERE session_id = :id"),
    ("parameter_settings", "UPDATE parameter_settings SET fluence_j_cm2 = fluence_j_cm2 * 3 "
                           "WHERE treated_area_id IN (SELECT id FROM treated_areas "
                           "WHERE session_id = :id)"),
    ("treatment_sessions", "UPDATE treatment_sessions SET notes = 'rewritten' WHERE id = :id"),
])
def test_a_signed_sessions_rows_changed_behind_laserlogs_back_are_named(database, signed,
                                                                         table, statement):
    target = signed[1]
    with guards_off(database, table) as conn:
        conn.execute(text(statement), {"id": target.summary.id})
    result = verify(database)
    assert not result.ok
    assert any(f"signed session {target.summary.uuid} (id {target.summary.id}) no longer "
               "matches what was signed" in p for p in result.problems), result.problems
    assert result.sessions_proven == 1


def test_a_sessions_digest_covers_the_consent_it_went_ahead_under(database, signed):
    target = signed[1]
    assert target.screening.consent_id is not None

    def digest():
        with database.read() as db:
            return content_digest(db, target.summary.id)

    before = digest()
    with guards_off(database, "signed_consents") as conn:
        conn.execute(text("UPDATE signed_consents SET sha256 = :forged WHERE id = :id"),
                     {"forged": "0" * 64, "id": target.screening.consent_id})
    assert digest() != before
    result = verify(database)
    assert any(f"signed session {target.summary.uuid} (id {target.summary.id}) no longer "
               "matches what was signed" in p for p in result.problems), result.problems
    assert str(signed[0].summary.uuid) not in " ".join(result.problems)
    assert result.sessions_proven == 1


def test_a_signed_session_deleted_is_named_missing(database, signed):
    target = signed[0]
    tables = ("reactions", "parameter_settings", "treated_areas", "screenings",
              "anaesthetics", "treatment_sessions", "treatment_courses", "incidents",
              "area_day_counts")
    with guards_off(database, *tables) as conn:
        for statement in (
                "DELETE FROM parameter_settings WHERE treated_area_id IN "
                "(SELECT id FROM treated_areas WHERE session_id = :id)",
                "DELETE FROM reactions WHERE session_id = :id",
                "DELETE FROM treated_areas WHERE session_id = :id",
                "DELETE FROM screenings WHERE session_id = :id",
                "DELETE FROM incidents WHERE session_id = :id",
                "DELETE FROM treatment_sessions WHERE id = :id"):
            conn.execute(text(statement), {"id": target.summary.id})
    result = verify(database)
    assert any(f"signed session {target.summary.uuid} (signed in audit event" in p
               and "is missing from the database" in p for p in result.problems), \
        result.problems


def test_a_dropped_guard_is_named(database, signed):
    if not database.is_sqlite:
        pytest.skip("on PostgreSQL a disabled guard is named (test_integrity); dropping one "
                    "is the same check")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER reactions_unchanged_when_signed")
    assert verify(database).problems == [
        "the guard trigger reactions_unchanged_when_signed is missing: someone dropped it"]


def test_a_time_that_is_not_a_timestamp_is_named_not_a_crash(database, signed):
    if not database.is_sqlite:
        pytest.skip("PostgreSQL's timestamp column holds nothing else")
    with guards_off(database, "audit_events") as conn:
        conn.exec_driver_sql("UPDATE audit_events SET occurred_at = 'last tuesday' "
                             "WHERE seq = 3")
    result = verify(database)
    assert "audit event 3 has a time that is not a timestamp ('last tuesday')" in \
        result.problems and result.first_broken_seq is not None
