"""Treatment courses: sessions counted against the plan, too-soon warnings, who is due."""

from dataclasses import replace
from datetime import timedelta

import pytest

from models.access import accounts
from models.clinic import clinic_settings
from models.errors import ValidationFailed
from models.review import supervision
from models.values.session_input import AreaInput, SessionInput
from models.workflow import courses, session_logging
from tests.models.helpers import TODAY, session_entry

NECK = AreaInput("neck", {"energy_j": 60.0}, 200, 2)
JAWLINE, HANDS = replace(NECK, area="jawline"), replace(NECK, area="hands")


@pytest.fixture
def device(register_device):
    return register_device(kind="infrared")


@pytest.fixture
def patient(register_patient, technician):
    return register_patient(technician, identifier="C-1", full_name="Cora", fitzpatrick=2)


def test_the_first_session_opens_a_default_course_and_each_counts(
        database, technician, device, patient, logged_session):
    logged_session(patient, session_entry(device, NECK, JAWLINE, days_ago=42))
    logged_session(patient, session_entry(device, NECK, days_ago=21))
    with database.read() as db:
        found = courses.courses_of(db, technician, patient.id)
    neck, jaw = found["neck"], found["jawline"]
    assert (neck.planned_sessions, neck.interval_days, neck.done) == (6, 21, 2)
    assert neck.started_on == TODAY - timedelta(days=42)
    assert neck.describe(TODAY).startswith("Neck: session 3 of 6 · every 21 days · last ")
    assert neck.next_due == TODAY and jaw.next_due == TODAY - timedelta(days=21)
    assert neck.too_soon(TODAY) is None
    assert "only 0 days since the last session" in jaw.too_soon(TODAY - timedelta(days=42))
    assert "only 7 days" in neck.too_soon(TODAY - timedelta(days=14))


def test_draft_and_voided_sessions_do_not_count(database, technician, supervisor, device,
                                                patient, logged_session):
    logged_session(patient, session_entry(device, NECK, days_ago=30))
    voided = logged_session(patient, session_entry(device, NECK, days_ago=10))
    with database.write() as db:
        supervision.void_session(db, supervisor, voided.summary.id, "wrong patient")
        session_logging.start_draft(db, technician, patient.id, SessionInput(
            areas=(AreaInput("neck"),)))
    with database.read() as db:
        assert courses.courses_of(db, technician, patient.id)["neck"].done == 1


def test_a_plan_is_changed_with_its_bad_input_named(database, technician, device, patient,
                                                    logged_session):
    logged_session(patient, session_entry(device, NECK, days_ago=10))
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        courses.plan_course(db, technician, patient.id, "neck", 0, 0, TODAY)
    assert refused.value.problems == {"planned_sessions": "A course has at least 1 session",
                                      "interval_days": "Sessions are at least 1 day apart"}
    with database.read() as db:
        started = courses.courses_of(db, technician, patient.id)["neck"].started_on
    with database.write() as db:
        row = courses.plan_course(db, technician, patient.id, "neck", 4, 28, started)
    assert (row.planned_sessions, row.interval_days, row.done) == (4, 28, 1)
    assert row.next_due == TODAY + timedelta(days=18)
    with database.write() as db:  # a new course from today: nothing counted yet
        fresh = courses.plan_course(db, technician, patient.id, "neck", 3, 14, TODAY)
    assert (fresh.done, fresh.next_due) == (0, TODAY)


def test_due_and_overdue_patients_are_listed_most_overdue_first(
        database, technician, supervisor, admin, device, patient, register_patient,
        logged_session):
    other = register_patient(technician, identifier="C-2", full_name="Dana", fitzpatrick=3)
    logged_session(patient, session_entry(device, NECK, days_ago=30))  # due 9 days ago
    logged_session(other, session_entry(device, NECK, days_ago=16))  # due in 5 days
    logged_session(other, session_entry(device, HANDS, days_ago=2))  # in 19 days: not listed
    with database.read() as db:
        due = courses.due_courses(db, supervisor)
    assert [(row.patient, row.area, row.next_due) for row in due] == [
        ("Cora (C-1)", "neck", TODAY - timedelta(days=9)),
        ("Dana (C-2)", "neck", TODAY + timedelta(days=5))]
    with database.write() as db:
        courses.plan_course(db, supervisor, patient.id, "neck", 1, 21,
                            TODAY - timedelta(days=30))
    with database.read() as db:  # a finished course is due no more
        assert [row.patient for row in courses.due_courses(db, supervisor)] == ["Dana (C-2)"]
    assert replace(due[0], done=6).next_due is None
    with database.write() as db:
        stranger = accounts.create_user(db, username="tom", full_name="Tom", role="technician",
                                        password="long enough", created_by=admin)
    with database.read() as db:  # a technician sees the courses of patients they treat
        assert courses.due_courses(db, stranger) == []
        assert len(courses.due_courses(db, technician)) == 1


