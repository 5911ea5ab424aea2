"""The records of adverse events after a session: follow-ups and incidents (the rules and
operations are in models/adverse_events.py)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
