"""Treatment courses: a plan per patient and area, each signed session counted against it.

A course is often six sessions about three weeks apart while collagen builds. Completing a
session on an area with no open course opens one with the default plan; a technician or
supervisor may change the plan. A session sooner than the interval is warned about, and the
patients due or overdue are listed.
"""

from collections.abc import Iterable
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
from models.language import _, date_text, ngettext
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
    identifier: str = ""  # the patient's, to open their history
    lapses_on: date | None = None  # no session by then: the course has lapsed

    @property
    def finished(self) -> bool:
        return self.done >= self.planned_sessions

    @property
    def next_due(self) -> date | None:
        if self.finished:
            return None
        return self.last_on + timedelta(days=self.interval_days) if self.last_on else \
            self.started_on

    def lapsed(self, today: date) -> bool:
        return not self.finished and self.lapses_on is not None and self.lapses_on < today

    def describe(self, today: date) -> str:
        """'Neck: session 3 of 6 · every 21 days · last 2026-10-30, due 2026-11-20'."""
        label = Area(self.area).label
        if self.finished:
            return _("{area}: course of {planned} done").format(
                area=label, planned=self.planned_sessions)
        if self.lapsed(today):
            return _("{area}: course lapsed ({done} of {planned} done, no session since "
                     "{day}); the next session starts a new one").format(
                area=label, done=self.done, planned=self.planned_sessions,
                day=date_text(self.last_on or self.started_on))
        days = self.interval_days
        if self.last_on is None or self.next_due is None:
            return ngettext("{area}: session {number} of {planned} · every {n} day",
                            "{area}: session {number} of {planned} · every {n} days", days
                            ).format(area=label, number=self.done + 1,
                                     planned=self.planned_sessions, n=days)
        return ngettext(
            "{area}: session {number} of {planned} · every {n} day · last {last}, due {due}",
            "{area}: session {number} of {planned} · every {n} days · last {last}, due {due}",
            days).format(area=label, number=self.done + 1, planned=self.planned_sessions,
                         n=days, last=date_text(self.last_on), due=date_text(self.next_due))

    def too_soon(self, on: date) -> str | None:
        """A warning when a session on ``on`` comes sooner than the plan's interval."""
        if self.last_on is None or self.finished:
            return None
        gap = (on - self.last_on).days
        if gap >= self.interval_days:
            return None
        since = ngettext("{area}: only {n} day since the last session ({day})",
                         "{area}: only {n} days since the last session ({day})", gap).format(
            area=Area(self.area).label, n=gap, day=date_text(self.last_on))
        plan = ngettext("the plan is every {n} day", "the plan is every {n} days",
                        self.interval_days).format(n=self.interval_days)
        return f"{since}; {plan}"


def plan_problems(planned_sessions: int | None, interval_days: int | None, started_on: date |
                  None, today: date) -> dict[str, str]:
    problems = {}
    if planned_sessions is None or planned_sessions < 1:
        problems["planned_sessions"] = _("A course has at least 1 session")
    elif planned_sessions > 50:
        problems["planned_sessions"] = _("A course has at most 50 sessions")
    if interval_days is None or interval_days < 1:
        problems["interval_days"] = _("Sessions are at least 1 day apart")
    elif interval_days > 365:
        problems["interval_days"] = _("Sessions are at most 365 days apart")
    if started_on is None:
        problems["started_on"] = _("Enter the date the course starts")
    elif started_on > today + timedelta(days=365):
        problems["started_on"] = _("A course starts within a year from today")
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
                      _local_day(last) if last else None, identifier, course.lapses_on)
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
        raise NotFound(_("No patient with id {id}").format(id=patient_id))
    problems = plan_problems(planned_sessions, interval_days, started_on, today or date.today())
    if area not in set(Area):
        problems["area"] = _("Unknown treated area {code}").format(code=repr(area))
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
    recount(db, patient_id, [area])
    return _course_rows(db, Course.id == course.id)[0]


def open_default_courses(db: Session, actor: Actor, session: TreatmentSession) -> None:
    """At completion: an area with no course yet, or whose course lapsed before this session,
    starts one with the clinic's default plan; every area's course is then counted again."""
    plan = clinic_settings.rules(db)
    day = _local_day(session.started_at)
    for area in session.areas:
        current = _current(db, session.patient_id, area.area)
        if current is None or (current.lapses_on is not None and current.lapses_on < day
                               and current.done < current.planned_sessions):
            db.add(Course(patient_id=session.patient_id, area=area.area, created_by_id=actor.id,
                          planned_sessions=plan.course_sessions,
                          interval_days=plan.course_interval_days, started_on=day))
    db.flush()
    recount(db, session.patient_id, [area.area for area in session.areas])


