"""Signing a session: the technician's password (21 CFR 11.200), a certification on record,
a start that follows the patient's last signed session, and a reason for logging it late."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.access import accounts
from models.admin.integrity import verify
from models.clinic import clinic_settings
from models.errors import NotAllowed, ValidationFailed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.records.people import User
from models.values.rows import Signature
from models.values.session_input import AreaInput
from models.workflow import session_logging
from tests.entries import PASSWORD
from tests.models.helpers import session_entry

NECK = AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)


def failed_logins(database, actor) -> int:
    with database.read() as db:
        return db.get(User, actor.id).failed_logins


def test_the_technicians_password_confirms_their_signature(database, technician):
    with database.write() as db:
        signature = accounts.confirm_signature(db, technician, PASSWORD)
    assert signature.actor_id == technician.id
    assert abs(signature.confirmed_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_wrong_password_signs_nothing_and_counts_as_a_failed_sign_in(database, technician):
    for attempt in range(1, accounts.FREE_ATTEMPTS + 1):
        with pytest.raises(ValidationFailed) as refused, database.write() as db:
            accounts.confirm_signature(db, technician, "not my password")
        assert refused.value.problems == {
            "password": "That is not your password; nothing was signed"}
        assert failed_logins(database, technician) == attempt
    with database.read() as db:
        user = db.get(User, technician.id)
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()
    assert user.locked_until is not None  # the sign-in lockout, as sign_in applies it
    assert len(events) == accounts.FREE_ATTEMPTS
    with pytest.raises(ValidationFailed, match="Too many failed sign-ins"), \
            database.write() as db:  # locked: even the right password waits
        accounts.confirm_signature(db, technician, PASSWORD)
    with pytest.raises(NotAllowed, match="Too many failed sign-ins"):
        accounts.sign_in(database, "tess", PASSWORD)  # one count for both


def test_the_right_password_clears_the_failures(database, technician):
    with pytest.raises(ValidationFailed), database.write() as db:
        accounts.confirm_signature(db, technician, "not my password")
    with database.write() as db:
        accounts.confirm_signature(db, technician, PASSWORD)
    assert failed_logins(database, technician) == 0


def test_a_disabled_account_cannot_sign(database, admin, technician):
    with database.write() as db:
        accounts.disable_user(db, admin, "tess")
    with pytest.raises(ValidationFailed, match="disabled"), database.write() as db:
        accounts.confirm_signature(db, technician, PASSWORD)


def test_completion_is_audited_as_signed_with_the_password(database, technician, device,
                                                           patient, logged_session):
    done = logged_session(patient, session_entry(device, NECK))
    with database.read() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "session.complete")
                           ).one()
    new = json.loads(event.new_values)
    assert new["signed_with"] == "password" and "content_sha256" in new
    assert event.entity_id == str(done.summary.uuid)
    result = verify(database)
    assert result.ok and result.sessions_proven == 1


def test_someone_elses_signature_signs_nothing(database, technician, admin, device, draft,
                                               signature_of):
    theirs = signature_of(admin)
    forged = Signature(actor_id=admin.id, confirmed_at=datetime.now(UTC))
    for signature in (theirs, forged):
        with pytest.raises(NotAllowed, match="own password"), database.write() as db:
            session_logging.complete_session(db, technician, draft.summary.id,
                                             session_entry(device, NECK), signature)
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).summary.status == "draft"


def refused(database, technician, draft_id, entry, signature):
    with pytest.raises(ValidationFailed) as failure, database.write() as db:
        session_logging.complete_session(db, technician, draft_id, entry, signature)
    return failure.value.problems


def test_no_certification_recorded_stops_completion_unless_the_clinic_allows_it(
        database, admin, device, patient, signature_of):
    with database.write() as db:
        uncertified = accounts.create_user(db, username="una", full_name="Una New",
                                           role="technician", password=PASSWORD,
                                           created_by=admin)
        draft = session_logging.start_draft(db, uncertified, patient.id)
    signature = signature_of(uncertified)
    entry = session_entry(device, NECK)
    problems = refused(database, uncertified, draft.summary.id, entry, signature)
    assert problems["certification"].startswith("Una New has no certification recorded: ")
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "allow_uncertified", 1)
    with database.write() as db:
        done = session_logging.complete_session(db, uncertified, draft.summary.id, entry,
                                                signature)
    assert done.summary.status == "completed"


def test_a_session_cannot_start_before_the_patients_last_signed_one(
        database, technician, device, patient, logged_session, signature_of):
    last = logged_session(patient, session_entry(device, NECK, days_ago=2))
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id)
    earlier = session_entry(device, NECK, days_ago=3)
    problems = refused(database, technician, draft.summary.id, earlier,
                       signature_of(technician))
    when = f"{last.summary.started_at.astimezone():%Y-%m-%d %H:%M}"
    assert problems["started_at"] == (
        f"The session cannot start before this patient's previous session ({when})")
    with database.write() as db:  # a voided session is no previous session
        session_logging.void_draft(db, technician, draft.summary.id, "wrong day")
    done = logged_session(patient, session_entry(device, NECK, days_ago=1))
    assert done.summary.status == "completed"


def test_an_earlier_start_is_fine_before_a_draft_or_a_voided_session(
        database, technician, supervisor, device, patient, register_patient, logged_session):
    from models.review import supervision

    later = logged_session(patient, session_entry(device, NECK, days_ago=1))
    with database.write() as db:
        supervision.void_session(db, supervisor, later.summary.id, "logged on the wrong patient")
    done = logged_session(patient, session_entry(device, NECK, days_ago=5))
    assert done.summary.status == "completed"
    other = register_patient(technician)
    with database.write() as db:
        session_logging.start_draft(db, technician, other.id)  # a draft started now
    assert logged_session(other, session_entry(device, NECK, days_ago=2)).summary.status == \
        "completed"


def test_a_session_logged_late_needs_the_reason(database, admin, technician, device, patient,
                                               draft, signature_of):
    signature = signature_of(technician)
    late = session_entry(device, NECK, days_ago=2, late_reason="  ")
    problems = refused(database, technician, draft.summary.id, late, signature)
    assert problems["late_reason"] == (
        "Logged more than 24 hours after it started: give the reason")
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "late_entry_hours", 72)
    with database.read() as db:  # within the clinic's 72 hours: no reason needed
        assert session_logging.completion_problems(db, technician, draft.summary.id,
                                                   late) == {}
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "late_entry_hours", 24)
    with database.read() as db:
        assert "late_reason" in session_logging.completion_problems(
            db, technician, draft.summary.id, late)
    reason = session_entry(device, NECK, days_ago=2, late_reason=" Paper record, power cut ")
    with database.write() as db:
        done = session_logging.complete_session(db, technician, draft.summary.id, reason,
                                                signature)
    assert done.late_reason == "Paper record, power cut"
    assert history.entry_of(done).late_reason == "Paper record, power cut"
    assert logged_on_time_needs_no_reason(database, technician, device, patient, signature)


def logged_on_time_needs_no_reason(database, technician, device, patient, signature) -> bool:
    """A session logged as it happens needs no reason."""
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id)
        done = session_logging.complete_session(db, technician, draft.summary.id,
                                                session_entry(device, NECK), signature)
    return done.late_reason == "" and done.summary.status == "completed"


def test_the_late_reason_is_part_of_what_was_signed(database, technician, device, patient,
                                                    logged_session):
    from sqlalchemy import text

    done = logged_session(patient, session_entry(device, NECK, days_ago=2))
    with database.read() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "session.start")
                           ).one()  # the snapshot the trail keeps
    assert json.loads(event.new_values)["late_entry_reason"] == "Logged from the paper record"
    assert verify(database).ok
    with database.engine.begin() as conn:  # behind LaserLog's back, the guard off
        if database.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER treatment_sessions_unchanged_when_signed")
        else:
            conn.exec_driver_sql("ALTER TABLE treatment_sessions DISABLE TRIGGER "
                                 "treatment_sessions_unchanged_when_signed")
        conn.execute(text("UPDATE treatment_sessions SET late_entry_reason = 'forged'"))
    problems = verify(database).problems
    assert any(f"signed session {done.summary.uuid}" in p and "no longer matches" in p
               for p in problems), problems


def test_an_amendment_keeps_the_late_reason_as_signed(database, supervisor, device, patient,
                                                       logged_session, signature_of):
    from dataclasses import replace

    from models.review import supervision

    done = logged_session(patient, session_entry(device, NECK, days_ago=2))
    changed = replace(history.entry_of(done), notes="corrected", late_reason="")
    with database.write() as db:
        amended = supervision.amend_session(db, supervisor, done.summary.id, changed,
                                            "notes were incomplete",
                                            signature=signature_of(supervisor))
    assert amended.notes == "corrected"
    assert amended.late_reason == "Logged from the paper record"
    assert verify(database).ok
