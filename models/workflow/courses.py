"""Treatment courses: a plan per patient and area, each signed session counted against it.

A course is often six sessions about three weeks apart while collagen builds. Completing a
session on an area with no open course opens one with the default plan; a technician or
supervisor may change the plan. A session sooner than the interval is warned about, and the
patients due or overdue are listed.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from models.access import audit_chain, care, permissions
from models.access.permissions import Action, require
from models.clinic import clinic_settings
from models.errors import NotFound, ValidationFailed
from models.records.patient_plans import Course
from models.records.people import Patient
from models.records.treatment import TreatedArea, TreatmentSession
from models.storage import sql_dates
from models.values.rows import Actor
from models.values.vocabulary import SIGNED, Area

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class CourseRow:
    id: int
    patient_id: int
    patient: str
    area: str
    planned_sessions: int
    interval_days: int
    started_on: date
    done: int  # signed sessions on the area since the course started
    last_on: date | None

    @property
    def finished(self) -> bool:
        return self.done >= self.planned_sessions

    @property
    def next_due(self) -> date | None:
        if self.finished:
            return None
        return self.last_on + timedelta(days=self.interval_days) if self.last_on else \
            self.started_on

    def describe(self, today: date) -> str:
        """'Session 3 of 6 · every 21 days · last 2026-10-30, next due 2026-11-20'."""
        label = Area(self.area).label
        if self.finished:
            return f"{label}: course of {self.planned_sessions} done"
        text = (f"{label}: session {self.done + 1} of {self.planned_sessions}"
                f" · every {self.interval_days} days")
        if self.last_on:
            text += f" · last {self.last_on:%Y-%m-%d}, due {self.next_due:%Y-%m-%d}"
        return text

    def too_soon(self, on: date) -> str | None:
        """A warning when a session on ``on`` comes sooner than the plan's interval."""
        if self.last_on is None or self.finished:
            return None
        gap = (on - self.last_on).days
        if gap >= self.interval_days:
            return None
        return (f"{Area(self.area).label}: only {gap} day(s) since the last session "
                f"({self.last_on:%Y-%m-%d}); the plan is every {self.interval_days} days")


def plan_problems(planned_sessions: int | None, interval_days: int | None, started_on: date |
                  None, today: date) -> dict[str, str]:
    problems = {}
    if planned_sessions is None or planned_sessions < 1:
        problems["planned_sessions"] = "A course has at least 1 session"
    elif planned_sessions > 50:
        problems["planned_sessions"] = "A course has at most 50 sessions"
    if interval_days is None or interval_days < 1:
        problems["interval_days"] = "Sessions are at least 1 day apart"
    elif interval_days > 365:
        problems["interval_days"] = "Sessions are at most 365 days apart"
    if started_on is None:
        problems["started_on"] = "Enter the date the course starts"
    elif started_on > today + timedelta(days=365):
        problems["started_on"] = "A course starts within a year from today"
    return problems


def _local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def _course_rows(db: Session, *conditions: ColumnElement[bool]) -> list[CourseRow]:
    """The courses meeting ``conditions``, each with the signed sessions on its area since it
    started counted against it: one query, reading each patient's sessions by its index."""
    session, area = TreatmentSession, TreatedArea
    found = db.execute(
        select(Course, Patient.full_name, Patient.identifier, func.count(area.id),
               func.max(case((area.id.is_not(None), session.started_at))))
        .join(Patient, Patient.id == Course.patient_id)
        .outerjoin(session, and_(
            session.patient_id == Course.patient_id, session.status.in_(SIGNED),
            session.started_at >= sql_dates.local_midnight(db, Course.started_on)))
        .outerjoin(area, and_(area.session_id == session.id, area.area == Course.area,
                              area.superseded_in.is_(None)))
        .where(*conditions)
        .group_by(Course.id, Patient.full_name, Patient.identifier))
    return [CourseRow(course.id, course.patient_id, f"{name} ({identifier})", course.area,
                      course.planned_sessions, course.interval_days, course.started_on, done,
                      _local_day(last) if last else None)
            for course, name, identifier, done, last in found]


