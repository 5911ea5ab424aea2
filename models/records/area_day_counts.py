"""Sessions per UTC day and treated area, kept current so the history's area count and the
12-month dashboard read a few thousand rows instead of a million.

The counts are derived data, never edited by hand: each change to a session recounts the
days it touches (before and after the change) from the sessions themselves, in the same
transaction, so they cannot drift.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import overload

from sqlalchemy import Date, Select, String, delete, func, insert, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.records.treatment import TreatedArea, TreatmentSession
from models.storage.base import Base
from models.storage.sql_dates import period_start


class AreaDayCount(Base):
    __tablename__ = "area_day_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    sessions: Mapped[int]


def _current_areas() -> Select[str, int]:
    return (select(TreatedArea.area, func.count().label("n"))
            .join(TreatmentSession, TreatmentSession.id == TreatedArea.session_id)
            .where(TreatedArea.superseded_in.is_(None)))


def recount_days(db: Session, days: Iterable[date]) -> None:
    """Count again the sessions of each of ``days`` (UTC), by area."""
    for day in set(days):
        start = datetime.combine(day, time(), tzinfo=UTC)
        db.execute(delete(AreaDayCount).where(AreaDayCount.day == day))
        counted = (_current_areas()
                   .where(TreatmentSession.started_at >= start,
                          TreatmentSession.started_at < start + timedelta(days=1))
                   .group_by(TreatedArea.area)).subquery()
        db.execute(insert(AreaDayCount).from_select(
            ["day", "area", "sessions"],
            select(literal(day, Date), counted.c.area, counted.c.n)))


def recount_all(db: Session) -> None:
    """Count every day again (after a bulk load, or when the table is first made)."""
    db.execute(delete(AreaDayCount))
    first, last = db.execute(select(func.min(TreatmentSession.started_at),
                                    func.max(TreatmentSession.started_at))).one()
    if first is None:
        return
    day, end = day_of(first), day_of(last)
    while day <= end:
        recount_days(db, [day])
        day += timedelta(days=1)


@overload
def day_of(moment: datetime | str) -> date: ...
@overload
def day_of(moment: None) -> None: ...
@overload
def day_of(moment: datetime | str | None) -> date | None: ...
def day_of(moment: datetime | str | None) -> date | None:
    """The UTC day of a session's start (as the audit snapshot or the entity holds it)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).date()


def area_total(db: Session, area: str) -> int:
    """Sessions that treated ``area`` (current rows, any status)."""
    return db.scalar(select(func.coalesce(func.sum(AreaDayCount.sessions), 0))
                     .where(AreaDayCount.area == area)) or 0


def per_month(db: Session, since: date) -> list[tuple[str, str, int]]:
    """(month, area, sessions) from ``since`` on, from the day counts."""
    month = period_start(db, "month", AreaDayCount.day).label("month")
    rows = db.execute(select(month, AreaDayCount.area, func.sum(AreaDayCount.sessions))
                      .where(AreaDayCount.day >= since)
                      .group_by(month, AreaDayCount.area).order_by(month, AreaDayCount.area))
    return [(m, a, int(n)) for m, a, n in rows]


def live_counts(db: Session) -> dict[tuple[date, str], int]:
    """The same counts taken from the sessions now (for checking the kept ones)."""
    found: dict[tuple[date, str], int] = {}
    rows = db.execute(select(TreatmentSession.started_at, TreatedArea.area)
                      .join(TreatedArea, TreatedArea.session_id == TreatmentSession.id)
                      .where(TreatedArea.superseded_in.is_(None)))
    for started, area in rows:
        key = (day_of(started), area)
        found[key] = found.get(key, 0) + 1
    return found


def kept_counts(db: Session) -> dict[tuple[date, str], int]:
    return {(d, a): n for d, a, n in db.execute(
        select(AreaDayCount.day, AreaDayCount.area, AreaDayCount.sessions))}
