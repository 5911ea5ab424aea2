"""Looking after the devices: handpieces and tips with their pulse counts, the daily
verification log and the fault log.

A tip's pulses are counted from the sessions logged with its device since it was fitted
(imports and connected devices fill those counts); near its rated life it is warned about.
A tip is taken off by fitting the next one, or retired without one; either way it stays on
record with the pulses it gave.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import NotFound, ValidationFailed
from models.language import _, date_text, number_text
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
        return _("{tip}: {pulses} of {rated} rated pulses used; order a replacement").format(
            tip=self.name, pulses=number_text(self.pulses), rated=number_text(self.rated_pulses))


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
            found.append(_("Fault reported {day}: {note}").format(
                day=date_text(self.open_fault.logged_at.astimezone().date()),
                note=self.open_fault.note))
        if not self.verified_today:
            found.append(_("The daily verification is not logged today"))
        if self.tip is not None and self.tip.warning:
            found.append(self.tip.warning)
        return found


@dataclass(frozen=True)
class FittedTip:
    """A tip on the administrator's list: fitted now, replaced or retired."""

    id: int
    device_id: int
    device: str  # its display name
    name: str
    rated_pulses: int
    fitted_at: datetime
    pulses: int  # logged with its device while it was fitted
    ended_at: datetime | None  # replaced by the next tip, or retired, then
    retired: bool  # taken off without a replacement

    @property
    def state(self) -> str:
        if self.ended_at is None:
            return _("Fitted now")
        when = date_text(self.ended_at.astimezone().date())
        return (_("Retired {day}") if self.retired else _("Replaced {day}")).format(day=when)


def _device(db: Session, device_id: int) -> Device:
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(_("No device with id {id}").format(id=device_id))
    return device


def fit_tip(db: Session, actor: Actor, device_id: int, name: str, rated_pulses: int | None
            ) -> None:
    """Fit a new handpiece or tip, replacing the one fitted; its pulse count starts now."""
    require(actor, Action.MANAGE_DEVICES, "device_tip")
    problems = _tip_problems(name, rated_pulses)
    if not _device(db, device_id).active:
        problems["device"] = _("This device is retired; fit tips to one in use")
    if problems:
        raise ValidationFailed(problems)
    tip = DeviceTip(device_id=device_id, name=name.strip(), rated_pulses=rated_pulses,
                    fitted_at=datetime.now(UTC), created_by_id=actor.id)
    db.add(tip)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="device.tip", entity="device",
                       entity_id=device_id, new={"tip": tip.name, "rated_pulses": rated_pulses})


def _tip_problems(name: str, rated_pulses: int | None) -> dict[str, str]:
    problems = {}
    if not name.strip():
        problems["name"] = _("Name the handpiece or tip (e.g. 'IR handpiece 2, tip 15 mm')")
    if rated_pulses is None or rated_pulses < 1:
        problems["rated_pulses"] = _("Enter the tip's rated life in pulses, from its datasheet")
    return problems


def _tip(db: Session, tip_id: int) -> DeviceTip:
    tip = db.get(DeviceTip, tip_id)
    if tip is None:
        raise NotFound(_("No tip with id {id}").format(id=tip_id))
    return tip


def edit_tip(db: Session, actor: Actor, tip_id: int, name: str, rated_pulses: int | None
             ) -> None:
    """Correct a tip's name or rated life (its pulses and fitting stay as they were)."""
    require(actor, Action.MANAGE_DEVICES, "device_tip", tip_id)
    tip = _tip(db, tip_id)
    problems = _tip_problems(name, rated_pulses)
    if problems:
        raise ValidationFailed(problems)
    assert rated_pulses is not None  # a missing rated life is a problem above
    old = {"tip": tip.name, "rated_pulses": tip.rated_pulses}
    new = {"tip": name.strip(), "rated_pulses": rated_pulses}
    if old == new:
        raise ValidationFailed({"name": _("Nothing was changed")})
    tip.name, tip.rated_pulses = name.strip(), rated_pulses
    audit_chain.record(db, actor_id=actor.id, action="device.tip_edit", entity="device",
                       entity_id=tip.device_id, old=old, new=new)


def retire_tip(db: Session, actor: Actor, tip_id: int, reason: str) -> None:
    """Take the tip fitted now off its device without fitting another; it stays on record."""
    require(actor, Action.MANAGE_DEVICES, "device_tip", tip_id)
    tip = _tip(db, tip_id)
    if _tip_end(db, tip) is not None:
        raise ValidationFailed({"tip": _("{tip} is no longer fitted").format(tip=tip.name)})
    if not reason.strip():
        raise ValidationFailed({"reason": _("Say why the tip is retired (worn out, broken…)")})
    tip.retired_at = datetime.now(UTC)
    audit_chain.record(db, actor_id=actor.id, action="device.tip_retire", entity="device",
                       entity_id=tip.device_id, old={"tip": tip.name, "retired": False},
                       new={"tip": tip.name, "retired": True}, reason=reason.strip())


