"""The demo clinic fills every screen a supervisor or an administrator opens: each list read
through the operation its screen calls, on one small demo (SQLite) shared by the module."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from devices.simulated.demo_clinic import (
    DEMO_PASSWORD,
    LAPSED_TECHNICIAN,
    PATCH_RULES,
    SUPERVISOR,
    TECHNICIANS,
    build_demo,
)
from models.access import accounts
from models.admin.integrity import verify
from models.clinic import device_register, device_upkeep, staff_report
from models.reading import history
from models.records.audit_events import AuditEvent
from models.records.patient_plans import TestPatch
from models.records.people import Patient
from models.records.treatment import TreatmentSession
from models.review import audit_trail, review_queue
from models.values.vocabulary import DeviceKind, SessionStatus
from models.workflow import courses, incidents, patch_tests
from models.workflow.courses import DueFilter

SESSIONS = 80


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """One demo clinic, never written to by the tests; its database and the demo's
    supervisor and administrator as they sign in."""
    from models.storage.schema import open_current

    folder = tmp_path_factory.mktemp("demo")
    database, _ = open_current(f"sqlite:///{folder / 'demo.db'}")
    build_demo(database, sessions=SESSIONS, seed=3)
    supervisor = accounts.sign_in(database, SUPERVISOR[0], DEMO_PASSWORD)
    admin = accounts.sign_in(database, "admin", DEMO_PASSWORD)
    yield database, supervisor, admin
    database.dispose()


def test_the_queue_holds_a_few_sessions_worst_reaction_first(clinic):
    database, supervisor, _admin = clinic
    with database.read() as db:
        page = review_queue.queue_page(db, supervisor)
        waiting = review_queue.count_awaiting(db, supervisor)
        reviewed = db.scalars(select(TreatmentSession.id).where(
            TreatmentSession.status == SessionStatus.REVIEWED)).all()
        by = {history.load_session(db, session_id).reviewed_by for session_id in reviewed}
    grades = [item.worst_grade for item in page.items]
    assert 0 < len(page.items) == waiting < SESSIONS // 4  # most are signed off
    assert grades == sorted(grades, reverse=True)
    assert {4, 3, 2, 1, 0} <= set(grades)  # a band of each grade, its colour with it
    for grade in set(grades):
        starts = [item.started_at for item in page.items if item.worst_grade == grade]
        assert starts == sorted(starts, reverse=True)  # the newest first within a grade
    assert by == {SUPERVISOR[1]}


def test_amended_sessions_show_before_and_after_and_await_review_again(clinic):
    database, supervisor, _admin = clinic
    with database.read() as db:
        amended = db.scalars(select(TreatmentSession.id).where(
            TreatmentSession.status == SessionStatus.AMENDED)).all()
        waiting = {item.session_id for item in review_queue.queue_page(db, supervisor).items}
        details = [history.load_session(db, session_id) for session_id in db.scalars(
            select(TreatmentSession.id).order_by(TreatmentSession.id))]
    changed = [d for d in details if d.amendments]
    assert len(changed) >= 3 and set(amended) <= waiting
    assert {d.summary.status for d in changed} == {"amended", "reviewed"}  # one reviewed since
    for detail in changed:
        (amendment,) = detail.amendments
        assert amendment.reason and amendment.user == SUPERVISOR[1]
        assert amendment.old and amendment.old.keys() == amendment.new.keys()
        assert any(amendment.old[key] != amendment.new[key] for key in amendment.old)
    kinds = {key for d in changed for key in d.amendments[0].new}
    assert {"duration_s", "reactions"} <= kinds


def test_incidents_are_open_overdue_and_filed_with_follow_ups(clinic):
    database, supervisor, _admin = clinic
    now = datetime.now(UTC)
    with database.read() as db:
        listed = incidents.list_incidents(db, supervisor, include_filed=True)
        reports = [incidents.incident_report(db, supervisor, row.id) for row in listed]
    open_ones = [row for row in listed if row.filed_at is None]
    filed = [row for row in listed if row.filed_at is not None]
    assert [row.overdue(now) for row in open_ones] == [True, False]  # soonest due first
    assert filed and all(row.report and row.filed_by == SUPERVISOR[1] for row in filed)
    assert {row.grade for row in listed} == {3, 4}
    assert any(report.session.follow_ups for report in reports)


def test_courses_are_due_this_week_overdue_and_lapsed(clinic):
    database, supervisor, _admin = clinic
    today = date.today()
    with database.read() as db:
        week = courses.due_page(db, supervisor, DueFilter(when="week")).rows
        overdue = courses.due_page(db, supervisor, DueFilter(when="overdue")).rows
        patients = db.scalars(select(Patient.id)).all()
        current = [row for patient_id in patients
                   for row in courses.courses_of(db, supervisor, patient_id).values()]
    assert week and all(today <= row.next_due for row in week)
    assert overdue and all(row.next_due < today and not row.lapsed(today) for row in overdue)
    assert any(row.lapsed(today) for row in current)
    assert any(row.finished for row in current)


def test_certifications_are_current_expiring_and_expired(clinic):
    database, supervisor, _admin = clinic
    today = date.today()
    with database.read() as db:
        staff = {row.username: row.certification_state(today)
                 for row in staff_report.technician_report(db, supervisor, today.year)}
    assert set(staff) == {name for name, _ in (*TECHNICIANS, LAPSED_TECHNICIAN)}
    states = sorted(state.split()[0] for state in staff.values())
    assert states == ["EXPIRED", "expires", "valid", "valid"]


def test_the_administrator_lists_devices_tips_and_rules(clinic):
    database, _supervisor, admin = clinic
    with database.read() as db:
        register = device_register.register(db, admin)
        tips = device_upkeep.list_tips(db, admin)
        rules = patch_tests.list_rules(db, admin)
        rf = next(d.device.id for d in register if d.device.kind == DeviceKind.RF)
        care = device_upkeep.device_care(db, admin, rf)
        patched = db.scalar(select(func.count()).select_from(TestPatch))
    assert {d.state for d in register} == {"In use", "Retired"}
    assert any(d.last_verification for d in register)
    assert {tip.state.split()[0] for tip in tips} == {"Fitted", "Replaced"}
    assert [rule.state for rule in rules] == ["In force"] * (len(PATCH_RULES) - 1) + ["Retired"]
    assert patched > 0  # the rules were met before the sessions they cover
    assert care.open_fault is not None and not care.verified_today


def test_the_audit_trail_reads_and_the_chain_verifies(clinic):
    database, supervisor, _admin = clinic
    with database.read() as db:
        page = audit_trail.event_page(db, supervisor)
        actions = set(db.scalars(select(AuditEvent.action).distinct()))
    assert page.rows and page.next_before is not None
    assert all(row.person != "–" and row.what for row in page.rows)
    assert {"session.review", "session.amend", "session.follow_up", "incident.file",
            "test_patch.read", "consent.sign", "device.fault", "device.retire",
            "test_patch_rule.retire", "user.certify"} <= actions
    result = verify(database)
    assert result.ok, result.problems
    assert result.sessions_proven == SESSIONS


def test_sessions_have_photos_and_patients_signed_consents_and_portraits(clinic):
    from models.records.consents import SignedConsent
    from models.records.photos import PhotoImage, SessionPhoto
    from models.workflow import session_photos

    database, supervisor, _admin = clinic
    with database.read() as db:
        kinds = dict(db.execute(select(SessionPhoto.kind, func.count())
                                .group_by(SessionPhoto.kind)).all())
        images = db.scalars(select(PhotoImage.data).limit(20)).all()
        portrait = db.scalar(select(Patient).where(Patient.portrait_photo_id.is_not(None)))
        consents = db.scalar(select(func.count()).select_from(SignedConsent))
        patients = db.scalar(select(func.count()).select_from(Patient))
        first = db.scalar(select(SessionPhoto).where(SessionPhoto.kind == "before"))
        series = session_photos.series(db, supervisor, first.patient_id, first.area,
                                       first.pose)
    assert kinds["before"] > 0 and kinds["progress"] > 0
    assert all(b"DemoCam" not in image for image in images)  # stored bare of metadata
    assert portrait is not None and consents >= patients
    assert series[0].kind == "before"
