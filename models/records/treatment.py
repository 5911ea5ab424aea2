"""A treatment session and what it is made of: areas, settings, anaesthetic, reactions."""

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.records.equipment import Device
from models.records.people import Patient, User
from models.storage.base import Base, utc_now


class TreatmentSession(Base):
    __tablename__ = "treatment_sessions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'completed', 'reviewed', 'amended', 'voided')", name="status"
        ),
        CheckConstraint("duration_s IS NULL OR duration_s >= 0", name="duration"),
        # History pages are read newest first by (started_at, id): see docs/indexes.md.
        Index("ix_treatment_sessions_started", "started_at", "id"),
        Index("ix_treatment_sessions_patient_started", "patient_id", "started_at"),
        Index("ix_treatment_sessions_technician_started", "technician_id", "started_at"),
        # The review queue's pages: only the sessions awaiting sign-off, by (started_at, id).
        Index("ix_treatment_sessions_awaiting", "started_at", "id",
              sqlite_where=text("status IN ('completed', 'amended')"),
              postgresql_where=text("status IN ('completed', 'amended')")),
        # A room's newest session: its device, ready on a PC that remembers none.
        Index("ix_treatment_sessions_room_started", "room", "started_at"),
        # A technician's open drafts, newest first: offered back as the Log session opens.
        Index("ix_treatment_sessions_drafts", "technician_id", "updated_at",
              sqlite_where=text("status = 'draft'"), postgresql_where=text("status = 'draft'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(default=uuid4, unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    room: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    started_at: Mapped[datetime]
    duration_s: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    completed_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")
    aftercare_given_at: Mapped[datetime | None]  # the aftercare sheet handed to the patient
    # Why the session was logged long after it started (clinic setting late_entry_hours).
    late_entry_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(default=1)

    patient: Mapped[Patient] = relationship()
    technician: Mapped[User] = relationship(foreign_keys=[technician_id])
    device: Mapped[Device | None] = relationship()
    # The session's current content; rows an amendment replaced stay, marked superseded.
    areas: Mapped[list["TreatedArea"]] = relationship(
        back_populates="session", order_by="TreatedArea.position", cascade="all, delete-orphan",
        primaryjoin="and_(TreatedArea.session_id == TreatmentSession.id, "
                    "TreatedArea.superseded_in.is_(None))",
    )
    anaesthetic: Mapped["Anaesthetic | None"] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        primaryjoin="and_(Anaesthetic.session_id == TreatmentSession.id, "
                    "Anaesthetic.superseded_in.is_(None))",
    )
    screening: Mapped["Screening | None"] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        primaryjoin="and_(Screening.session_id == TreatmentSession.id, "
                    "Screening.superseded_in.is_(None))",
    )
    reactions: Mapped[list["Reaction"]] = relationship(
        back_populates="session", order_by="Reaction.id", cascade="all, delete-orphan",
        primaryjoin="and_(Reaction.session_id == TreatmentSession.id, "
                    "Reaction.superseded_in.is_(None))",
    )
    amendments: Mapped[list["Amendment"]] = relationship(order_by="Amendment.number")

    __mapper_args__ = {"version_id_col": version}


