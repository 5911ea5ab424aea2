"""What is planned for a patient: treatment courses per area, test patches and the rules
that require them."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now
from models.values.vocabulary import PatchResult


class Course(Base):
    __tablename__ = "treatment_courses"
    __table_args__ = (CheckConstraint("planned_sessions >= 1", name="planned_sessions"),
                      CheckConstraint("interval_days >= 1", name="interval"),
                      # the courses due: not lapsed, by next due day, a page at a time
                      Index("ix_treatment_courses_due", "lapses_on", "next_due", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    area: Mapped[str] = mapped_column(String(32))
    planned_sessions: Mapped[int]
    interval_days: Mapped[int]
    started_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Kept by courses.recount whenever a signed session on the area changes, so the list of
    # courses due is read by index at any size (migration 0019):
    done: Mapped[int] = mapped_column(default=0)  # signed sessions on the area since start
    last_on: Mapped[date | None]  # the day of the last of them
    next_due: Mapped[date | None]  # None once the course is done
    lapses_on: Mapped[date | None]  # no session by then: lapsed, off the due list
    last_technician_id: Mapped[int | None]  # the last session's technician_id, copied
    last_room: Mapped[str] = mapped_column(String(64), default="")


class TestPatch(Base):
    __tablename__ = "test_patches"
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    area: Mapped[str | None] = mapped_column(String(32))  # None: a spot valid for any area
    done_on: Mapped[date]
    fluence_j_cm2: Mapped[float | None]
    energy_j: Mapped[float | None]
    read_after_days: Mapped[int]
    read_on: Mapped[date | None]
    result: Mapped[str] = mapped_column(String(16), default=PatchResult.PENDING)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)


class TestPatchRule(Base):
    """A valid patch is required for this device (any area), this area (any device), or
    this area on this device."""

    __tablename__ = "test_patch_rules"
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    area: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Retired rules stay, with what they required, but no longer apply (0020).
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
