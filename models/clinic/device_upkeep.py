"""Looking after the devices: handpieces and tips with their pulse counts, the daily
verification log and the fault log.

A tip's pulses are counted from the sessions logged with its device since it was fitted
(imports and connected devices fill those counts); near its rated life it is warned about.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import NotFound, ValidationFailed
from models.records.equipment import Device, DeviceLogEntry, DeviceTip
from models.records.people import User
from models.records.treatment import TreatedArea, TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import LogKind, SessionStatus

TIP_WARNING_SHARE = 0.9  # warn from 90 % of the rated pulses


@dataclass(frozen=True)
class TipRow:
    name: str
    rated_pulses: int
    fitted_at: datetime
    pulses: int

    @property
    def warning(self) -> str | None:
        if self.pulses < TIP_WARNING_SHARE * self.rated_pulses:
            return None
        return (f"{self.name}: {self.pulses:,} of {self.rated_pulses:,} rated pulses used; "
                "order a replacement")


@dataclass(frozen=True)
class LogRow:
    kind: str
    note: str
    logged_at: datetime
    logged_by: str


@dataclass(frozen=True)
class DeviceCare:
    device_id: int
    tip: TipRow | None  # the tip fitted now
    verified_today: bool
    open_fault: LogRow | None  # reported and not yet repaired
    log: tuple[LogRow, ...]  # newest first

    def warnings(self) -> list[str]:
        found = []
        if self.open_fault is not None:
            found.append(f"Fault reported {self.open_fault.logged_at.astimezone():%Y-%m-%d}: "
                         f"{self.open_fault.note}")
        if not self.verified_today:
            found.append("The daily verification is not logged today")
        if self.tip is not None and self.tip.warning:
            found.append(self.tip.warning)
        return found


def _device(db: Session, device_id: int) -> Device:
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(f"No device with id {device_id}")
    return device


def fit_tip(db: Session, actor: Actor, device_id: int, name: str, rated_pulses: int | None
            ) -> None:
    """Fit a new handpiece or tip; its pulse count starts from now."""
    require(actor, Action.MANAGE_DEVICES, "device_tip")
    _device(db, device_id)
    problems = {}
    if not name.strip():
        problems["name"] = "Name the handpiece or tip (e.g. 'IR handpiece 2, tip 15 mm')"
    if rated_pulses is None or rated_pulses < 1:
        problems["rated_pulses"] = "Enter the tip's rated life in pulses, from its datasheet"
    if problems:
        raise ValidationFailed(problems)
    tip = DeviceTip(device_id=device_id, name=name.strip(), rated_pulses=rated_pulses,
                    fitted_at=datetime.now(UTC), created_by_id=actor.id)
    db.add(tip)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="device.tip", entity="device",
                       entity_id=device_id, new={"tip": tip.name, "rated_pulses": rated_pulses})


def log_device(db: Session, actor: Actor, device_id: int, kind: str, note: str = "") -> None:
    """Log the daily verification, a fault or a repair. A failed check or a fault needs a
    description."""
    require(actor, Action.LOG_DEVICE_CHECK, "device_log", device_id)
    _device(db, device_id)
    if kind not in set(LogKind):
        raise ValidationFailed({"kind": f"Unknown log entry {kind!r}"})
    if kind in (LogKind.VERIFICATION_FAILED, LogKind.FAULT, LogKind.REPAIRED) \
            and not note.strip():
        raise ValidationFailed({"note": "Describe what was found or done"})
    entry = DeviceLogEntry(device_id=device_id, kind=kind, note=note.strip(),
                           logged_by_id=actor.id)
    db.add(entry)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action=f"device.{kind}", entity="device",
                       entity_id=device_id, new={"note": entry.note})


def device_care(db: Session, actor: Actor, device_id: int, today: date | None = None
                ) -> DeviceCare:
    require(actor, Action.LOG_DEVICE_CHECK, "device_log", device_id)
    _device(db, device_id)
    today = today or datetime.now().astimezone().date()
    log = tuple(LogRow(entry.kind, entry.note, entry.logged_at, name) for entry, name in
                db.execute(select(DeviceLogEntry, User.full_name)
                           .join(User, User.id == DeviceLogEntry.logged_by_id)
                           .where(DeviceLogEntry.device_id == device_id)
                           .order_by(DeviceLogEntry.logged_at.desc(),
                                     DeviceLogEntry.id.desc())))
    verified = any(row.kind == LogKind.VERIFICATION_PASSED
                   and row.logged_at.astimezone().date() == today for row in log)
    fault = None
    for row in log:  # newest first: a repair closes the faults before it
        if row.kind == LogKind.REPAIRED:
            break
        if row.kind == LogKind.FAULT:
            fault = row
            break
    tip = db.scalars(select(DeviceTip).where(DeviceTip.device_id == device_id)
                     .order_by(DeviceTip.fitted_at.desc(), DeviceTip.id.desc())).first()
    tip_row = None
    if tip is not None:
        pulses = db.scalar(
            select(func.coalesce(func.sum(TreatedArea.pulses), 0))
            .join(TreatmentSession, TreatmentSession.id == TreatedArea.session_id)
            .where(TreatmentSession.device_id == device_id,
                   TreatmentSession.started_at >= tip.fitted_at,
                   TreatmentSession.status != SessionStatus.VOIDED,
                   TreatedArea.superseded_in.is_(None)))
        assert pulses is not None  # one row, and COALESCE leaves no NULL
        tip_row = TipRow(tip.name, tip.rated_pulses, tip.fitted_at, int(pulses))
    return DeviceCare(device_id, tip_row, verified, fault, log)