def _latest() -> ColumnElement[bool]:
    """A course is current while no later one exists for the same patient and area."""
    later = aliased(Course)
    return ~exists().where(later.patient_id == Course.patient_id, later.area == Course.area,
                           or_(later.started_on > Course.started_on,
                               and_(later.started_on == Course.started_on,
                                    later.id > Course.id)))


def _current(db: Session, patient_id: int, area: str) -> Course | None:
    return db.scalars(select(Course).where(Course.patient_id == patient_id, Course.area == area,
                                           _latest())).first()


def courses_of(db: Session, actor: Actor, patient_id: int) -> dict[str, CourseRow]:
    """The patient's current course on each area that has one."""
    require(actor, Action.VIEW_OWN_PATIENTS_SESSIONS, "treatment_course")
    care.require_care(db, actor, patient_id, "courses")
    return {row.area: row
            for row in _course_rows(db, Course.patient_id == patient_id, _latest())}


def plan_course(db: Session, actor: Actor, patient_id: int, area: str, planned_sessions: int |
                None, interval_days: int | None, started_on: date | None,
                today: date | None = None) -> CourseRow:
    """Start a course on the area, or change the plan of the current one."""
    require(actor, Action.PLAN_COURSE, "treatment_course")
    if db.get(Patient, patient_id) is None:
        raise NotFound(f"No patient with id {patient_id}")
    problems = plan_problems(planned_sessions, interval_days, started_on, today or date.today())
    if area not in set(Area):
        problems["area"] = f"Unknown treated area {area!r}"
    if problems:
        raise ValidationFailed(problems)
    # plan_problems refuses a missing value:
    assert planned_sessions is not None and interval_days is not None and started_on is not None
    course = _current(db, patient_id, area)
    old = None
    if course is None or started_on != course.started_on:
        course = Course(patient_id=patient_id, area=area, created_by_id=actor.id,
                        planned_sessions=planned_sessions, interval_days=interval_days,
                        started_on=started_on)
        db.add(course)
    else:
        old = {"planned_sessions": course.planned_sessions,
               "interval_days": course.interval_days}
        course.planned_sessions, course.interval_days = planned_sessions, interval_days
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="course.plan", entity="treatment_course",
                       entity_id=course.id, old=old,
                       new={"patient_id": patient_id, "area": area,
                      "planned_sessions": planned_sessions, "interval_days": interval_days,
                      "started_on": started_on.isoformat()})
    return _course_rows(db, Course.id == course.id)[0]


def open_default_courses(db: Session, actor: Actor, session: TreatmentSession) -> None:
    """At completion: an area with no course yet starts one with the clinic's default plan."""
    plan = clinic_settings.rules(db)
    for area in session.areas:
        if _current(db, session.patient_id, area.area) is None:
            db.add(Course(patient_id=session.patient_id, area=area.area, created_by_id=actor.id,
                          planned_sessions=plan.course_sessions,
                          interval_days=plan.course_interval_days,
                          started_on=_local_day(session.started_at)))
    db.flush()


def due_courses(db: Session, actor: Actor, today: date | None = None) -> list[CourseRow]:
    """Unfinished courses whose next session is due within a week or overdue, most overdue
    first: every patient's for a supervisor, their own patients' for a technician."""
    require(actor, Action.VIEW_OWN_PATIENTS_SESSIONS, "treatment_course")
    today = today or date.today()
    conditions = [_latest()]
    if not permissions.may(actor, Action.VIEW_ALL_SESSIONS):
        treated = select(TreatmentSession.patient_id).where(
            TreatmentSession.technician_id == actor.id)
        conditions.append(Course.patient_id.in_(treated))
    rows = [row for row in _course_rows(db, *conditions)
            if row.next_due is not None and row.next_due <= today + timedelta(DUE_SOON_DAYS)]
    return sorted(rows, key=lambda row: (row.next_due, row.patient))
