"""The review queue: sessions awaiting sign-off, flagged ones first with the reasons."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.access.permissions import Refused
from models.clinic import device_register, patients
from models.records.people import Patient
from models.review import review_queue, supervision
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import SCREENED

START = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def logged(database, admin, technician):
    with database.write() as db:
        device = device_register.add_device(db, admin, make="Acme", model="Q", serial="Q-1",
                                            kind="laser")
        ana = patients.add_patient(db, technician, identifier="Q-1", full_name="Ana",
                                   date_of_birth=None, fitzpatrick=2)
        bo = patients.add_patient(db, technician, identifier="Q-2", full_name="Bo",
                                  date_of_birth=None, fitzpatrick=2)

    def log(patient, days, fluence, reactions=(), why=""):
        entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800, room="R",
                             started_at=START + timedelta(days=days),
                             areas=(AreaInput("neck", {"fluence_j_cm2": fluence}, 100, 1,
                                              change_reason=why),),
                             reactions=tuple(reactions))
        with database.write() as db:
            draft = session_logging.start_draft(db, technician, patient.id, entry)
            return session_logging.complete_session(db, technician, draft.summary.id,
                                                    entry).summary.id

    return {
        "first": log(ana, 0, 30.0),
        "raised": log(ana, 21, 40.0, why="No reaction last time"),  # +33 % on the same area
        "reaction": log(bo, 1, 20.0, [ReactionInput("blistering", 2)]),
        "steady": log(bo, 22, 21.0, [ReactionInput("erythema", 1)]),  # +5 %, grade 1
    }


def test_flagged_sessions_come_first_with_their_reasons(database, supervisor, logged):
    with database.read() as db:
        queue = review_queue.review_queue(db, supervisor)
    by_id = {item.session_id: item for item in queue}
    assert by_id[logged["raised"]].flags == (
        "Fluence on Neck up 33% since 2026-03-02; reason given: No reaction last time",)
    assert by_id[logged["reaction"]].flags == ("Blistering grade 2",)
    assert by_id[logged["first"]].flags == by_id[logged["steady"]].flags == ()
    assert [item.session_id for item in queue] == [
        logged["raised"], logged["reaction"], logged["first"], logged["steady"]]


def test_the_unflagged_are_signed_off_together_and_leave_the_queue(database, supervisor,
                                                                   logged):
    with database.read() as db:
        queue = review_queue.review_queue(db, supervisor)
    with database.write() as db:
        assert supervision.sign_off_unflagged(db, supervisor, queue) == 2
    with database.read() as db:
        left = [item.session_id for item in review_queue.review_queue(db, supervisor)]
    assert left == [logged["raised"], logged["reaction"]]


def test_technicians_have_no_review_queue(database, technician, logged):
    with pytest.raises(Refused), database.read() as db:
        review_queue.review_queue(db, technician)


def test_settings_on_another_device_are_not_compared(database, admin, technician,
                                                     supervisor, logged):
    with database.write() as db:
        other = device_register.add_device(db, admin, make="Acme", model="R", serial="R-1",
                                           kind="laser")
        ana = db.scalar(select(Patient).where(Patient.identifier == "Q-1"))
    entry = SessionInput(device_id=other.id, screening=SCREENED, duration_s=1800, room="R",
                         started_at=START + timedelta(days=42),
                         areas=(AreaInput("neck", {"fluence_j_cm2": 60.0}, 100, 1),))
    with database.write() as db:  # +50 % on another device: no reason needed, no flag
        draft = session_logging.start_draft(db, technician, ana.id, entry)
        session_id = session_logging.complete_session(db, technician, draft.summary.id,
                                                      entry).summary.id
    with database.read() as db:
        queue = {item.session_id: item for item in review_queue.review_queue(db, supervisor)}
    assert queue[session_id].flags == ()
