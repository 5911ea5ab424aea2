"""Clinic settings: one value for every PC, changed by an administrator within its range,
and obeyed by the change limit, the incident due time and the default course plan."""

from datetime import timedelta

import pytest

from models.clinic import clinic_settings
from models.errors import ValidationFailed
from models.values.session_input import AreaInput, ReactionInput
from models.workflow import courses, incidents
from tests.models.helpers import session_entry


def test_out_of_range_and_unknown_settings_are_refused(database, admin):
    with database.read() as db:
        assert clinic_settings.rules(db) == clinic_settings.ClinicRules()
    with pytest.raises(ValidationFailed, match="from 1 to 100 %"), database.write() as db:
        clinic_settings.change_setting(db, admin, "change_limit_percent", 0)
    with pytest.raises(ValidationFailed, match="No clinic setting"), database.write() as db:
        clinic_settings.change_setting(db, admin, "colour", 3)


def neck(fluence, why=""):
    return AreaInput("neck", {"fluence_j_cm2": fluence}, 90, 1, change_reason=why)


def test_the_operations_follow_the_clinic_settings(database, admin, technician, supervisor,
                                                   device, patient, logged_session):
    with database.write() as db:
        for name, value in (("change_limit_percent", 10), ("incident_due_hours", 4),
                            ("course_sessions", 3), ("course_interval_days", 28)):
            clinic_settings.change_setting(db, admin, name, value)

    logged_session(patient, session_entry(device, neck(20.0), days_ago=30,
                                          reactions=(ReactionInput("burn", 3),)))
    with pytest.raises(ValidationFailed, match="beyond the 10% limit"):
        # +12.5 %: within 20 %, beyond the clinic's 10 %
        logged_session(patient, session_entry(device, neck(22.5), days_ago=1))
    logged_session(patient, session_entry(device, neck(22.5, why="tolerated well"), days_ago=1))
    with database.read() as db:
        course = courses.courses_of(db, technician, patient.id)["neck"]
        incident = incidents.list_incidents(db, supervisor)[0]
    assert (course.planned_sessions, course.interval_days, course.done) == (3, 28, 2)
    assert incident.due_at - incident.opened_at == timedelta(hours=4)
