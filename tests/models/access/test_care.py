"""Access follows care: a technician sees a patient's sessions, courses and test patches only
while treating them, the first look at a colleague's session is recorded, and an account
disabled mid-session is refused at its next change."""

import pytest
from sqlalchemy import select

from models.access import accounts
from models.access.audit_chain import AccountDisabled
from models.access.permissions import Refused
from models.reading import history
from models.records.audit_events import AuditEvent
from models.values.session_input import AreaInput, SessionInput
from models.workflow import aftercare, courses, patch_tests, session_logging
from tests.models.helpers import session_entry


@pytest.fixture
def colleague(register_technician):
    return register_technician("otto", "Otto Other")


@pytest.fixture
def signed_by_colleague(database, colleague, device, register_patient, logged_session):
    patient = register_patient(colleague, identifier="M-1", full_name="Mo")
    entry = session_entry(device, AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1))
    return patient, logged_session(patient, entry, by=colleague)


def events(database, action):
    with database.read() as db:
        return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_technician_not_treating_the_patient_sees_nothing_of_them(
        database, technician, signed_by_colleague):
    patient, session = signed_by_colleague
    for read in (lambda db: history.view_session(db, technician, session.summary.id),
                 lambda db: courses.courses_of(db, technician, patient.id),
                 lambda db: patch_tests.patches_of(db, technician, patient.id)):
        with pytest.raises(Refused), database.read() as db:
            read(db)
    assert len(events(database, "refused")) == 3


def test_treating_opens_the_patients_sessions_and_the_first_look_is_recorded(
        database, technician, signed_by_colleague):
    patient, session = signed_by_colleague
    with database.write() as db:
        session_logging.start_draft(db, technician, patient.id)
    for _ in range(2):
        with database.read() as db:
            assert history.view_session(db, technician, session.summary.id).summary.id == \
                session.summary.id
    looks = events(database, "care.access")
    assert len(looks) == 1 and looks[0].actor_id == technician.id
    assert str(session.summary.uuid) in looks[0].new_values


def test_a_voided_session_is_no_longer_treating(database, technician, supervisor,
                                                signed_by_colleague):
    from models.review import supervision

    patient, session = signed_by_colleague
    with database.write() as db:
        own = session_logging.start_draft(db, technician, patient.id)
    with database.write() as db:  # the draft is voided: the technician stopped treating
        supervision.void_session(db, supervisor, own.summary.id, "wrong patient chosen")
    with pytest.raises(Refused), database.read() as db:
        history.view_session(db, technician, session.summary.id)


def test_an_account_disabled_while_signed_in_is_refused_at_its_next_change(
        database, admin, technician, draft):
    with database.write() as db:
        accounts.disable_user(db, admin, technician.username)
    with pytest.raises(AccountDisabled, match="disabled by an administrator"), \
            database.write() as db:
        session_logging.update_draft(db, technician, draft.summary.id,
                                     SessionInput(notes="still typing"))
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).notes == ""
    refused = events(database, "refused")
    assert len(refused) == 1 and refused[0].actor_id == technician.id


def test_aftercare_for_a_colleagues_session_is_refused_and_recorded(
        database, technician, signed_by_colleague):
    _patient, session = signed_by_colleague
    with pytest.raises(Refused), database.write() as db:
        aftercare.record_given(db, technician, session.summary.id)
    assert len(events(database, "refused")) == 1
