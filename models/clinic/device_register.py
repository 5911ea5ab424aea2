"""The clinic's register of treatment devices."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import ValidationFailed
from models.records.equipment import Device
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import DeviceKind


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
    problems: dict[str, str] = {}
    if not make:
        problems["make"] = "Enter the device's make"
    if not model:
        problems["model"] = "Enter the device's model"
    if not serial:
        problems["serial"] = "Enter the serial number from the device's rating plate"
    elif db.scalar(select(Device.id).where(Device.serial == serial)):
        problems["serial"] = f"A device with serial {serial} is already registered"
    if kind not in {k.value for k in DeviceKind}:
        problems["kind"] = "The kind must be laser, IPL, radiofrequency or infrared"
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


def list_devices(db: Session) -> list[DeviceRow]:
    statement = select(Device).where(Device.active).order_by(Device.make, Device.model)
    return [device_row(d) for d in db.scalars(statement)]
