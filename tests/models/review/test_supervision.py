"""Draft -> completed -> reviewed; amendments keep the values they replace; voiding keeps the
session. Nothing clinical is deleted on the way."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from models.errors import LaserLogError, NotAllowed, ValidationFailed
from models.reading import history
from models.records.treatment import TreatmentSession
from models.review import supervision
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.models.helpers import session_entry


@pytest.fixture
def completed(register_device, patient, logged_session):
    """A signed session on an infrared device: its id and what was entered, with the consent
    the patient signed on screen as the session went ahead under it."""
    entry = session_entry(register_device(kind="infrared"),
                          AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1), room="R1",
                          reactions=(ReactionInput("erythema", 1),))
    done = logged_session(patient, entry)
    return done.summary.id, replace(entry, screening=done.screening)


def run(database, operation, *args, **kwargs):
    with database.write() as db:
        return operation(db, *args, **kwargs)


@pytest.fixture
def amend(database, supervisor, signature_of):
    """``amend(session_id, entry, reason)``: amended by the supervisor, their password
    confirmed."""
    def amend_as_supervisor(session_id, entry, reason, version=None):
        return run(database, supervision.amend_session, supervisor, session_id, entry, reason,
                   version, signature=signature_of(supervisor))
    return amend_as_supervisor


def test_review_signs_off_a_completed_session_once(database, supervisor, completed):
    session_id, _ = completed
    detail = run(database, supervision.review_session, supervisor, session_id)
    assert detail.summary.status == "reviewed" and detail.reviewed_by == "Sam Supervisor"
    with pytest.raises(NotAllowed, match="already reviewed"):
        run(database, supervision.review_session, supervisor, session_id)


def test_an_amendment_keeps_the_original_and_needs_a_reason(database, supervisor, completed,
                                                           amend):
    session_id, entry = completed
    run(database, supervision.review_session, supervisor, session_id)
    changed = SessionInput(**{**entry.__dict__, "duration_s": 2400, "notes": "Late entry"})
    with pytest.raises(ValidationFailed, match="reason"):
        amend(session_id, changed, "  ")
    detail = amend(session_id, changed, "Timer was stopped late")
    assert detail.summary.status == "amended" and detail.summary.duration_s == 2400
    (amendment,) = detail.amendments
    assert amendment.number == 1 and amendment.user == "Sam Supervisor"
    assert amendment.reason == "Timer was stopped late"
    reviewed = amendment.old.pop("review")  # the review it withdrew
    assert reviewed["reviewed_by"] == "Sam Supervisor" and amendment.new.pop("review") is None
    assert amendment.old == {"duration_s": 1800, "notes": ""}
    assert amendment.new == {"duration_s": 2400, "notes": "Late entry"}
    again = SessionInput(**{**changed.__dict__, "duration_s": 2100})
    detail = amend(session_id, again, "Checked the log")
    assert [a.old["duration_s"] for a in detail.amendments] == [1800, 2400]
    with pytest.raises(LaserLogError, match="changes nothing"):
        amend(session_id, again, "same")


def test_an_amendment_must_still_be_complete(database, supervisor, completed, amend):
    session_id, entry = completed
    broken = SessionInput(**{**entry.__dict__, "areas": ()})
    with pytest.raises(ValidationFailed):
        amend(session_id, broken, "oops")
    with database.read() as db:
        assert history.load_session(db, session_id).amendments == ()


def test_a_draft_is_edited_by_its_technician_not_amended(database, supervisor, technician,
                                                         completed, amend):
    _, entry = completed
    with database.read() as db:
        patient_id = db.scalar(select(TreatmentSession.patient_id))
    draft = run(database, session_logging.start_draft, technician, patient_id, entry)
    with pytest.raises(NotAllowed, match="only a completed session"):
        amend(draft.summary.id, entry, "x")


def test_voiding_keeps_the_session_with_its_reason(database, supervisor, technician,
                                                   completed):
    session_id, entry = completed
    with pytest.raises(ValidationFailed, match="reason"):
        run(database, supervision.void_session, supervisor, session_id, "")
    detail = run(database, supervision.void_session, supervisor, session_id,
                 "Logged for the wrong patient")
    assert detail.summary.status == "voided" and detail.void_reason.startswith("Logged")
    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(TreatmentSession)) == 1
    with pytest.raises(NotAllowed):
        run(database, supervision.void_session, supervisor, session_id, "again")
    with pytest.raises(NotAllowed):  # and its technician cannot edit it either
        run(database, session_logging.update_draft, technician, session_id, entry)


def test_a_loaded_session_saves_back_unchanged(database, supervisor, completed, amend):
    session_id, _ = completed
    with database.read() as db:
        detail = history.load_session(db, session_id)
    with pytest.raises(LaserLogError, match="changes nothing"):
        amend(session_id, history.entry_of(detail), "no change")


def test_a_supervisor_acting_on_a_session_changed_since_it_was_shown_is_told(
        database, supervisor, completed):
    from models.errors import Conflict

    session_id, _ = completed
    with database.read() as db:
        shown = history.load_session(db, session_id).version
    run(database, supervision.review_session, supervisor, session_id, shown)
    with pytest.raises(Conflict, match="Sam Supervisor saved this session"):
        run(database, supervision.void_session, supervisor, session_id, "dup", shown)


def test_an_amendment_keeps_the_rows_it_replaces(database, supervisor, completed, amend):
    from sqlalchemy import text

    session_id, entry = completed
    with database.read() as db:
        before = db.execute(text("SELECT count(*) FROM treated_areas")).scalar()
    changed = SessionInput(**{**entry.__dict__, "areas": (
        AreaInput("neck", {"fluence_j_cm2": 28.0}, 100, 1),)})
    detail = amend(session_id, changed, "Fluence misread from the screen")
    assert detail.areas[0].settings["fluence_j_cm2"] == 28.0
    with database.read() as db:
        rows = db.execute(text(
            "SELECT a.superseded_in IS NULL, p.fluence_j_cm2 FROM treated_areas a "
            "JOIN parameter_settings p ON p.treated_area_id = a.id ORDER BY a.id")).all()
    assert [tuple(r) for r in rows] == [(False, 30.0), (True, 28.0)]
    assert detail.amendments[0].number == 1
    assert before == 1


@pytest.mark.parametrize("statement", [
    "DELETE FROM treated_areas", "DELETE FROM parameter_settings", "DELETE FROM reactions",
])
def test_the_rows_of_a_signed_session_cannot_be_deleted(database, completed, statement):
    from sqlalchemy import exc, text

    with (pytest.raises(exc.DBAPIError, match="rows of a signed session are never deleted"),
          database.write() as db):
        db.execute(text(statement))


def test_an_amendment_keeps_the_consent_the_session_went_ahead_under(database, completed,
                                                                     amend):
    """Whatever consent the form sends, the amended session keeps the one it was signed
    under; a session whose consent was typed before consent on screen can still be amended."""
    from sqlalchemy import text

    from tests.models.helpers import guards_off

    session_id, entry = completed
    kept = entry.screening.consent_id
    assert kept is not None
    forged = replace(entry, duration_s=2400, screening=replace(entry.screening,
                                                               consent_id=99_999))
    assert amend(session_id, forged, "timer stopped late").screening.consent_id == kept
    with guards_off(database, "screenings") as conn:  # as a consent typed before 0021 is
        conn.execute(text("UPDATE screenings SET consent_id = NULL"))
    legacy = replace(entry, duration_s=2700, screening=replace(entry.screening,
                                                               consent_id=None))
    again = amend(session_id, legacy, "corrected from the paper record")
    assert again.summary.duration_s == 2700 and again.screening.consent_id is None
