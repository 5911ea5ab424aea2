"""The review queue: the worst reactions first, then the newest, read in pages by key; the
reasons a session is flagged, and counts that agree with the session's own record."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.access.permissions import Refused
from models.errors import Conflict
from models.reading import history
from models.records.people import Patient
from models.review import review_queue, supervision
from models.values.session_input import AreaInput, ReactionInput
from models.workflow import import_recording, session_logging
from tests.models.helpers import session_entry

START = datetime(2026, 3, 2, 10, tzinfo=UTC)
NECK = AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)


def on_the_neck(device, day, fluence, *reactions, why=""):
    """A session on the neck ``day`` days after START, at ``fluence``."""
    return session_entry(device, AreaInput("neck", {"fluence_j_cm2": fluence}, 100, 1,
                                           change_reason=why),
                         started_at=START + timedelta(days=day), room="R", reactions=reactions)


def whole_queue(database, actor, page_size=review_queue.PAGE_SIZE):
    """Every page in turn, by key; the items and how many pages it took."""
    items, cursor, pages = [], None, 0
    while True:
        with database.read() as db:
            page = review_queue.queue_page(db, actor, cursor, page_size)
        items += page.items
        pages += 1
        if page.next_cursor is None:
            return items, pages
        cursor = page.next_cursor


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


@pytest.fixture(params=["rare grades from the reactions", "every grade by scanning"])
def band_reading(request, monkeypatch):
    """Both ways a grade's sessions are found: from the reactions' grade index (a grade few
    sessions have), and by walking the waiting sessions newest first (a common one)."""
    if request.param == "every grade by scanning":
        monkeypatch.setattr(review_queue, "RARE_GRADE_REACTIONS", 1)
    return request.param


@pytest.fixture
def graded(technician, device, register_patient, logged_session):
    """Sessions of every grade, logged out of order: name -> id."""
    plan = {  # name: (days ago, reactions)
        "grade 3, older": (5, [ReactionInput("blistering", 3, "left cheek")]),
        "grade 3, newer": (1, [ReactionInput("hyperpigmentation", 3)]),
        "grade 4": (2, [ReactionInput("burn", 4), ReactionInput("erythema", 1)]),
        "grade 2, older": (3, [ReactionInput("oedema", 2)]),
        "grade 1": (0.5, [ReactionInput("erythema", 1)]),
        "none, older": (4, []),
        "none, newer": (0.2, []),
        "grade 2, newer": (2.5, [ReactionInput("erythema", 2), ReactionInput("pain", 1)]),
    }
    ids = {}
    for n, (name, (days_ago, reactions)) in enumerate(plan.items()):
        patient = register_patient(technician, identifier=f"G-{n}", full_name=name)
        entry = session_entry(device, NECK, days_ago=days_ago, reactions=tuple(reactions))
        ids[name] = logged_session(patient, entry).summary.id
    return ids


ORDER = ["grade 4", "grade 3, newer", "grade 3, older", "grade 2, newer", "grade 2, older",
         "grade 1", "none, newer", "none, older"]


def test_the_worst_reaction_comes_first_then_the_newest(database, supervisor, graded,
                                                        band_reading):
    items, pages = whole_queue(database, supervisor)
    assert pages == 1
    assert [item.session_id for item in items] == [graded[name] for name in ORDER]
    assert [item.worst_grade for item in items] == [4, 3, 3, 2, 2, 1, 0, 0]
    assert items[0].worst_kind == "burn" and items[-1].worst_kind is None
    assert items[0].flags == ("Burn grade 4",)


@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_pages_read_by_key_hold_the_whole_queue_once_in_order(database, supervisor, graded,
                                                              band_reading, page_size):
    items, pages = whole_queue(database, supervisor, page_size)
    assert [item.session_id for item in items] == [graded[name] for name in ORDER]
    assert pages == -(-len(ORDER) // page_size)
    with database.read() as db:
        assert review_queue.count_awaiting(db, supervisor) == len(ORDER)


def test_only_sessions_awaiting_sign_off_are_queued(database, technician, supervisor, device,
                                                    register_patient, graded):
    drafted = register_patient(technician, identifier="D-1")
    with database.write() as db:
        supervision.review_session(db, supervisor, graded["grade 4"])
        draft = session_logging.start_draft(db, technician, drafted.id,
                                            session_entry(device, NECK))
    items, _ = whole_queue(database, supervisor, 3)
    ids = [item.session_id for item in items]
    assert graded["grade 4"] not in ids and draft.summary.id not in ids
    assert ids[0] == graded["grade 3, newer"]
    with database.read() as db:
        assert review_queue.count_awaiting(db, supervisor) == len(ORDER) - 1


def test_flagged_sessions_say_why(database, supervisor, logged):
    with database.read() as db:
        queue = review_queue.queue_page(db, supervisor).items
    by_id = {item.session_id: item for item in queue}
    assert by_id[logged["raised"]].flags == (
        "Fluence on Neck up 33% since 2026-03-02; reason given: No reaction last time",)
    assert by_id[logged["reaction"]].flags == ("Blistering grade 2",)
    assert by_id[logged["first"]].flags == by_id[logged["steady"]].flags == ()
    # grade 2, then grade 1, then the rest newest first (flags other than grades don't move)
    assert [item.session_id for item in queue] == [
        logged["reaction"], logged["steady"], logged["raised"], logged["first"]]


def test_a_page_of_unflagged_sessions_is_signed_off_with_the_versions_seen(
        database, supervisor, logged):
    with database.read() as db:
        page = review_queue.queue_page(db, supervisor, limit=3)
    assert len(page.items) == 3 and page.next_cursor is not None
    stale = [replace(item, version=item.version - 1) if not item.flags else item
             for item in page.items]
    with pytest.raises(Conflict), database.write() as db:
        supervision.sign_off_unflagged(db, supervisor, stale)
    with database.read() as db:
        assert review_queue.count_awaiting(db, supervisor) == 4  # none signed off
    with database.write() as db:
        assert supervision.sign_off_unflagged(db, supervisor, list(page.items)) == 1
    left, _ = whole_queue(database, supervisor)
    assert [item.session_id for item in left] == [
        logged["reaction"], logged["raised"], logged["first"]]


def test_technicians_have_no_review_queue(database, technician, logged):
    with pytest.raises(Refused), database.read() as db:
        review_queue.queue_page(db, technician)
    with pytest.raises(Refused), database.read() as db:
        review_queue.count_awaiting(db, technician)


def test_settings_on_another_device_are_not_compared(database, admin, technician,
                                                     supervisor, register_device,
                                                     logged_session, logged):
    other = register_device()
    with database.write() as db:
        ana = db.scalar(select(Patient).where(Patient.identifier == "Q-1"))
    # +50 % on another device: no reason needed, no flag
    session_id = logged_session(ana, on_the_neck(other, 42, 60.0)).summary.id
    with database.read() as db:
        queue = {item.session_id: item
                 for item in review_queue.queue_page(db, supervisor).items}
    assert queue[session_id].flags == ()


def test_stray_pulses_are_counted_from_the_device_and_every_imported_file(
        database, technician, supervisor, device, patient, signature_of):
    """The device flagged 2 pulses as they came, an imported file 4 more: the queue says 6,
    and where each came from, as the session's own record does."""
    entry = session_entry(device, NECK)
    signature = signature_of(technician)
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        import_recording.record_device_pulses(
            db, technician, draft.summary.id, device.id, device_session="SIM 10:00",
            areas=[NECK], duration_s=600, pulses=100, flagged=2, traces=[])
        batch = import_recording.begin_batch(db, technician, file_name="export.csv",
                                             sha256="ab" * 32, profile="simulated",
                                             device_id=device.id)
        import_recording.fill_session(
            db, technician, draft.summary.id, batch, device_session="SIM 10:00",
            areas=[AreaInput("cheeks", {"fluence_j_cm2": 18.0}, 80, 1)], duration_s=600,
            pulses=80, flagged=4)
        import_recording.finish_batch(db, technician, batch, rows=80, sessions=1, flagged=4)
        session_logging.complete_session(db, technician, draft.summary.id, entry, signature)
    with database.read() as db:
        (item,) = review_queue.queue_page(db, supervisor).items
        detail = history.load_session(db, draft.summary.id)
    assert item.flags == ("6 pulses off their setting or on hot skin "
                          "(2 from the connected device, 4 from imported files)",)
    assert sum(batch.flagged_pulses for batch in detail.imports) == 4
