"""The review queue: sessions awaiting sign-off, flagged ones first with the reasons."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.access.permissions import Refused
from models.records.people import Patient
from models.review import review_queue, supervision
from models.values.session_input import AreaInput, ReactionInput
from tests.models.helpers import session_entry

START = datetime(2026, 3, 2, 10, tzinfo=UTC)


def on_the_neck(device, day, fluence, *reactions, why=""):
    """A session on the neck ``day`` days after START, at ``fluence``."""
    return session_entry(device, AreaInput("neck", {"fluence_j_cm2": fluence}, 100, 1,
                                           change_reason=why),
                         started_at=START + timedelta(days=day), room="R", reactions=reactions)


@pytest.fixture
def logged(technician, device, register_patient, logged_session):
    ana = register_patient(technician, identifier="Q-1", full_name="Ana", fitzpatrick=2)
    bo = register_patient(technician, identifier="Q-2", full_name="Bo", fitzpatrick=2)
    sessions = {
        "first": (ana, on_the_neck(device, 0, 30.0)),
        "raised": (ana, on_the_neck(device, 21, 40.0, why="No reaction last time")),  # +33 %
        "reaction": (bo, on_the_neck(device, 1, 20.0, ReactionInput("blistering", 2))),
        "steady": (bo, on_the_neck(device, 22, 21.0, ReactionInput("erythema", 1))),  # +5 %
    }
    return {name: logged_session(*session).summary.id for name, session in sessions.items()}


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
                                                     supervisor, register_device,
                                                     logged_session, logged):
    other = register_device()
    with database.write() as db:
        ana = db.scalar(select(Patient).where(Patient.identifier == "Q-1"))
    # +50 % on another device: no reason needed, no flag
    session_id = logged_session(ana, on_the_neck(other, 42, 60.0)).summary.id
    with database.read() as db:
        queue = {item.session_id: item for item in review_queue.review_queue(db, supervisor)}
    assert queue[session_id].flags == ()
