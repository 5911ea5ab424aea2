"""The records of adverse events after a session: follow-ups and incidents (the rules and
operations are in models/adverse_events.py)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.records.people import User
from models.storage.base import Base, utc_now


class FollowUp(Base):
    __tablename__ = "reaction_follow_ups"
    __table_args__ = (CheckConstraint("grade BETWEEN 0 AND 4", name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    grade: Mapped[int]
    observed_on: Mapped[date]
    resolved_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    grade: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(default=utc_now)
    due_at: Mapped[datetime]
    filed_at: Mapped[datetime | None]
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    report: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class FollowUpRow:
    kind: str
    grade: int
    observed_on: date
    resolved_on: date | None
    note: str
    recorded_by: str


@dataclass(frozen=True)
class IncidentRow:
    id: int
    session_id: int
    patient: str
    technician: str
    session_started_at: datetime
    kind: str
    grade: int
    opened_at: datetime
    due_at: datetime
    filed_at: datetime | None
    filed_by: str | None
    report: str

    def overdue(self, now: datetime) -> bool:
        return self.filed_at is None and now > self.due_at


def follow_ups_of(db: Session, session_id: int) -> list[FollowUpRow]:
    rows = db.execute(select(FollowUp, User.full_name)
                      .join(User, User.id == FollowUp.recorded_by_id)
                      .where(FollowUp.session_id == session_id)
                      .order_by(FollowUp.observed_on, FollowUp.id))
    return [FollowUpRow(f.kind, f.grade, f.observed_on, f.resolved_on, f.note, name)
            for f, name in rows]