class TreatedArea(Base):
    __tablename__ = "treated_areas"
    __table_args__ = (
        # The history's area filter: current rows only, the session ids read from the index.
        Index("ix_treated_areas_current_area", "area", "session_id",
              sqlite_where=text("superseded_in IS NULL"),
              postgresql_where=text("superseded_in IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    area: Mapped[str] = mapped_column(String(32), index=True)
    position: Mapped[int] = mapped_column(default=0)
    passes: Mapped[int | None]
    pulses: Mapped[int | None]
    # Why the fluence or energy moved more than the limit from the patient's last session.
    change_reason: Mapped[str] = mapped_column(Text, default="")
    superseded_in: Mapped[int | None]  # the number of the amendment that replaced it

    session: Mapped[TreatmentSession] = relationship(back_populates="areas")
    settings: Mapped[list["ParameterSetting"]] = relationship(
        back_populates="treated_area", order_by="ParameterSetting.id", cascade="all, delete-orphan"
    )


class ParameterSetting(Base):
    """Device settings for one treated area; ``pass_number`` None applies to every pass."""

    __tablename__ = "parameter_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    treated_area_id: Mapped[int] = mapped_column(ForeignKey("treated_areas.id"), index=True)
    pass_number: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(16), default="manual")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    wavelength_nm: Mapped[float | None]
    fluence_j_cm2: Mapped[float | None]
    energy_j: Mapped[float | None]
    power_w: Mapped[float | None]
    pulse_width_ms: Mapped[float | None]
    spot_size_mm: Mapped[float | None]
    repetition_rate_hz: Mapped[float | None]

    treated_area: Mapped[TreatedArea] = relationship(back_populates="settings")


class Anaesthetic(Base):
    """A topical anaesthetic applied before the session; no current row means none was used."""

    __tablename__ = "anaesthetics"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    agent: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    superseded_in: Mapped[int | None]  # the number of the amendment that replaced it

    session: Mapped[TreatmentSession] = relationship(back_populates="anaesthetic")


class Screening(Base):
    """The screening and pre-treatment checklist of a session (models/screening.py holds
    the rules); the code lists are JSON arrays and the reasons a JSON object."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    fitzpatrick: Mapped[int | None]
    found: Mapped[str] = mapped_column(Text, default="[]")
    reasons: Mapped[str] = mapped_column(Text, default="{}")
    consent_version: Mapped[str] = mapped_column(String(64), default="")
    consent_signed_on: Mapped[date | None]
    # The consent the patient signed on screen that this session went ahead under (0021).
    # A plain column: SQLite cannot add a foreign key to a table in place.
    consent_id: Mapped[int | None]
    checklist: Mapped[str] = mapped_column(Text, default="[]")
    superseded_in: Mapped[int | None]  # the number of the amendment that replaced it

    session: Mapped[TreatmentSession] = relationship(back_populates="screening")

    def as_json(self) -> dict[str, Any]:
        """As ``ScreeningInput.as_json`` gives it (the form a snapshot and a digest keep)."""
        consent = {} if self.consent_id is None else {"consent_id": self.consent_id}
        return consent | {
            "fitzpatrick": self.fitzpatrick,
            "found": json.loads(self.found),
            "reasons": json.loads(self.reasons),
            "consent_version": self.consent_version,
            "consent_signed_on": (self.consent_signed_on.isoformat() if self.consent_signed_on
                                  else None),
            "checklist": json.loads(self.checklist),
        }


class Reaction(Base):
    __tablename__ = "reactions"
    __table_args__ = (
        CheckConstraint("grade BETWEEN 0 AND 4", name="grade"),
        # The history's reaction filter and the reaction-rate charts.
        Index("ix_reactions_current_kind_grade", "kind", "grade", "session_id",
              sqlite_where=text("superseded_in IS NULL"),
              postgresql_where=text("superseded_in IS NULL")),
        # The review queue's rare grades (3 and 4) without reading every reaction.
        Index("ix_reactions_current_grade", "grade", "session_id",
              sqlite_where=text("superseded_in IS NULL"),
              postgresql_where=text("superseded_in IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    # Indexed: deleting a draft's area checks its reactions by this key (migration 0017).
    treated_area_id: Mapped[int | None] = mapped_column(ForeignKey("treated_areas.id"),
                                                        index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    grade: Mapped[int]
    onset: Mapped[str] = mapped_column(String(16), default="during")
    note: Mapped[str] = mapped_column(Text, default="")
    observed_at: Mapped[datetime] = mapped_column(default=utc_now)
    resolved_at: Mapped[datetime | None]
    superseded_in: Mapped[int | None]  # the number of the amendment that replaced it

    session: Mapped[TreatmentSession] = relationship(back_populates="reactions")


class Amendment(Base):
    """One change to a completed session: who, when, why, and its values before and after.

    The values are the session's clinical content as JSON (``treatment_log.snapshot``), so
    the original as signed and every later version can always be shown.
    """

    __tablename__ = "session_amendments"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"))
    number: Mapped[int]
    amended_at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    old_values: Mapped[str] = mapped_column(Text)
    new_values: Mapped[str] = mapped_column(Text)
