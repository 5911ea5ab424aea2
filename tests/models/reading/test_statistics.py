"""Each chart's SQL aggregate against the same figure counted in plain Python."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from devices.simulated.demo_clinic import build_demo
from models.reading import statistics
from models.reading.history import NO_FILTER
from models.reading.history_filter import HistoryFilter
from models.records.treatment import TreatmentSession


@pytest.fixture
def sessions(database):
    build_demo(database, sessions=40, seed=13)
    with database.read() as db:
        return [
            {"started": s.started_at, "room": s.room, "technician": s.technician.full_name,
             "areas": [a.area for a in s.areas], "duration": s.duration_s,
             "patient_id": s.patient_id, "fitzpatrick": s.patient.fitzpatrick or 0,
             "device": f"{s.device.make} {s.device.model}",
             "worst": max((r.grade for r in s.reactions), default=0)}
            for s in db.scalars(select(TreatmentSession))
        ]


def month(moment: datetime) -> str:
    return moment.strftime("%Y-%m-01")


def week(moment: datetime) -> str:
    return (moment - timedelta(days=moment.weekday())).strftime("%Y-%m-%d")


def test_sessions_per_period(database, sessions):
    for period, start in (("month", month), ("week", week)):
        for group in statistics.GROUPS:
            with database.read() as db:
                found = statistics.sessions_per_period(db, None, NO_FILTER, period, group)
            expected = Counter((start(s["started"]), s[group]) for s in sessions)
            assert {(c.period, c.group): c.sessions for c in found} == dict(expected)


def test_reaction_rate(database, sessions):
    for dimension in statistics.DIMENSIONS:
        with database.read() as db:
            found = statistics.reaction_rate(db, None, NO_FILTER, dimension, min_grade=2)
        totals, reacted = Counter(), Counter()
        for s in sessions:
            for key in s["areas"] if dimension == "area" else [s[dimension]]:
                totals[str(key)] += 1
                reacted[str(key)] += s["worst"] >= 2
        assert {r.group: (r.sessions, r.with_reaction) for r in found} == {
            k: (totals[k], reacted[k]) for k in totals}, dimension


def test_duration_distribution(database, sessions):
    with database.read() as db:
        found = statistics.duration_distribution(db, None, NO_FILTER)
    expected = Counter((a, s["duration"] // 600 * 10) for s in sessions for a in s["areas"])
    assert {(b.area, b.minutes): b.sessions for b in found} == dict(expected)


def test_patient_course_and_the_dashboard(database, sessions):
    patient = Counter(s["patient_id"] for s in sessions).most_common(1)[0][0]
    with database.read() as db:
        course = statistics.patient_course(db, None, patient)
        since = (datetime.now(UTC) - timedelta(days=365)).replace(hour=0, minute=0, second=0,
                                                                   microsecond=0)
        dashboard = statistics.sessions_by_area_per_month(db, None, since)
        filtered = statistics.sessions_per_period(db, None, HistoryFilter(room="Room 1"))
    mine = [s for s in sessions if s["patient_id"] == patient]
    assert len(course) == sum(len(s["areas"]) for s in mine)
    assert [p.started_at for p in course] == sorted(p.started_at for p in course)
    assert {p.worst_grade for p in course} <= {s["worst"] for s in mine}
    assert sum(c.sessions for c in dashboard) == sum(
        len(s["areas"]) for s in sessions if s["started"] >= since)
    assert {c.group for c in filtered} == {"Room 1"}
