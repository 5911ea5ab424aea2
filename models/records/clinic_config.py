"""What a clinic configures for every PC: its settings and the import profiles it added."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now


class ClinicSetting(Base):
    __tablename__ = "clinic_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int]  # 0 for a text setting
    text_value: Mapped[str | None] = mapped_column(Text)  # a text setting's value
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class StoredProfile(Base):
    __tablename__ = "import_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(Text)  # the profile's TOML, as added
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utc_now)
    active: Mapped[bool] = mapped_column(default=True)
