"""The figures behind the supervisor's charts, each one SQL aggregate over the filtered history.

Nothing here loops over sessions in Python: the database groups and counts, and hands back
one row per bar or point.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import cast

from sqlalchemy import Label, Select, SQLColumnExpression, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.access import permissions
from models.access.permissions import Action
from models.reading.history_filter import HistoryFilter, apply_filter
from models.records import area_day_counts
from models.records.equipment import Device
from models.records.people import Patient, User
from models.records.treatment import ParameterSetting, Reaction, TreatedArea, TreatmentSession
from models.storage.sql_dates import period_start
from models.values.rows import Actor

GROUPS = ("room", "technician")
DIMENSIONS = ("area", "device", "fitzpatrick", "technician")
DURATION_BUCKET_MIN = 10


def _group(group: str) -> InstrumentedAttribute[str]:
    return TreatmentSession.room if group == "room" else User.full_name


@dataclass(frozen=True)
class Count:
    period: str
    group: str
    sessions: int


def sessions_per_period(db: Session, actor: Actor | None, filters: HistoryFilter,
                        period: str = "month", group: str = "room") -> list[Count]:
    """Sessions per week or month, by room or by technician."""
    when = period_start(db, period, TreatmentSession.started_at).label("period")
    who = _group(group).label("who")
    statement: Select[str, str, int] = (select(when, who, func.count().label("n"))
                         .select_from(TreatmentSession)
                         .join(User, User.id == TreatmentSession.technician_id)
                         .group_by(when, who).order_by(when, who))
    return [Count(p, g or "–", n) for p, g, n in
            db.execute(apply_filter(statement, filters, actor))]


@dataclass(frozen=True)
class Rate:
    group: str
    sessions: int
    with_reaction: int

    @property
    def rate(self) -> float:
        return self.with_reaction / self.sessions if self.sessions else 0.0


def reaction_rate(db: Session, actor: Actor | None, filters: HistoryFilter,
                  dimension: str = "area", min_grade: int = 1) -> list[Rate]:
    """Share of sessions with a reaction of at least ``min_grade``, by area, device,
    Fitzpatrick skin type or technician."""
    reacted = (select(Reaction.session_id).where(Reaction.grade >= min_grade,
                                                 Reaction.superseded_in.is_(None))
               .distinct().subquery())
    flag = case((reacted.c.session_id.is_not(None), 1), else_=0)
    statement = select(TreatmentSession.id.label("sid"), flag.label("reacted"))
    statement = statement.outerjoin(reacted, reacted.c.session_id == TreatmentSession.id)
    label: SQLColumnExpression[str | int]
    if dimension == "area":
        label = TreatedArea.area
        statement = statement.join(TreatedArea, (TreatedArea.session_id == TreatmentSession.id)
                                   & TreatedArea.superseded_in.is_(None))
    elif dimension == "device":
        label = func.coalesce(Device.make.concat(" ").concat(Device.model), "–")
        statement = statement.outerjoin(Device, Device.id == TreatmentSession.device_id)
    elif dimension == "fitzpatrick":
        label = func.coalesce(Patient.fitzpatrick, 0)
        statement = statement.join(Patient, Patient.id == TreatmentSession.patient_id)
    else:
        label = User.full_name
        statement = statement.join(User, User.id == TreatmentSession.technician_id)
    rows = apply_filter(statement.add_columns(label.label("grp")), filters, actor).subquery()
    totals = (select(rows.c.grp, func.count(), func.sum(rows.c.reacted))
              .group_by(rows.c.grp).order_by(rows.c.grp))
    return [Rate(str(g), n, int(r or 0)) for g, n, r in db.execute(totals)]


@dataclass(frozen=True)
class Bucket:
    area: str
    minutes: int  # the bucket's lower bound
    sessions: int


def duration_distribution(db: Session, actor: Actor | None, filters: HistoryFilter
                          ) -> list[Bucket]:
    """How long sessions last, in buckets of ``DURATION_BUCKET_MIN`` minutes, by area."""
    size = DURATION_BUCKET_MIN * 60
    # Never NULL: sessions without a duration are left out below.
    bucket = cast("Label[int]",
                  ((TreatmentSession.duration_s // size) * DURATION_BUCKET_MIN).label("bucket"))
    statement = (select(TreatedArea.area, bucket, func.count())
                 .select_from(TreatmentSession)
                 .join(TreatedArea, (TreatedArea.session_id == TreatmentSession.id)
                       & TreatedArea.superseded_in.is_(None))
                 .where(TreatmentSession.duration_s.is_not(None))
                 .group_by(TreatedArea.area, bucket).order_by(TreatedArea.area, bucket))
    return [Bucket(a, int(b), n) for a, b, n in
            db.execute(apply_filter(statement, filters, actor))]


@dataclass(frozen=True)
class CoursePoint:
    started_at: datetime
    area: str
    quantity: str  # "fluence" (J/cm²) or "energy" (J)
    value: float
    worst_grade: int


def patient_course(db: Session, actor: Actor | None, patient_id: int) -> list[CoursePoint]:
    """A patient's fluence or energy per session and area over time, with the worst reaction."""
    worst = (select(Reaction.session_id, func.max(Reaction.grade).label("grade"))
             .where(Reaction.superseded_in.is_(None)).group_by(Reaction.session_id).subquery())
    fluence = func.max(ParameterSetting.fluence_j_cm2)
    energy = func.max(ParameterSetting.energy_j)
    statement = (
        select(TreatmentSession.started_at, TreatedArea.area, fluence, energy,
               func.coalesce(func.max(worst.c.grade), 0))
        .select_from(TreatmentSession)
        .join(TreatedArea, (TreatedArea.session_id == TreatmentSession.id)
              & TreatedArea.superseded_in.is_(None))
        .join(ParameterSetting, ParameterSetting.treated_area_id == TreatedArea.id)
        .outerjoin(worst, worst.c.session_id == TreatmentSession.id)
        .where(TreatmentSession.status != "voided")
        .group_by(TreatmentSession.id, TreatmentSession.started_at, TreatedArea.area)
        .order_by(TreatmentSession.started_at, TreatedArea.area)
    )
    statement = apply_filter(statement, HistoryFilter(), actor).where(
        TreatmentSession.patient_id == patient_id)
    points = []
    for started, area, f, e, grade in db.execute(statement):
        if f is not None:
            points.append(CoursePoint(started, area, "fluence", f, grade))
        elif e is not None:
            points.append(CoursePoint(started, area, "energy", e, grade))
    return points


def sessions_by_area_per_month(db: Session, actor: Actor | None, since: datetime
                               ) -> list[Count]:
    """The dashboard's figure: sessions per month and treated area from ``since``'s day (UTC)
    on. Those who see every session read the kept day counts; others count their own."""
    if actor is None or permissions.may(actor, Action.VIEW_ALL_SESSIONS):
        first = area_day_counts.day_of(since)
        return [Count(m, a, n) for m, a, n in area_day_counts.per_month(db, first)]
    since = datetime.combine(area_day_counts.day_of(since), time(), tzinfo=UTC)
    when = period_start(db, "month", TreatmentSession.started_at).label("period")
    statement = (select(when, TreatedArea.area, func.count())
                 .select_from(TreatmentSession)
                 .join(TreatedArea, (TreatedArea.session_id == TreatmentSession.id)
                       & TreatedArea.superseded_in.is_(None))
                 .group_by(when, TreatedArea.area).order_by(when, TreatedArea.area))
    statement = apply_filter(statement, HistoryFilter(since=since), actor)
    return [Count(p, a, n) for p, a, n in db.execute(statement)]
