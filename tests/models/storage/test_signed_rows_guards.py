"""Once signed, a session's rows change only as an amendment changes them: the database
itself refuses every other UPDATE, on SQLite and on PostgreSQL, whoever sends it."""

import pytest
from sqlalchemy import exc, text

from models.clinic import device_register, patients
from models.review import supervision
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, SCREENED, sign_consent


@pytest.fixture
def signed(database, admin, technician, signature_of):
    """A completed session with an area, its settings, a reaction and a screening naming the
    consent the patient signed on screen."""
    signature = signature_of(technician)
    with database.write() as db:
        device = device_register.add_device(db, admin, make="Acme", model="G", serial="G-1",
                                            kind="laser")
        patient = patients.add_patient(db, technician, identifier="G-1", full_name="Gia",
                                       date_of_birth=None, fitzpatrick=3)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800,
                             room="R1", notes="as signed",
                             areas=(AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1),),
                             reactions=(ReactionInput("blistering", 3, "two small ones"),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        return session_logging.complete_session(db, technician, draft.summary.id, entry,
                                                signature)


TAMPERING = [
    "UPDATE reactions SET grade = 0",
    "UPDATE parameter_settings SET fluence_j_cm2 = fluence_j_cm2 * 3",
    "UPDATE treated_areas SET pulses = 1",
    "UPDATE treated_areas SET superseded_in = 1, pulses = 1",
    "UPDATE screenings SET consent_version = 'forged'",
    "UPDATE screenings SET consent_id = NULL",
    "UPDATE treatment_sessions SET notes = 'rewritten'",
    "UPDATE treatment_sessions SET late_entry_reason = 'forged'",
    "UPDATE treatment_sessions SET status = 'amended', late_entry_reason = 'forged'",
    "UPDATE treatment_sessions SET status = 'draft'",
    "UPDATE treatment_sessions SET patient_id = patient_id + 0, technician_id = 1",
]


@pytest.mark.parametrize("statement", TAMPERING)
def test_direct_sql_on_a_signed_sessions_rows_is_refused(database, signed, statement):
    with database.read() as db:
        before = db.execute(text("SELECT grade FROM reactions")).scalars().all(), \
            db.execute(text("SELECT notes, status FROM treatment_sessions")).one()
    with (pytest.raises(exc.DBAPIError, match="rows of a signed session are never changed"),
          database.write() as db):
        db.execute(text(statement))
    with database.read() as db:
        after = db.execute(text("SELECT grade FROM reactions")).scalars().all(), \
            db.execute(text("SELECT notes, status FROM treatment_sessions")).one()
    assert after == before


def test_a_supersede_cannot_change_the_consent_the_session_went_ahead_under(database, signed):
    with (pytest.raises(exc.DBAPIError, match="rows of a signed session are never changed"),
          database.write() as db):
        db.execute(text("UPDATE screenings SET superseded_in = 1, consent_id = NULL"))
    with database.read() as db:
        assert db.execute(text("SELECT consent_id FROM screenings")).scalar() \
            == signed.screening.consent_id


def test_status_moves_and_amendments_still_work(database, signed, supervisor, signature_of):
    with database.write() as db:  # an unchanged value is no change
        db.execute(text("UPDATE treatment_sessions SET started_at = started_at"))
    with database.write() as db:
        amended = supervision.amend_session(
            db, supervisor, signed.summary.id,
            SessionInput(device_id=signed.device.id, screening=signed.screening, duration_s=2400,
                         room="R1", notes="corrected duration",
                         areas=(AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1),),
                         reactions=(ReactionInput("blistering", 3, "two small ones"),)),
            "the timer was stopped late", signed.version,
            signature=signature_of(supervisor))
    assert amended.summary.status == "amended" and amended.summary.duration_s == 2400
    with database.write() as db:
        reviewed = supervision.review_session(db, supervisor, signed.summary.id,
                                              amended.version)
    assert reviewed.summary.status == "reviewed"
    with database.read() as db:  # what the amendment replaced is still there, unchanged
        assert db.execute(text("SELECT count(*) FROM reactions WHERE superseded_in = 1"))\
            .scalar() == 1


def test_a_draft_changes_freely(database, technician, admin):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="D-1", full_name="Dee",
                                       date_of_birth=None, fitzpatrick=2)
        session_logging.start_draft(db, technician, patient.id)
    with database.write() as db:
        db.execute(text("UPDATE treatment_sessions SET notes = 'typing'"))
    with database.read() as db:
        assert db.execute(text("SELECT notes FROM treatment_sessions")).scalar() == "typing"
