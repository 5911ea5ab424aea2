"""The kept per-day area counts always equal a fresh count of the sessions, whatever happened
to them: drafts typed, completed, amended (areas and start changed), voided, imported."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from devices.simulated.demo_clinic import build_demo
from models.reading import history
from models.reading.history_filter import HistoryFilter, count_sessions
from models.records import area_day_counts
from models.records.treatment import TreatmentSession
from models.review import supervision
from models.values.session_input import AreaInput, SessionInput
from models.values.vocabulary import PatchResult
from models.workflow import patch_tests, session_logging


def kept_equal_live(database):
    with database.read() as db:
        return area_day_counts.kept_counts(db) == area_day_counts.live_counts(db)


def test_the_counts_follow_every_change(database, supervisor, technician, signature_of):
    build_demo(database, sessions=15, seed=31)
    assert kept_equal_live(database)
    with database.read() as db:
        first, second = db.scalars(select(TreatmentSession.id).order_by(TreatmentSession.id)
                                   .limit(2)).all()
        detail = history.load_session(db, first)
    moved = replace(history.entry_of(detail),
                    started_at=detail.summary.started_at - timedelta(days=40),
                    areas=(AreaInput("knees", {"fluence_j_cm2": 20.0}, 50, 1),))
    signature = signature_of(supervisor)
    with database.write() as db:
        _patch_tested(db, technician, first, moved)
        supervision.amend_session(db, supervisor, first, moved, "wrong day and area",
                                  signature=signature)
        supervision.void_session(db, supervisor, second, "duplicate")
        patient_id = db.scalar(select(TreatmentSession.patient_id))
        draft = session_logging.start_draft(db, technician, patient_id)
        session_logging.update_draft(db, technician, draft.summary.id, SessionInput(
            areas=(AreaInput("hands", {"fluence_j_cm2": 12.0}),)))
    assert kept_equal_live(database)
    with database.read() as db:
        for area in ("knees", "hands", "neck"):  # the count read from the kept day counts
            assert count_sessions(db, supervisor, HistoryFilter(area=area)) == len(
                history.list_sessions(db, supervisor, limit=10_000,
                                      filters=HistoryFilter(area=area)).rows)


def _patch_tested(db, technician, session_id, entry):
    """The test patches the demo's rules ask for before the entry's areas on its day: done a
    week before and read with no reaction, as the demo does its own."""
    patient_id = db.get(TreatmentSession, session_id).patient_id
    day = entry.started_at.astimezone().date()
    missing = patch_tests.patches_missing(db, patient_id, entry.device_id,
                                          [area.area for area in entry.areas], day)
    for area in entry.areas:
        if area.area in missing:
            patch = patch_tests.record_test_patch(
                db, technician, patient_id, entry.device_id, area.area,
                day - timedelta(days=7), area.settings.get("fluence_j_cm2"), None,
                patch_tests.DEFAULT_READ_AFTER_DAYS)
            patch_tests.read_test_patch(db, technician, patch.id, patch.readable_on,
                                        PatchResult.NO_REACTION)


def test_a_fresh_recount_gives_the_same(database, admin):
    build_demo(database, sessions=6, seed=32)
    with database.read() as db:
        before = area_day_counts.kept_counts(db)
    with database.write() as db:
        area_day_counts.recount_all(db)
    with database.read() as db:
        assert area_day_counts.kept_counts(db) == before
