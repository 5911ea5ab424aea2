"""Clinic settings: one value for every PC, changed by an administrator within its range,
and obeyed by the change limit, the incident due time and the default course plan."""

from datetime import UTC, datetime, timedelta

import pytest

from models.clinic import clinic_settings, device_register, patients
from models.errors import ValidationFailed
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import courses, incidents, session_logging
from tests.entries import SCREENED


def test_out_of_range_and_unknown_settings_are_refused(database, admin):
    with database.read() as db:
        assert clinic_settings.rules(db) == clinic_settings.ClinicRules()
    with pytest.raises(ValidationFailed, match="from 1 to 100 %"), database.write() as db:
        clinic_settings.change_setting(db, admin, "change_limit_percent", 0)
    with pytest.raises(ValidationFailed, match="No clinic setting"), database.write() as db:
        clinic_settings.change_setting(db, admin, "colour", 3)


def test_the_operations_follow_the_clinic_settings(database, admin, technician, supervisor):
    with database.write() as db:
        for name, value in (("change_limit_percent", 10), ("incident_due_hours", 4),
                            ("course_sessions", 3), ("course_interval_days", 28)):
            clinic_settings.change_setting(db, admin, name, value)
        device = device_register.add_device(db, admin, make="Acme", model="S", serial="S-9",
                                            kind="laser")
        patient = patients.add_patient(db, technician, identifier="CS-1", full_name="Cy",
                                       date_of_birth=None, fitzpatrick=3)

    def log(fluence, days_ago, reactions=(), why=""):
        entry = SessionInput(device_id=device.id, duration_s=1800, screening=SCREENED,
                             started_at=datetime.now(UTC) - timedelta(days=days_ago),
                             areas=(AreaInput("neck", {"fluence_j_cm2": fluence}, 90, 1,
                                              change_reason=why),),
                             reactions=tuple(reactions))
        with database.write() as db:
            draft = session_logging.start_draft(db, technician, patient.id, entry)
            return session_logging.complete_session(db, technician, draft.summary.id, entry)

    log(20.0, 30, [ReactionInput("burn", 3)])
    with pytest.raises(ValidationFailed, match="beyond the 10% limit"):
        log(22.5, 1)  # +12.5 %: within 20 %, beyond the clinic's 10 %
    log(22.5, 1, why="tolerated well")
    with database.read() as db:
        course = courses.courses_of(db, technician, patient.id)["neck"]
        incident = incidents.list_incidents(db, supervisor)[0]
    assert (course.planned_sessions, course.interval_days, course.done) == (3, 28, 2)
    assert incident.due_at - incident.opened_at == timedelta(hours=4)
