import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.errors import NotAllowed, ValidationFailed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.records.treatment import TreatmentSession
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import SCREENED


@pytest.fixture
def patient(register_patient, technician):
    return register_patient(technician, identifier="P-100", full_name="Jane Doe")


@pytest.fixture
def device(register_device):
    return register_device(model="Tite IR", serial="SN-1", kind="infrared")


def complete_entry(device_id: int, **changes) -> SessionInput:
    values = dict(
        device_id=device_id,
        room="Room 2",
        duration_s=45 * 60,
        anaesthetic_agent="Lidocaine 5% cream",
        areas=(
            AreaInput("neck", {"fluence_j_cm2": 32.5, "wavelength_nm": 1064.0}, 400, 2),
            AreaInput("jawline", {"fluence_j_cm2": 28.0}, 250, 1),
        ),
        reactions=(ReactionInput("erythema", 1, "faint"), ReactionInput("oedema", 2)),
        notes="Tolerated well",
        screening=SCREENED,
    )
    values.update(changes)
    return SessionInput(**values)


def test_draft_saved_then_completed_holds_everything(database, technician, device, draft,
                                                      signature_of):
    signature = signature_of(technician)
    assert draft.summary.status == "draft"
    with database.write() as s:
        session_logging.update_draft(s, technician, draft.summary.id, complete_entry(device.id))
    with database.write() as s:
        session_logging.complete_session(s, technician, draft.summary.id,
                                         complete_entry(device.id), signature)

    with database.read() as s:
        detail = history.load_session(s, draft.summary.uuid)
    assert detail.summary.status == "completed"
    assert detail.completed_at is not None
    assert detail.room == "Room 2"
    assert detail.summary.duration_s == 2700
    assert detail.anaesthetic_agent == "Lidocaine 5% cream"
    assert [a.area for a in detail.areas] == ["neck", "jawline"]
    assert detail.areas[0].settings["fluence_j_cm2"] == 32.5
    assert detail.areas[0].settings["wavelength_nm"] == 1064.0
    assert detail.areas[0].pulses == 400 and detail.areas[0].passes == 2
    assert detail.summary.worst_reaction.kind == "oedema"
    assert detail.summary.technician == "Tess Tech"
    assert detail.device.serial == "SN-1"


def test_every_change_is_audited_in_a_chain(database, patient, device, logged_session):
    logged_session(patient, complete_entry(device.id))
    with database.read() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    actions = [e.action for e in events]
    assert actions[-2:] == ["session.start", "session.complete"]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


def test_completed_session_cannot_be_edited(database, technician, patient, device,
                                            logged_session):
    done = logged_session(patient, complete_entry(device.id))
    with pytest.raises(NotAllowed, match="only amended"), database.write() as s:
        session_logging.update_draft(s, technician, done.summary.id, SessionInput(notes="x"))


def test_another_technician_cannot_edit_a_draft(database, admin, draft):
    with pytest.raises(NotAllowed, match="technician who started"), database.write() as s:
        session_logging.update_draft(s, admin, draft.summary.id, SessionInput(notes="x"))


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"duration_s": 0}, "duration", "more than zero"),
        ({"duration_s": -600}, "duration", "more than zero"),
        ({"duration_s": 6 * 3600 + 60}, "duration", "6 hours"),
        ({"duration_s": None}, "duration", "how long"),
        ({"areas": ()}, "areas", "at least one"),
        ({"areas": (AreaInput("neck", {"fluence_j_cm2": -3.0}),)},
         "areas.neck.fluence_j_cm2", "positive"),
        ({"areas": (AreaInput("neck", {"fluence_j_cm2": 0.0}),)},
         "areas.neck.fluence_j_cm2", "positive"),
        ({"anaesthetic_agent": "  "}, "anaesthetic_agent", "Name the topical"),
        ({"reactions": (ReactionInput("bruising", 7),)}, "reactions.bruising", "0 to 4"),
        ({"started_at": datetime.now(UTC) + timedelta(days=1)}, "started_at", "future"),
    ],
)
def test_completion_refuses_bad_input_and_changes_nothing(
    database, technician, device, draft, changes, key, message, signature_of
):
    signature = signature_of(technician)
    with pytest.raises(ValidationFailed) as refused, database.write() as s:
        session_logging.complete_session(
            s, technician, draft.summary.id, complete_entry(device.id, **changes),
            signature)
    assert message in refused.value.problems[key]
    with database.read() as s:
        assert history.load_session(s, draft.summary.id).summary.status == "draft"


def test_draft_keeps_good_values_and_leaves_out_wrong_ones(database, technician, device, draft):
    entry = complete_entry(
        device.id, duration_s=-5, areas=(AreaInput("neck", {"fluence_j_cm2": -1.0}, 100),)
    )
    with database.write() as s:
        detail = session_logging.update_draft(s, technician, draft.summary.id, entry)
    assert detail.summary.duration_s is None
    assert detail.areas[0].pulses == 100
    assert detail.areas[0].settings["fluence_j_cm2"] is None
    assert detail.notes == "Tolerated well"


def test_history_pages_newest_first_without_gaps(database, technician, patient):
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    with database.write() as s:
        for i in range(25):
            entry = SessionInput(started_at=start + timedelta(hours=i % 7, days=i // 7))
            session_logging.create_draft(s, technician, patient.id, entry)
    seen, cursor = [], None
    with database.read() as s:
        while True:
            page = history.list_sessions(s, after=cursor, limit=10)
            seen.extend(page.rows)
            cursor = page.next_cursor
            if cursor is None:
                break
        total = s.scalar(select(func.count()).select_from(TreatmentSession))
    assert len(seen) == total == 25
    keys = [(r.started_at, r.id) for r in seen]
    assert keys == sorted(keys, reverse=True)
    assert len({r.id for r in seen}) == 25


def test_history_row_shows_areas_technician_and_worst_reaction(
    database, patient, device, logged_session
):
    logged_session(patient, complete_entry(device.id))
    with database.read() as s:
        (row,) = history.list_sessions(s).rows
    assert row.areas == ("neck", "jawline")
    assert row.technician == "Tess Tech"
    assert (row.worst_reaction.kind, row.worst_reaction.grade) == ("oedema", 2)
    assert row.patient_identifier == "P-100"
