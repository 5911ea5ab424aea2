"""The courses due, a page at a time: with every filter, paged by key through many courses
due the same day, exactly the courses a plain reading of the table gives, in the same order."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from models.access.permissions import Action, may
from models.records.patient_plans import Course
from models.records.people import Patient
from models.records.treatment import TreatmentSession
from models.values.session_input import AreaInput
from models.workflow import courses
from models.workflow.courses import DUE_SOON_DAYS, DueFilter
from tests.models.helpers import TODAY, session_entry

AREAS = ("neck", "hands", "jawline")
ROOMS = ("R1", "R2", "")


@pytest.fixture
def olga(register_technician):
    return register_technician("olga", "Olga Other")


@pytest.fixture
def clinic(database, technician, supervisor, olga, register_patient, register_device,
           logged_session):
    """Eighty courses: due on a few days each (ties broken by id), some lapsed, done or
    superseded, treated last by Tess, Olga or nobody, in three rooms. Tess treated the first
    two patients (their sessions open courses of their own)."""
    patients = [register_patient(technician, identifier=f"D-{n}", full_name=f"Dee {n}")
                for n in range(6)]
    device = register_device()
    for patient in patients[:2]:
        logged_session(patient, session_entry(
            device, AreaInput("neck", {"energy_j": 60.0}, 200, 2), days_ago=25))
    rnd = random.Random(7)
    rows = []
    for n in range(80):
        next_due = None if n % 13 == 0 else TODAY + timedelta(days=rnd.randint(-12, 10))
        rows.append({
            "patient_id": rnd.choice(patients).id, "area": rnd.choice(AREAS),
            "planned_sessions": 6, "interval_days": 21, "done": 2,
            "started_on": TODAY - timedelta(days=60), "created_by_id": supervisor.id,
            "last_on": TODAY - timedelta(days=30), "next_due": next_due,
            "lapses_on": TODAY + timedelta(days=rnd.randint(-4, 30)),
            "last_technician_id": rnd.choice([technician.id, olga.id, None]),
            "last_room": rnd.choice(ROOMS)})
    with database.write() as db:
        db.execute(insert(Course), rows)


def _expected(db, actor, filters):
    """The courses due as the table says, most overdue first, by brute force."""
    week = TODAY + timedelta(DUE_SOON_DAYS)
    treated = set(db.scalars(select(TreatmentSession.patient_id)
                             .where(TreatmentSession.technician_id == actor.id)))
    names = {p.id: f"{p.full_name} ({p.identifier})" for p in db.scalars(select(Patient))}

    def due(course):
        if course.next_due is None or course.lapses_on is None or course.lapses_on < TODAY:
            return False
        if filters.when == "overdue":
            in_time = course.next_due < TODAY
        elif filters.when == "week":
            in_time = TODAY <= course.next_due <= week
        else:
            in_time = course.next_due <= week
        return in_time and all(
            wanted is None or value == wanted
            for value, wanted in ((course.last_technician_id, filters.technician_id),
                                  (course.area, filters.area), (course.last_room, filters.room)))

    found = [c for c in db.scalars(select(Course)) if due(c)
             and (may(actor, Action.VIEW_ALL_SESSIONS) or c.patient_id in treated)]
    return [(c.id, names[c.patient_id], c.area, c.lapses_on)
            for c in sorted(found, key=lambda c: (c.next_due, c.id))]


def _paged(db, actor, filters, limit):
    listed, after = [], None
    while True:
        page = courses.due_page(db, actor, filters, after=after, limit=limit, today=TODAY)
        listed += [(row.id, row.patient, row.area, row.lapses_on) for row in page.rows]
        if page.after is None:
            return listed
        assert len(page.rows) == limit  # a page short of the limit is the last
        after = page.after


FILTERS = [
    {}, {"area": "neck"}, {"room": "R2"}, {"room": ""}, {"technician": "tess"},
    {"technician": "olga"}, {"technician": "olga", "area": "hands", "room": "R1"},
]


def test_every_filter_pages_through_exactly_the_courses_due(
        database, clinic, supervisor, technician, olga):
    ids = {"tess": technician.id, "olga": olga.id}
    with database.read() as db:
        for when in ("due", "overdue", "week"):
            for chosen in FILTERS:
                filters = DueFilter(when=when, technician_id=ids.get(chosen.get("technician")),
                                    area=chosen.get("area"), room=chosen.get("room"))
                expected = _expected(db, supervisor, filters)
                assert _paged(db, supervisor, filters, limit=4) == expected, filters
                assert _paged(db, supervisor, filters, limit=500) == expected, filters
                # A technician sees only the courses of the patients she treated.
                assert _paged(db, technician, filters, limit=3) == \
                    _expected(db, technician, filters), filters
        everyone = _expected(db, supervisor, DueFilter())
        days = db.scalars(select(Course.next_due)
                          .where(Course.id.in_([row[0] for row in everyone]))).all()
    assert len(everyone) > 20 and len(set(days)) < len(everyone) / 2  # many due the same day
