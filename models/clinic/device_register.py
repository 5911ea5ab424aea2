"""The clinic's register of treatment devices: registered, corrected, retired; never deleted.

A retired device stays in the register and in every session logged with it; it is no
longer offered for new sessions.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.clinic.device_upkeep import LogRow, current_tip, last_verifications
from models.errors import NotFound, ValidationFailed
from models.language import _
from models.records.equipment import Device
from models.records.treatment import TreatmentSession
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import SIGNED, DeviceKind


@dataclass(frozen=True)
class RegisteredDevice:
    """A device on the administrator's list, with the tip fitted now and its last check."""

    device: DeviceRow
    active: bool
    tip: str | None  # the name of the tip fitted now
    last_verification: LogRow | None

    @property
    def state(self) -> str:
        return _("In use") if self.active else _("Retired")


def device_row(device: Device) -> DeviceRow:
    return DeviceRow(
        id=device.id,
        make=device.make,
        model=device.model,
        serial=device.serial,
        kind=device.kind,
        handpiece=device.handpiece,
    )


def add_device(
    db: Session,
    actor: Actor,
    *,
    make: str,
    model: str,
    serial: str,
    kind: str,
    handpiece: str | None = None,
) -> DeviceRow:
    require(actor, Action.MANAGE_DEVICES, "device")
    make, model, serial = make.strip(), model.strip(), serial.strip()
    problems = _device_problems(db, make, model, serial, kind, None)
    if problems:
        raise ValidationFailed(problems)
    device = Device(make=make, model=model, serial=serial, kind=kind, handpiece=handpiece)
    db.add(device)
    db.flush()
    audit_chain.record(
        db,
        actor_id=actor.id,
        action="device.create",
        entity="device",
        entity_id=device.id,
        new={"make": make, "model": model, "serial": serial, "kind": kind},
    )
    return device_row(device)


def _device_problems(db: Session, make: str, model: str, serial: str, kind: str,
                     device_id: int | None) -> dict[str, str]:
    """Every problem with a device's details at once (``device_id``: the one being edited)."""
    problems: dict[str, str] = {}
    same_serial = select(Device.id).where(Device.serial == serial)
    if device_id is not None:
        same_serial = same_serial.where(Device.id != device_id)
    if not make:
        problems["make"] = _("Enter the device's make")
    if not model:
        problems["model"] = _("Enter the device's model")
    if not serial:
        problems["serial"] = _("Enter the serial number from the device's rating plate")
    elif db.scalar(same_serial):
        problems["serial"] = _("A device with serial {serial} is already registered").format(
            serial=serial)
    if kind not in {k.value for k in DeviceKind}:
        problems["kind"] = _("The kind must be laser, IPL, radiofrequency or infrared")
    return problems


def _device(db: Session, device_id: int) -> Device:
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(_("No device with id {id}").format(id=device_id))
    return device


def edit_device(db: Session, actor: Actor, device_id: int, *, make: str, model: str,
                serial: str, kind: str) -> DeviceRow:
    """Correct a device's make, model, serial or kind; the sessions logged with it show the
    corrected details, and the audit trail keeps what they were."""
    require(actor, Action.MANAGE_DEVICES, "device", device_id)
    device = _device(db, device_id)
    make, model, serial = make.strip(), model.strip(), serial.strip()
    problems = _device_problems(db, make, model, serial, kind, device_id)
    old = {"make": device.make, "model": device.model, "serial": device.serial,
           "kind": device.kind}
    new = {"make": make, "model": model, "serial": serial, "kind": kind}
    if not problems and old == new:
        problems["make"] = _("Nothing was changed")
    if problems:
        raise ValidationFailed(problems)
    device.make, device.model, device.serial, device.kind = make, model, serial, kind
    audit_chain.record(db, actor_id=actor.id, action="device.edit", entity="device",
                       entity_id=device.id, old={k: v for k, v in old.items() if new[k] != v},
                       new={k: v for k, v in new.items() if old[k] != v})
    return device_row(device)


def retire_device(db: Session, actor: Actor, device_id: int, reason: str) -> None:
    """Take a device out of use: it is no longer offered for new sessions, and stays in the
    register and in the sessions logged with it."""
    require(actor, Action.MANAGE_DEVICES, "device", device_id)
    device = _device(db, device_id)
    if not device.active:
        raise ValidationFailed({"device": _("{device} is retired already").format(
            device=device_row(device).display_name)})
    if not reason.strip():
        raise ValidationFailed({"reason": _("Say why the device is retired (sold, broken "
                                            "beyond repair…)")})
    device.active = False
    audit_chain.record(db, actor_id=actor.id, action="device.retire", entity="device",
                       entity_id=device.id, old={"active": True}, new={"active": False},
                       reason=reason.strip())


def list_devices(db: Session) -> list[DeviceRow]:
    """The devices in use, offered for new sessions."""
    statement = select(Device).where(Device.active).order_by(Device.make, Device.model)
    return [device_row(d) for d in db.scalars(statement)]


def last_device_in_room(db: Session, room: str) -> int | None:
    """The device of the newest signed session in ``room`` (still in use), for a PC that has
    none remembered: the room's device, ready on the form."""
    return db.scalar(
        select(TreatmentSession.device_id)
        .join(Device, Device.id == TreatmentSession.device_id)
        .where(TreatmentSession.room == room.strip(), TreatmentSession.status.in_(SIGNED),
               Device.active)
        .order_by(TreatmentSession.started_at.desc()).limit(1))


def register(db: Session, actor: Actor) -> list[RegisteredDevice]:
    """Every device ever registered, those in use first, with its tip and last check."""
    require(actor, Action.MANAGE_DEVICES, "device")
    checks = last_verifications(db)
    found = []
    for device in db.scalars(select(Device).order_by(Device.active.desc(), Device.make,
                                                     Device.model, Device.serial)):
        tip = current_tip(db, device.id)
        found.append(RegisteredDevice(device_row(device), device.active,
                                      tip.name if tip is not None else None,
                                      checks.get(device.id)))
    return found
