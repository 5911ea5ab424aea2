"""Amending any field of a signed session: each kind of field, the rules completion keeps
(for what the amendment changes), the supervisor's password, the review it withdraws, and
the sealed content ``verify`` proves afterwards."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.access import accounts
from models.access.permissions import Refused
from models.admin.integrity import verify
from models.errors import ValidationFailed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.review import review_queue, supervision
from models.values.rows import Signature
from models.values.screening import Contraindication
from models.values.session_input import AreaInput, ReactionInput
from models.values.vocabulary import ParameterSource, ReactionOnset
from models.workflow import patch_tests
from models.workflow.session_logging import CONTENT_KEY, SIGNED_WITH_KEY
from tests.models.helpers import session_entry

NECK = AreaInput("neck", {"wavelength_nm": 1064.0, "fluence_j_cm2": 30.0}, 100, 1)
#: Recorded by the (simulated) device: kept as recorded unless replaced by typed values.
CHEEKS = AreaInput("cheeks", {"fluence_j_cm2": 12.0, "spot_size_mm": 10.0}, 200, 2,
                   source=ParameterSource.SIMULATED)


@pytest.fixture
def signed(device, patient, logged_session):
    """A session signed three days ago: a typed area and a device's, a reaction noticed
    after, a topical anaesthetic, notes."""
    started = datetime.now(UTC) - timedelta(days=3)
    entry = session_entry(device, NECK, CHEEKS, started_at=started, room="Room 1",
                          reactions=(ReactionInput("erythema", 1, "faint",
                                                   ReactionOnset.IMMEDIATELY),),
                          anaesthetic_agent="EMLA 5%",
                          anaesthetic_applied_at=started - timedelta(minutes=40),
                          notes="Tolerated well")
    return logged_session(patient, entry)


@pytest.fixture
def amend(database, supervisor, signature_of):
    """``amend(detail, reason, **changes)``: the session as loaded, with ``changes``, amended
    by the supervisor with their confirmed password."""
    def amend_as_supervisor(detail, reason="corrected from the paper record", **changes):
        entry = replace(history.entry_of(detail), **changes)
        with database.write() as db:
            return supervision.amend_session(db, supervisor, detail.summary.id, entry, reason,
                                             detail.version,
                                             signature=signature_of(supervisor))
    return amend_as_supervisor


def _moved_start(d):
    return {"started_at": d.summary.started_at - timedelta(hours=2),
            "anaesthetic_applied_at": d.anaesthetic_applied_at - timedelta(hours=2)}


#: One amendment per kind of field: (what changes, the keys the amendment records, what the
#: session then shows).
EACH_FIELD = {
    "a parameter": (
        lambda d: {"areas": (replace(NECK, settings={**NECK.settings, "fluence_j_cm2": 28.0}),
                             CHEEKS)},
        {"areas"}, lambda d: d.areas[0].settings["fluence_j_cm2"] == 28.0),
    "pulses and passes": (
        lambda d: {"areas": (replace(NECK, pulses=150, passes=2), CHEEKS)},
        {"areas"}, lambda d: (d.areas[0].pulses, d.areas[0].passes) == (150, 2)),
    "an area added": (
        lambda d: {"areas": (NECK, CHEEKS, AreaInput("forehead", {"fluence_j_cm2": 20.0}, 80,
                                                     1))},
        {"areas"}, lambda d: [a.area for a in d.areas] == ["neck", "cheeks", "forehead"]),
    "an area dropped": (
        lambda d: {"areas": (NECK,)}, {"areas"}, lambda d: [a.area for a in d.areas] == ["neck"]),
    "a device's values replaced by typed ones": (
        lambda d: {"areas": (NECK, AreaInput("cheeks", {"fluence_j_cm2": 11.0}, 200, 2))},
        {"areas"}, lambda d: (d.areas[1].source, d.areas[1].settings["fluence_j_cm2"])
        == (ParameterSource.MANUAL, 11.0)),
    "reactions": (
        lambda d: {"reactions": (ReactionInput("erythema", 2, "faint", ReactionOnset.IMMEDIATELY),
                                 ReactionInput("oedema", 1, "around the jaw"))},
        {"reactions"}, lambda d: [(r.kind, r.grade) for r in d.reactions]
        == [("erythema", 2), ("oedema", 1)]),
    "the anaesthetic": (
        lambda d: {"anaesthetic_agent": "Lidocaine 4%"},
        {"anaesthetic"}, lambda d: d.anaesthetic_agent == "Lidocaine 4%"),
    "no anaesthetic": (
        lambda d: {"anaesthetic_agent": None, "anaesthetic_applied_at": None},
        {"anaesthetic"}, lambda d: d.anaesthetic_agent is None),
    "the screening": (
        lambda d: {"screening": replace(d.screening, fitzpatrick=4,
                                        found=frozenset({Contraindication.SUN_EXPOSURE}),
                                        reasons={Contraindication.SUN_EXPOSURE: "tan faded"})},
        {"screening"}, lambda d: d.screening.found == {Contraindication.SUN_EXPOSURE}
        and d.screening.fitzpatrick == 4),
    "the start": (
        _moved_start, {"started_at", "anaesthetic"},
        lambda d: d.summary.started_at.tzinfo is not None),
    "the duration": (
        lambda d: {"duration_s": 2700}, {"duration_s"}, lambda d: d.summary.duration_s == 2700),
    "the notes": (
        lambda d: {"notes": "Tolerated well; mild heat on the left cheek"}, {"notes"},
        lambda d: d.notes.endswith("left cheek")),
    "the room": (lambda d: {"room": "Room 2"}, {"room"}, lambda d: d.room == "Room 2"),
}


@pytest.mark.parametrize("field", EACH_FIELD)
def test_each_kind_of_field_is_amended_sealed_and_proven(database, signed, amend, field):
    changes, keys, shown = EACH_FIELD[field]
    amended = amend(signed, f"{field} was wrong", **changes(signed))
    assert amended.summary.status == "amended" and shown(amended)
    (amendment,) = amended.amendments
    assert set(amendment.old) == set(amendment.new) == keys
    assert amendment.reason == f"{field} was wrong"
    with database.read() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "session.amend")).one()
    sealed = json.loads(event.new_values)
    assert sealed[SIGNED_WITH_KEY] == "password" and len(sealed[CONTENT_KEY]) == 64
    result = verify(database)
    assert result.ok, result.problems
    assert result.sessions_proven == 1


def test_every_field_at_once_then_again_keeps_verify_passing(database, signed, amend):
    first = amend(signed, "all wrong", notes="n", duration_s=2400, room="R9",
                  reactions=(), anaesthetic_agent=None, anaesthetic_applied_at=None,
                  areas=(replace(NECK, change_reason=""),))
    forehead = AreaInput("forehead", {"fluence_j_cm2": 20.0}, 80, 1)
    second = amend(first, "checked again", **_moved_start(signed) | {
        "anaesthetic_agent": "EMLA 5%", "areas": (NECK, forehead)})
    assert [a.number for a in second.amendments] == [1, 2]
    assert verify(database).ok


# --- what completion checks, for what the amendment changes --------------------------------
def _refused(amend, detail, **changes) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        amend(detail, **changes)
    return refused.value.problems


def test_what_stops_completion_stops_an_amendment(signed, amend):
    pregnant = replace(signed.screening, found=frozenset({Contraindication.PREGNANCY}))
    assert "screening.pregnancy" in _refused(amend, signed, screening=pregnant)
    assert "duration" in _refused(amend, signed, duration_s=0)
    assert "areas" in _refused(amend, signed, areas=())
    future = datetime.now(UTC) + timedelta(days=1)
    assert "started_at" in _refused(amend, signed, started_at=future)


def test_the_start_stays_between_the_patients_sessions(device, patient, logged_session,
                                                       amend):
    earlier = logged_session(patient, session_entry(device, NECK, days_ago=10))
    later = logged_session(patient, session_entry(device, NECK, days_ago=3))
    before_earlier = earlier.summary.started_at - timedelta(days=1)
    assert "previous session" in _refused(amend, later, started_at=before_earlier)[
        "started_at"]
    after_later = later.summary.started_at + timedelta(hours=1)
    assert "next session" in _refused(amend, earlier, started_at=after_later)["started_at"]
    moved = amend(later, started_at=later.summary.started_at - timedelta(days=1))
    assert moved.summary.started_at < later.summary.started_at


def test_a_change_beyond_the_limit_needs_its_reason(device, patient, logged_session, amend):
    logged_session(patient, session_entry(device, NECK, days_ago=10))
    later = logged_session(patient, session_entry(device, NECK, days_ago=3))
    raised = replace(NECK, settings={**NECK.settings, "fluence_j_cm2": 45.0})
    problems = _refused(amend, later, areas=(raised,))
    assert "up 50%" in problems["areas.neck.change_reason"]
    amended = amend(later, areas=(replace(raised, change_reason="no response at 30"),))
    assert amended.areas[0].change_reason == "no response at 30"


def test_a_test_patch_is_asked_for_what_the_amendment_changes(database, admin, device,
                                                              signed, amend):
    with database.write() as db:  # a rule made after the session was signed
        patch_tests.require_test_patch(db, admin, device.id, None)
    kept = amend(signed, notes="a typo fixed")  # its areas are as signed: no patch asked
    forehead = AreaInput("forehead", {"fluence_j_cm2": 20.0}, 80, 1)
    problems = _refused(amend, kept, areas=(NECK, CHEEKS, forehead))
    assert set(problems) == {"areas.forehead.test_patch"}
    problems = _refused(amend, kept, started_at=kept.summary.started_at - timedelta(days=1),
                        anaesthetic_applied_at=None)
    assert {"areas.neck.test_patch", "areas.cheeks.test_patch"} <= set(problems)


def test_a_devices_values_are_kept_or_replaced_never_altered(signed, amend):
    altered = replace(CHEEKS, settings={**CHEEKS.settings, "fluence_j_cm2": 11.0})
    problems = _refused(amend, signed, areas=(NECK, altered))
    assert "kept as recorded" in problems["areas.cheeks"]
    kept = amend(signed, areas=(NECK, replace(CHEEKS, change_reason="checked")))
    assert kept.areas[1].source == ParameterSource.SIMULATED


def test_the_technicians_certification_today_does_not_stop_a_correction(
        database, admin, signed, amend):
    with database.write() as db:
        accounts.record_certification(db, admin, "tess", "LT-OLD",
                                      date.today() - timedelta(days=1),
                                      today=date.today() - timedelta(days=30))
    assert amend(signed, notes="corrected").notes == "corrected"


def test_the_problems_are_told_before_the_password_and_nothing_is_written(
        database, supervisor, signed):
    entry = history.entry_of(signed)
    with database.read() as db:
        events = db.scalar(select(func.count()).select_from(AuditEvent))
        assert supervision.amendment_problems(db, supervisor, signed.summary.id, entry) == {}
        wrong = replace(entry, areas=(NECK, replace(CHEEKS, pulses=1)), duration_s=None)
        assert set(supervision.amendment_problems(db, supervisor, signed.summary.id,
                                                  wrong)) == {"areas.cheeks", "duration"}
        assert db.scalar(select(func.count()).select_from(AuditEvent)) == events


# --- signing ---------------------------------------------------------------------------------
def test_an_amendment_is_signed_with_the_supervisors_own_password(
        database, supervisor, technician, signed, signature_of):
    entry = replace(history.entry_of(signed), notes="changed")
    with pytest.raises(Refused, match="own password"), database.write() as db:
        supervision.amend_session(db, supervisor, signed.summary.id, entry, "x",
                                  signature=signature_of(technician))
    with pytest.raises(TypeError):  # no signature, no amendment
        supervision.amend_session(None, supervisor, signed.summary.id, entry, "x")
    forged = Signature(supervisor.id, datetime.now(UTC))
    with database.write() as db:
        assert supervision.amend_session(db, supervisor, signed.summary.id, entry, "x",
                                         signature=forged).notes == "changed"


# --- review ----------------------------------------------------------------------------------
def _queued(database, supervisor) -> list[int]:
    with database.read() as db:
        return [item.session_id for item in review_queue.queue_page(db, supervisor).items]


def test_an_amendment_withdraws_the_review_and_the_session_is_queued_again(
        database, supervisor, signed, amend):
    session_id = signed.summary.id
    with database.write() as db:
        reviewed = supervision.review_session(db, supervisor, session_id)
    assert reviewed.reviewed_by == "Sam Supervisor" and _queued(database, supervisor) == []
    amended = amend(reviewed, notes="corrected")
    assert amended.summary.status == "amended"
    assert (amended.reviewed_at, amended.reviewed_by) == (None, None)
    assert _queued(database, supervisor) == [session_id]
    withdrawn = amended.amendments[0].old["review"]
    assert withdrawn["reviewed_by"] == "Sam Supervisor"
    assert withdrawn["reviewed_at"] == reviewed.reviewed_at.isoformat()
    with database.write() as db:
        again = supervision.review_session(db, supervisor, session_id, amended.version)
    assert again.summary.status == "reviewed" and again.reviewed_at is not None
    assert _queued(database, supervisor) == []
    assert verify(database).ok


def test_an_unreviewed_session_amended_names_no_review(database, supervisor, signed, amend):
    amended = amend(signed, notes="corrected")
    assert "review" not in amended.amendments[0].old
    assert _queued(database, supervisor) == [signed.summary.id]