def _next_fitted(db: Session, tip: DeviceTip) -> datetime | None:
    """When the next tip was fitted to the same device, if one was."""
    return db.scalar(select(DeviceTip.fitted_at).where(
        DeviceTip.device_id == tip.device_id, DeviceTip.id != tip.id,
        (DeviceTip.fitted_at > tip.fitted_at)
        | ((DeviceTip.fitted_at == tip.fitted_at) & (DeviceTip.id > tip.id)))
        .order_by(DeviceTip.fitted_at, DeviceTip.id).limit(1))


def _tip_end(db: Session, tip: DeviceTip) -> datetime | None:
    """When the tip came off: retired, or replaced by the next one; None while fitted."""
    ends = [end for end in (tip.retired_at, _next_fitted(db, tip)) if end is not None]
    return min(ends) if ends else None


def _pulses(db: Session, device_id: int, since: datetime, until: datetime | None) -> int:
    """Pulses logged with the device in signed or draft sessions started in [since, until)."""
    statement = (select(func.coalesce(func.sum(TreatedArea.pulses), 0))
                 .join(TreatmentSession, TreatmentSession.id == TreatedArea.session_id)
                 .where(TreatmentSession.device_id == device_id,
                        TreatmentSession.started_at >= since,
                        TreatmentSession.status != SessionStatus.VOIDED,
                        TreatedArea.superseded_in.is_(None)))
    if until is not None:
        statement = statement.where(TreatmentSession.started_at < until)
    pulses = db.scalar(statement)
    assert pulses is not None  # one row, and COALESCE leaves no NULL
    return int(pulses)


def list_tips(db: Session, actor: Actor, device_id: int | None = None) -> list[FittedTip]:
    """Every tip ever fitted (of one device, or of all), newest first, with its pulses."""
    require(actor, Action.MANAGE_DEVICES, "device_tip")
    statement = select(DeviceTip, Device).join(Device, Device.id == DeviceTip.device_id)
    if device_id is not None:
        statement = statement.where(DeviceTip.device_id == device_id)
    found = []
    for tip, device in db.execute(statement.order_by(DeviceTip.fitted_at.desc(),
                                                     DeviceTip.id.desc())):
        end = _tip_end(db, tip)
        found.append(FittedTip(
            tip.id, device.id, f"{device.make} {device.model} ({device.serial})", tip.name,
            tip.rated_pulses, tip.fitted_at, _pulses(db, device.id, tip.fitted_at, end), end,
            tip.retired_at is not None and end == tip.retired_at))
    return found


def last_verifications(db: Session) -> dict[int, LogRow]:
    """Each device's latest daily verification, passed or failed, by device id."""
    latest = (select(DeviceLogEntry.device_id, func.max(DeviceLogEntry.id).label("id"))
              .where(DeviceLogEntry.kind.in_((LogKind.VERIFICATION_PASSED,
                                               LogKind.VERIFICATION_FAILED)))
              .group_by(DeviceLogEntry.device_id).subquery())
    return {entry.device_id: LogRow(entry.kind, entry.note, entry.logged_at, name)
            for entry, name in db.execute(
                select(DeviceLogEntry, User.full_name)
                .join(latest, latest.c.id == DeviceLogEntry.id)
                .join(User, User.id == DeviceLogEntry.logged_by_id))}


def log_device(db: Session, actor: Actor, device_id: int, kind: str, note: str = "") -> None:
    """Log the daily verification, a fault or a repair. A failed check or a fault needs a
    description."""
    require(actor, Action.LOG_DEVICE_CHECK, "device_log", device_id)
    _device(db, device_id)
    if kind not in set(LogKind):
        raise ValidationFailed({"kind": _("Unknown log entry {kind}").format(kind=repr(kind))})
    if kind in (LogKind.VERIFICATION_FAILED, LogKind.FAULT, LogKind.REPAIRED) \
            and not note.strip():
        raise ValidationFailed({"note": _("Describe what was found or done")})
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
    tip = current_tip(db, device_id)
    tip_row = None
    if tip is not None:
        tip_row = TipRow(tip.name, tip.rated_pulses, tip.fitted_at,
                         _pulses(db, device_id, tip.fitted_at, None))
    return DeviceCare(device_id, tip_row, verified, fault, log)


def current_tip(db: Session, device_id: int) -> DeviceTip | None:
    """The tip fitted last to the device, unless it was retired since."""
    tip = db.scalars(select(DeviceTip).where(DeviceTip.device_id == device_id)
                     .order_by(DeviceTip.fitted_at.desc(), DeviceTip.id.desc())).first()
    return None if tip is None or tip.retired_at is not None else tip
