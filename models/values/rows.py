"""Plain, immutable rows handed from the operations to the GUI and the command line."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from models.values.screening import ScreeningInput


@dataclass(frozen=True)
class Actor:
    """The signed-in person on whose behalf an operation runs."""

    id: int
    username: str
    full_name: str
    role: str


@dataclass(frozen=True)
class Signature:
    """A signer's password confirmed for signing (``accounts.confirm_signature``); one
    confirmation may sign a run of sessions made in one go (the demo data)."""

    actor_id: int
    confirmed_at: datetime


@dataclass(frozen=True)
class ConsentOnFile:
    """The latest consent a patient signed on screen, and whether it is valid on a day."""

    version: str
    signed_on: date
    valid_until: date  # the last day it is valid: signed_on + the clinic's consent months
    in_force: bool  # valid on the day asked
    why_not: str = ""  # when not in force: "expired on …"
    consent_id: int | None = None
    signer_name: str = ""
    language: str = "en"  # of the version signed: the patient's, as far as LaserLog knows


@dataclass(frozen=True)
class PatientRow:
    id: int
    identifier: str
    full_name: str
    date_of_birth: date | None
    fitzpatrick: int | None


@dataclass(frozen=True)
class DeviceRow:
    id: int
    make: str
    model: str
    serial: str
    kind: str
    handpiece: str | None

    @property
    def display_name(self) -> str:
        return f"{self.make} {self.model} ({self.serial})"


@dataclass(frozen=True)
class AreaParametersRow:
    area: str
    passes: int | None
    pulses: int | None
    settings: dict[str, float | None]  # of the first (or every) pass
    source: str | None
    per_pass: tuple[tuple[int, dict[str, float | None]], ...] = ()  # logged pass by pass
    import_batch_id: int | None = None
    change_reason: str = ""


@dataclass(frozen=True)
class ImportRow:
    """One imported export file, as the session detail lists it."""

    id: int
    file_name: str
    sha256: str
    profile: str
    user: str
    imported_at: datetime
    rows: int
    pulses: int  # of this session
    flagged_pulses: int  # of this session
    device_session: str


@dataclass(frozen=True)
class AmendmentRow:
    """One amendment of a completed session: the values it replaced and the ones it set."""

    number: int
    amended_at: datetime
    user: str
    reason: str
    old: dict[str, Any]  # JSON, as the audit trail holds it
    new: dict[str, Any]


@dataclass(frozen=True)
class ReactionRow:
    kind: str
    grade: int
    onset: str
    note: str


@dataclass(frozen=True)
class SessionSummary:
    """One line of the history."""

    id: int
    uuid: UUID
    started_at: datetime
    patient_identifier: str
    patient_name: str
    areas: tuple[str, ...]
    technician: str
    duration_s: int | None
    worst_reaction: ReactionRow | None
    status: str


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


@dataclass(frozen=True)
class SessionDetail:
    """A session loaded whole, for the read-only detail view and exports."""

    summary: SessionSummary
    patient: PatientRow
    device: DeviceRow | None
    room: str
    anaesthetic_agent: str | None
    anaesthetic_applied_at: datetime | None
    areas: tuple[AreaParametersRow, ...]
    reactions: tuple[ReactionRow, ...]
    notes: str
    created_at: datetime
    completed_at: datetime | None
    version: int
    imports: tuple[ImportRow, ...] = ()
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    voided_at: datetime | None = None
    void_reason: str = ""
    amendments: tuple[AmendmentRow, ...] = ()
    screening: ScreeningInput | None = None  # with the pre-treatment checklist
    follow_ups: tuple[FollowUpRow, ...] = ()  # oldest first
    aftercare_given_at: datetime | None = None
    late_reason: str = ""  # why it was logged long after it started
    updated_at: datetime | None = None  # last saved (a draft) or changed
