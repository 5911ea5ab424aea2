"""The synthetic clinic behind the benchmarks: what a real clinic's sessions leave, in about
the proportions a real clinic has, and an audit chain that ``verify`` accepts."""

import subprocess
import sys
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from devices.simulated import synthetic_clinic
from models.admin.integrity import verify
from models.records.adverse_events import FollowUp, Incident
from models.records.audit_events import AuditEvent
from models.records.patient_plans import Course
from models.records.people import Patient
from models.records.treatment import Reaction, Screening, TreatmentSession
from models.storage.database import open_database
from models.workflow import courses
from models.workflow.courses import DueFilter
from models.workflow.incidents import INCIDENT_GRADE
from tests.conftest import drop_postgres_database, make_postgres_database
from tests.test_cli import ROOT

SESSIONS = 3_000  # enough for the rare things (grade 3 reactions) to happen a few times


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def clinic(request, tmp_path_factory):
    """One synthetic clinic per kind of database, shared by the module's tests (the one that
    counts the courses again writes back what they hold)."""
    if request.param == "sqlite":
        from models.storage.schema import open_current

        url = f"sqlite:///{tmp_path_factory.mktemp('synthetic') / 'clinic.db'}"
        database, _ = open_current(url)
    else:
        admin_url = request.getfixturevalue("postgres_admin_url")
        name, url = make_postgres_database(admin_url)
        database = open_database(url)
    try:
        synthetic_clinic.build(database, SESSIONS)
        yield database
    finally:
        database.dispose()
        if request.param == "postgresql":
            drop_postgres_database(admin_url, name)


def _count(db, statement) -> int:
    return db.scalar(select(func.count()).select_from(statement.subquery()))


def test_every_session_is_signed_screened_and_mostly_signed_off(clinic):
    assert synthetic_clinic.size_of(clinic) == SESSIONS
    with clinic.read() as db:
        statuses = Counter(dict(db.execute(select(TreatmentSession.status, func.count())
                                           .group_by(TreatmentSession.status)).all()))
        screened = _count(db, select(Screening.session_id).distinct())
        patients = _count(db, select(Patient.id).where(
            Patient.identifier.like(f"{synthetic_clinic.MARK}-0%")))
        reviews = _count(db, select(AuditEvent.id).where(AuditEvent.action == "session.review"))
    assert set(statuses) == {"completed", "reviewed"}
    assert 0.9 < statuses["reviewed"] / SESSIONS < 0.99  # most signed off, some await it
    assert reviews == statuses["reviewed"]
    assert screened == SESSIONS
    assert 3 < SESSIONS / patients < 12  # patients come back for their courses


def test_patients_have_one_or_two_courses_some_lapsed_some_due(clinic):
    today = date.today()
    with clinic.read() as db:
        plans = Counter(db.execute(select(func.count(Course.started_on.distinct()))
                                   .group_by(Course.patient_id)).scalars())
        kept = db.scalars(select(Course)).all()
        due = courses.due_page(db, synthetic_clinic.supervisor(clinic), DueFilter(),
                               limit=10_000).rows
    assert (plans[1] + plans[2]) / plans.total() > 0.85 and plans[1] > plans[2] > 0
    finished = [c for c in kept if c.done >= c.planned_sessions]
    lapsed = [c for c in kept if c.done < c.planned_sessions and c.lapses_on
              and c.lapses_on < today]
    assert len(finished) > len(lapsed) > 0
    overdue = [row for row in due if row.next_due and row.next_due < today]
    assert 0 < len(overdue) < len(due) < len(kept) / 5


def test_courses_are_kept_as_recount_keeps_them(clinic):
    columns = ("done", "last_on", "next_due", "lapses_on", "last_technician_id", "last_room")
    with clinic.write() as db:
        kept = {c.id: tuple(getattr(c, key) for key in columns)
                for c in db.scalars(select(Course))}
        areas: dict[int, set[str]] = {}
        for patient_id, area in db.execute(select(Course.patient_id, Course.area)):
            areas.setdefault(patient_id, set()).add(area)
        for patient_id, treated in areas.items():
            courses.recount(db, patient_id, treated)
        recounted = {c.id: tuple(getattr(c, key) for key in columns)
                     for c in db.scalars(select(Course))}
    assert recounted == kept


def test_severe_reactions_bring_incidents_and_follow_ups(clinic):
    with clinic.read() as db:
        severe = set(db.execute(select(Reaction.session_id, Reaction.kind)
                                .where(Reaction.grade >= INCIDENT_GRADE)).all())
        incidents = db.execute(select(Incident.session_id, Incident.kind, Incident.filed_at,
                                      Incident.report)).all()
        followed = set(db.scalars(select(FollowUp.session_id)))
        reacted = set(db.scalars(select(Reaction.session_id)))
        moderate = set(db.scalars(select(Reaction.session_id).where(Reaction.grade == 2)))
    assert 0 < len(severe) < SESSIONS / 100  # rare, as blistering and burns are
    assert {(i.session_id, i.kind) for i in incidents} == severe
    assert all(bool(i.report) == (i.filed_at is not None) for i in incidents)
    assert 0 < sum(i.filed_at is None for i in incidents) < len(incidents)
    severe_sessions = {session_id for session_id, _kind in severe}
    assert len(severe_sessions & followed) >= len(severe_sessions) / 2
    assert followed <= reacted
    assert 0 < len(moderate & followed) < len(moderate)  # some of the moderate ones


def test_the_audit_chain_is_whole_and_seals_every_session(clinic):
    result = verify(clinic)
    assert result.ok, result.problems
    assert result.sessions_proven == SESSIONS and result.unsealed == 0
    with clinic.read() as db:
        actions = Counter(dict(db.execute(select(AuditEvent.action, func.count())
                                          .group_by(AuditEvent.action)).all()))
        times = db.scalars(select(AuditEvent.occurred_at).order_by(AuditEvent.seq)).all()
    assert result.events == actions.total()
    for action in ("session.start", "session.save_draft", "session.complete"):
        assert actions[action] == SESSIONS, action
    for action in ("login", "patient.create", "course.plan", "session.aftercare",
                   "session.follow_up", "incident.open", "incident.file"):
        assert actions[action] > 0, action
    # After the staff were registered (today), the clinic's history in the order it happened.
    history = [moment for moment in times if moment < times[0]]
    assert history == sorted(history) and len(history) > 4 * SESSIONS


def test_verify_on_the_command_line_passes(clinic):
    url = clinic.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", url, "verify"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "audit events chain correctly" in done.stdout