def recount(db: Session, patient_id: int, areas: Iterable[str]) -> None:
    """Count the patient's courses on ``areas`` again from their signed sessions: call it
    whenever a signed session on them is completed, amended or voided, or a plan changes."""
    intervals = clinic_settings.rules(db).course_lapse_intervals
    for area in set(areas):
        found = db.scalars(select(Course).where(Course.patient_id == patient_id,
                                                Course.area == area)
                           .order_by(Course.started_on, Course.id)).all()
        if not found:
            continue
        *earlier, course = found
        for old in earlier:  # superseded: never due again
            old.next_due = old.lapses_on = None
        (row,) = _course_rows(db, Course.id == course.id)
        last = db.execute(
            select(TreatmentSession.technician_id, TreatmentSession.room)
            .join(TreatedArea, and_(TreatedArea.session_id == TreatmentSession.id,
                                    TreatedArea.area == area,
                                    TreatedArea.superseded_in.is_(None)))
            .where(TreatmentSession.patient_id == patient_id,
                   TreatmentSession.status.in_(SIGNED))
            .order_by(TreatmentSession.started_at.desc()).limit(1)).first()
        course.done, course.last_on, course.next_due = row.done, row.last_on, row.next_due
        base = row.last_on or course.started_on
        course.lapses_on = base + timedelta(days=course.interval_days * intervals)
        course.last_technician_id, course.last_room = (last.technician_id, last.room) \
            if last else (None, "")
    db.flush()


@dataclass(frozen=True)
class DueFilter:
    """Which courses due to list: ``when`` is "due" (overdue, or due within a week),
    "overdue" or "week" (due within a week, not overdue); and by who treated the patient
    last, the area, the room of the last session."""

    when: str = "due"
    technician_id: int | None = None
    area: str | None = None
    room: str | None = None


@dataclass(frozen=True)
class DuePage:
    rows: list[CourseRow]
    after: tuple[date, int] | None  # where the next page starts; None at the end


def due_page(db: Session, actor: Actor, filters: DueFilter = DueFilter(),
             after: tuple[date, int] | None = None, limit: int = 100,
             today: date | None = None) -> DuePage:
    """Courses not lapsed whose next session is due as ``filters`` say, most overdue first,
    a page at a time by key (next due day, id): every patient's for a supervisor, their own
    patients' for a technician. Read by ``ix_treatment_courses_due``; nothing is counted.

    The index leads with the day a course lapses, so every course due is read to put them in
    order: the page's ids are sorted on the index alone first, and only those courses and
    their patients are read (reading each course due with its patient, then sorting, took
    four times as long on a clinic of a million sessions)."""
    require(actor, Action.VIEW_OWN_PATIENTS_SESSIONS, "treatment_course")
    today = today or date.today()
    week = today + timedelta(DUE_SOON_DAYS)
    page = (select(Course.id)
            .where(Course.lapses_on >= today, Course.next_due.is_not(None))
            .order_by(Course.next_due, Course.id).limit(limit + 1))
    page = page.where(
        Course.next_due < today if filters.when == "overdue" else Course.next_due <= week)
    if filters.when == "week":
        page = page.where(Course.next_due >= today)
    for column, value in ((Course.last_technician_id, filters.technician_id),
                          (Course.area, filters.area), (Course.last_room, filters.room)):
        if value is not None:
            page = page.where(column == value)
    if after is not None:
        page = page.where(or_(Course.next_due > after[0],
                              and_(Course.next_due == after[0], Course.id > after[1])))
    if not permissions.may(actor, Action.VIEW_ALL_SESSIONS):
        treated = select(TreatmentSession.patient_id).where(
            TreatmentSession.technician_id == actor.id)
        page = page.where(Course.patient_id.in_(treated))
    ids = page.subquery()
    found = db.execute(select(Course, Patient.full_name, Patient.identifier)
                       .select_from(ids)
                       .join(Course, Course.id == ids.c.id)
                       .join(Patient, Patient.id == Course.patient_id)
                       .order_by(Course.next_due, Course.id)).all()
    rows = [CourseRow(c.id, c.patient_id, f"{name} ({identifier})", c.area, c.planned_sessions,
                      c.interval_days, c.started_on, c.done, c.last_on, identifier,
                      c.lapses_on)
            for c, name, identifier in found[:limit]]
    more = len(found) > limit
    last = found[limit - 1][0] if more else None
    return DuePage(rows, (last.next_due, last.id) if last is not None and last.next_due
                   else None)


def due_courses(db: Session, actor: Actor, today: date | None = None) -> list[CourseRow]:
    """Every course due within a week or overdue (not lapsed), most overdue first."""
    rows: list[CourseRow] = []
    after: tuple[date, int] | None = None
    while True:
        page = due_page(db, actor, after=after, limit=500, today=today)
        rows += page.rows
        if page.after is None:
            return rows
        after = page.after