def test_a_course_with_no_session_for_three_intervals_lapses_and_leaves_the_due_list(
        database, technician, admin, device, register_patient, logged_session):
    recent = register_patient(technician, identifier="L-1", full_name="Lia Recent")
    lapsed = register_patient(technician, identifier="L-2", full_name="Lou Lapsed")
    logged_session(recent, session_entry(device, NECK, days_ago=30))  # due 9 days ago
    logged_session(lapsed, session_entry(device, NECK, days_ago=70))  # 70 > 3 × 21
    with database.read() as db:
        due = courses.due_courses(db, technician)
        gone = courses.courses_of(db, technician, lapsed.id)["neck"]
    assert [row.identifier for row in due] == ["L-1"]
    assert gone.lapsed(TODAY) and "course lapsed (1 of 6 done" in gone.describe(TODAY)
    with database.write() as db:  # the clinic waits longer before a course lapses
        clinic_settings.change_setting(db, admin, "course_lapse_intervals", 4)
    with database.read() as db:
        assert [row.identifier for row in courses.due_courses(db, technician)] == [
            "L-2", "L-1"]  # most overdue first
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "course_lapse_intervals", 3)
    logged_session(lapsed, session_entry(device, NECK, days_ago=1))  # back after it lapsed
    with database.read() as db:
        again = courses.courses_of(db, technician, lapsed.id)["neck"]
    assert (again.done, again.started_on) == (1, TODAY - timedelta(days=1))  # a new course


def test_the_due_list_is_read_by_key_and_filtered(database, technician, supervisor,
                                                  register_technician, device,
                                                  register_patient, logged_session):
    other = register_technician("olga", "Olga Other")
    for number in range(5):
        patient = register_patient(technician, identifier=f"K-{number}",
                                   full_name=f"Kim {number}")
        by = other if number == 4 else technician
        area = HANDS if number == 3 else NECK
        logged_session(patient, session_entry(device, area, days_ago=20 + 3 * number, room="R2"
                                              if number == 2 else "R1"), by=by)
    with database.read() as db:
        first = courses.due_page(db, supervisor, limit=2)
        second = courses.due_page(db, supervisor, limit=2, after=first.after)
        third = courses.due_page(db, supervisor, limit=2, after=second.after)
        overdue = courses.due_page(db, supervisor, courses.DueFilter(when="overdue"))
        week = courses.due_page(db, supervisor, courses.DueFilter(when="week"))
        hands = courses.due_page(db, supervisor, courses.DueFilter(area="hands"))
        room = courses.due_page(db, supervisor, courses.DueFilter(room="R2"))
        olga = courses.due_page(db, supervisor, courses.DueFilter(technician_id=other.id))
        tess = courses.due_page(db, technician)  # her own patients only
    listed = [r.identifier for page in (first, second, third) for r in page.rows]
    assert listed == ["K-4", "K-3", "K-2", "K-1", "K-0"]  # most overdue first
    assert third.after is None and first.after is not None
    assert [r.identifier for r in overdue.rows] == ["K-4", "K-3", "K-2", "K-1"]
    assert [r.identifier for r in week.rows] == ["K-0"]  # due tomorrow
    assert [r.identifier for r in hands.rows] == ["K-3"]
    assert [r.identifier for r in room.rows] == ["K-2"]
    assert [r.identifier for r in olga.rows] == ["K-4"]
    assert [r.identifier for r in tess.rows] == ["K-3", "K-2", "K-1", "K-0"]


def test_voiding_a_session_counts_its_course_again(database, technician, supervisor, device,
                                                   patient, logged_session):
    logged_session(patient, session_entry(device, NECK, days_ago=30))
    latest = logged_session(patient, session_entry(device, NECK, days_ago=2))
    with database.read() as db:
        assert courses.due_page(db, supervisor).rows == []  # next due in 19 days
    with database.write() as db:
        supervision.void_session(db, supervisor, latest.summary.id, "wrong patient")
    with database.read() as db:
        (after,) = courses.due_page(db, supervisor).rows
    assert after.done == 1
    assert after.next_due == TODAY - timedelta(days=9)  # due again from the first session
