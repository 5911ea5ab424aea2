"""Every role × action pair: the allowed ones work, the forbidden ones are refused with a clear
message and leave nothing behind but the refusal's own audit event."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from models.access import accounts
from models.access.permissions import ALLOWED, Action, Refused, a_role
from models.admin import backup
from models.clinic import (
    clinic_settings,
    device_register,
    device_upkeep,
    patients,
    staff_report,
    stored_profiles,
)
from models.errors import NotAllowed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.review import audit_trail, supervision
from models.values.rows import Signature
from models.values.session_input import AreaInput, SessionInput
from models.values.vocabulary import Role
from models.workflow import courses, import_recording, incidents, session_logging
from tests.models.helpers import session_entry

ROLES = [role.value for role in Role]


@pytest.fixture
def clinic(database, admin, technician, supervisor, register_device, patient, logged_session,
           register_technician):
    """A device, a patient, and one completed session by another technician on that patient."""
    device = register_device(kind="infrared")
    other = register_technician("otto", "Otto Other")
    entry = session_entry(device, AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1), room="R1")
    done = logged_session(patient, entry, by=other)
    return {"actors": {"admin": admin, "technician": technician, "supervisor": supervisor},
            "device": device, "patient": patient, "session": done, "entry": entry}


def _operations(clinic, tmp_path: Path):
    """One representative operation per action, each run as ``(database, actor)``."""
    session_id, entry = clinic["session"].summary.id, clinic["entry"]

    def written(operation):
        def run(database, actor):
            with database.write() as db:
                return operation(db, actor)
        return run

    return {
        Action.LOG_SESSION: written(lambda db, a: session_logging.start_draft(
            db, a, clinic["patient"].id, entry)),
        Action.VIEW_OWN_PATIENTS_SESSIONS: written(lambda db, a: history.list_sessions(db, a)),
        Action.VIEW_ALL_SESSIONS: written(lambda db, a: history.view_session(
            db, a, session_id)),
        Action.REGISTER_PATIENT: written(lambda db, a: patients.add_patient(
            db, a, identifier=f"N-{a.username}", full_name="New", date_of_birth=None,
            fitzpatrick=None)),
        Action.IMPORT_DEVICE_FILE: written(lambda db, a: import_recording.begin_batch(
            db, a, file_name="f.csv", sha256=a.username.ljust(64, "0"), profile="generic-csv",
            device_id=clinic["device"].id)),
        Action.REVIEW_SESSION: written(lambda db, a: supervision.review_session(
            db, a, session_id)),
        Action.AMEND_SESSION: written(lambda db, a: supervision.amend_session(
            db, a, session_id, SessionInput(**{**entry.__dict__, "duration_s": 2400,
                                               "screening": clinic["session"].screening}),
            "duration misread", signature=Signature(a.id, datetime.now(UTC)))),
        Action.VOID_SESSION: written(lambda db, a: supervision.void_session(
            db, a, session_id, "wrong patient")),
        Action.VIEW_AUDIT: written(lambda db, a: audit_trail.find_events(db, a)),
        Action.PLAN_COURSE: written(lambda db, a: courses.plan_course(
            db, a, clinic["patient"].id, "neck", 4, 28, date(2026, 1, 5))),
        Action.RECORD_FOLLOW_UP: written(lambda db, a: incidents.record_follow_up(
            db, a, session_id, "erythema", 1, date.today())),
        Action.FILE_INCIDENT: written(lambda db, a: incidents.list_incidents(db, a)),
        Action.LOG_DEVICE_CHECK: written(lambda db, a: device_upkeep.log_device(
            db, a, clinic["device"].id, "verified")),
        Action.VIEW_STAFF: written(lambda db, a: staff_report.technician_report(db, a, 2026)),
        Action.MANAGE_CLINIC_SETTINGS: written(lambda db, a: clinic_settings.change_setting(
            db, a, "incident_due_hours", 12)),
        Action.MANAGE_USERS: written(lambda db, a: accounts.create_user(
            db, username=f"new-{a.username}", full_name="", role="technician",
            password="long enough", created_by=a)),
        Action.MANAGE_DEVICES: written(lambda db, a: device_register.add_device(
            db, a, make="Acme", model="X", serial=f"S-{a.username}", kind="laser")),
        Action.MANAGE_PROFILES: written(lambda db, a: stored_profiles.store_profile(
            db, a, f"profile-{a.username}", 'format = "csv"')),
        Action.MANAGE_BACKUPS: lambda database, a: backup.backup(
            database, a, tmp_path / f"{a.username}.backup"),
    }


def snapshot(database) -> dict[str, object]:
    """Every table's row count, and the audit trail's length."""
    with database.read() as db:
        tables = inspect(db.get_bind()).get_table_names()
        return {t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


def test_every_action_has_an_operation_in_this_test(clinic, tmp_path):
    assert set(_operations(clinic, tmp_path)) == set(Action)


@pytest.mark.parametrize("role", ROLES)
def test_each_forbidden_pair_is_refused_and_leaves_only_its_audit_event(
        database, clinic, tmp_path, role):
    actor = clinic["actors"][role]
    for action, operation in _operations(clinic, tmp_path).items():
        if action in ALLOWED[role]:
            continue
        before = snapshot(database)
        with pytest.raises(Refused) as refused:
            operation(database, actor)
        expected = f"{a_role(role)} may not "
        if (role, action) == ("technician", Action.VIEW_ALL_SESSIONS):
            expected = "This session is of a patient you do not treat"
        assert str(refused.value).startswith(expected), action
        after = snapshot(database)
        assert after.pop("audit_events") == before.pop("audit_events") + 1, action
        assert after == before, action
        with database.read() as db:
            event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.actor_id) == ("refused", actor.id)
        assert event.reason == str(refused.value)


@pytest.mark.parametrize("role", ROLES)
def test_each_allowed_pair_works(database, clinic, tmp_path, role):
    actor = clinic["actors"][role]
    for action, operation in _operations(clinic, tmp_path).items():
        if action not in ALLOWED[role] or (action == Action.VIEW_ALL_SESSIONS and \
                role != Role.SUPERVISOR):
            continue
        if action in (Action.REVIEW_SESSION, Action.VOID_SESSION):
            continue  # each is its own test below, as they change the session's state
        operation(database, actor)


def test_a_technician_sees_only_the_sessions_of_patients_they_treat(database, clinic):
    technician, patient = clinic["actors"]["technician"], clinic["patient"]
    with database.read() as db:
        assert history.list_sessions(db, technician).rows == ()
    with pytest.raises(Refused, match="patient you do not treat"), database.read() as db:
        history.view_session(db, technician, clinic["session"].summary.id)
    with database.write() as db:
        session_logging.start_draft(db, technician, patient.id)
    with database.read() as db:
        shown = history.list_sessions(db, technician).rows
        history.view_session(db, technician, clinic["session"].summary.id)
    assert len(shown) == 2  # their own draft and the colleague's session on their patient


def test_a_technician_cannot_edit_a_colleagues_draft(database, clinic):
    technician = clinic["actors"]["technician"]
    with database.write() as db:
        other = db.scalar(select(func.min(AuditEvent.actor_id)).where(
            AuditEvent.action == "session.complete"))
        otto = accounts.actor_of(db.get(accounts.User, other))
        draft = session_logging.start_draft(db, otto, clinic["patient"].id)
    with pytest.raises(NotAllowed, match="Only the technician who started"), \
            database.write() as db:
        session_logging.update_draft(db, technician, draft.summary.id, SessionInput(notes="x"))
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).notes == ""
        last = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last.action == "refused" and last.actor_id == technician.id


def test_refusals_are_dated_in_utc(database, clinic):
    with pytest.raises(Refused), database.write() as db:
        device_register.add_device(db, clinic["actors"]["technician"], make="A", model="B",
                                   serial="C", kind="laser")
    with database.read() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert abs((datetime.now(UTC) - event.occurred_at).total_seconds()) < 60
