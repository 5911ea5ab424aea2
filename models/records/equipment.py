"""The treatment devices sessions are logged against, their tips and their daily log."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    make: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100))
    serial: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    handpiece: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class DeviceTip(Base):
    __tablename__ = "device_tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    rated_pulses: Mapped[int]
    fitted_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Taken off without a replacement; a tip fitted after it replaces it too (0020).
    retired_at: Mapped[datetime | None]


class DeviceLogEntry(Base):
    __tablename__ = "device_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    logged_at: Mapped[datetime] = mapped_column(default=utc_now)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
