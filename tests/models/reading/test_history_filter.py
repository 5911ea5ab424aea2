"""Every history filter against a brute-force reference over generated sessions: the pages,
followed key by key in either order, and the COUNT agree with a plain Python scan."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from devices.simulated.demo_clinic import ROOMS, build_demo
from models.reading import history
from models.reading.history_filter import HistoryFilter, count_sessions
from models.records.people import Patient, User
from models.records.treatment import TreatmentSession
from models.review import supervision
from models.values.vocabulary import Area, ReactionKind, SessionStatus


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """One generated clinic (SQLite), shared by the module's examples; never written to."""
    from models.storage.schema import open_current

    folder = tmp_path_factory.mktemp("history")
    database, _ = open_current(f"sqlite:///{folder / 'history.db'}")
    build_demo(database, sessions=80, seed=11)
    with database.write() as db:
        from models.access import accounts

        admin = accounts.actor_of(db.scalars(select(User).where(User.username == "admin")).one())
        boss = accounts.create_user(db, username="sup", full_name="Sue Pervisor",
                                    role="supervisor", password="long enough",
                                    created_by=admin)
        ids = db.scalars(select(TreatmentSession.id).order_by(TreatmentSession.id)).all()
        waiting = db.scalars(select(TreatmentSession.id).where(TreatmentSession.status.in_(
            (SessionStatus.COMPLETED, SessionStatus.AMENDED))).order_by(TreatmentSession.id)
        ).all()
        for session_id in waiting[:3]:  # the demo's supervisor reviewed most others
            supervision.review_session(db, boss, session_id)
        for session_id in ids[6:9]:
            supervision.void_session(db, boss, session_id, "test data")
    with database.read() as db:
        sessions = db.scalars(select(TreatmentSession)).all()
        facts = [
            {
                "id": s.id, "started_at": s.started_at, "room": s.room,
                "technician_id": s.technician_id, "technician": s.technician.full_name,
                "patient_identifier": s.patient.identifier, "patient_name": s.patient.full_name,
                "device_id": s.device_id, "status": s.status,
                "areas": {a.area for a in s.areas},
                "reactions": [(r.kind, r.grade) for r in s.reactions],
            }
            for s in sessions
        ]
        IDENTIFIERS.update(db.scalars(select(Patient.identifier)))
        technicians = sorted({f["technician_id"] for f in facts})
        devices = sorted({f["device_id"] for f in facts})
        patients = sorted({f["patient_identifier"] for f in facts})
        names = sorted({f["patient_name"] for f in facts})
    yield database, boss, facts, technicians, devices, patients, names
    database.dispose()


IDENTIFIERS: set[str] = set()  # every patient identifier of the clinic, filled by the fixture


def matches(fact: dict, f: HistoryFilter) -> bool:
    """The specification of each filter, written plainly."""
    if f.since and fact["started_at"] < f.since:
        return False
    if f.until and fact["started_at"] >= f.until:
        return False
    if f.room and fact["room"].lower() != f.room.lower():
        return False
    if f.technician_id is not None and fact["technician_id"] != f.technician_id:
        return False
    if f.device_id is not None and fact["device_id"] != f.device_id:
        return False
    if f.status and fact["status"] != f.status:
        return False
    if f.patient:  # an identifier if some patient has it, else part of a name
        if f.patient in IDENTIFIERS:
            if fact["patient_identifier"] != f.patient:
                return False
        elif f.patient.lower() not in fact["patient_name"].lower():
            return False
    if f.area and f.area not in fact["areas"]:
        return False
    if (f.reaction or f.min_grade) and not any(
            (f.reaction is None or kind == f.reaction) and grade >= (f.min_grade or 1)
            for kind, grade in fact["reactions"]):
        return False
    if f.search:
        text = f.search.lower()
        if not (text in fact["patient_identifier"].lower()
                or text in fact["patient_name"].lower()
                or text in fact["technician"].lower() or text in fact["room"].lower()):
            return False
    return True


def all_pages(database, actor, f: HistoryFilter, limit: int) -> list[int]:
    found, cursor = [], None
    with database.read() as db:
        while True:
            page = history.list_sessions(db, actor, after=cursor, limit=limit, filters=f)
            found += [row.id for row in page.rows]
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor


@st.composite
def filters(draw, clinic):
    _db, _boss, facts, technicians, devices, patients, names = clinic
    times = sorted(f["started_at"] for f in facts)
    since = draw(st.none() | st.sampled_from(times))
    until = draw(st.none() | st.sampled_from(times).map(lambda t: t + timedelta(hours=1)))
    name_part = draw(st.sampled_from(names)).split()[0][:4]
    return HistoryFilter(
        since=since, until=until,
        room=draw(st.none() | st.sampled_from([*ROOMS, "room 9"])),
        technician_id=draw(st.none() | st.sampled_from(technicians)),
        patient=draw(st.none() | st.sampled_from(patients) | st.just(name_part)),
        area=draw(st.none() | st.sampled_from([a.value for a in Area])),
        device_id=draw(st.none() | st.sampled_from(devices)),
        reaction=draw(st.none() | st.sampled_from([k.value for k in ReactionKind])),
        min_grade=draw(st.none() | st.integers(1, 3)),
        status=draw(st.none() | st.sampled_from([s.value for s in SessionStatus])),
        search=draw(st.none() | st.sampled_from([name_part, "room 2", "DEMO11-0000", "%", "_"])),
        oldest_first=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_filters_agree_with_a_brute_force_scan(clinic, data):
    database, boss, facts, *_ = clinic
    f = data.draw(filters(clinic))
    limit = data.draw(st.integers(1, 30))
    expected = sorted((fact for fact in facts if matches(fact, f)),
                      key=lambda fact: (fact["started_at"], fact["id"]),
                      reverse=not f.oldest_first)
    assert all_pages(database, boss, f, limit) == [fact["id"] for fact in expected]
    with database.read() as db:
        assert count_sessions(db, boss, f) == len(expected)


def test_a_filter_that_matches_nothing_gives_an_empty_page_and_zero(clinic):
    database, boss, *_ = clinic
    f = HistoryFilter(room="nowhere")
    assert all_pages(database, boss, f, 10) == []
    with database.read() as db:
        assert count_sessions(db, boss, f) == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_block_read_from_its_cursor_is_that_slice_of_the_history(clinic, data):
    database, boss, *_ = clinic
    f = data.draw(filters(clinic))
    size = data.draw(st.integers(1, 25))
    everything = all_pages(database, boss, f, 500)
    with database.read() as db:
        cursors = history.block_cursors(db, boss, f, size)
        assert len(cursors) == len(everything) // size
        for block, cursor in enumerate(cursors, start=1):
            page = history.list_sessions(db, boss, after=cursor, limit=size, filters=f)
            assert [r.id for r in page.rows] == everything[block * size:(block + 1) * size]


def test_blocks_and_counts_on_both_databases(database, admin):
    build_demo(database, sessions=12, seed=3)
    f = HistoryFilter(min_grade=1)
    everything = all_pages(database, None, f, 100)
    with database.read() as db:
        assert count_sessions(db, None, f) == len(everything)
        cursors = history.block_cursors(db, None, f, 3)
        assert len(cursors) == len(everything) // 3
        if cursors:
            page = history.list_sessions(db, None, after=cursors[0], limit=3, filters=f)
            assert [r.id for r in page.rows] == everything[3:6]
