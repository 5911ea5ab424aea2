"""What is planned for a patient: treatment courses per area, test patches and the rules
that require them."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now
from models.values.vocabulary import PatchResult


class Course(Base):
    __tablename__ = "treatment_courses"
    __table_args__ = (CheckConstraint("planned_sessions >= 1", name="planned_sessions"),
                      CheckConstraint("interval_days >= 1", name="interval"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    area: Mapped[str] = mapped_column(String(32))
    planned_sessions: Mapped[int]
    interval_days: Mapped[int]
    started_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


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
