"""Export files from the simulated device, in each of its formats (CSV, JSON, XML).

The writer is driven by the simulated device's own import profile (columns, units, decimal
separator, encoding, area names), so what it writes is exactly what the importer reads back.
"""

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from sqlalchemy import select
from sqlalchemy.orm import Session

from devices.importing.fields import NUMBER_FIELDS
from devices.importing.profiles import FROM_FILE, Profile, find_profile
from devices.importing.units import Conversion, conversion
from devices.simulated.treatment_device import SIMULATED_MODELS, DeviceModel, SimulatedDevice
from models.errors import LaserLogError
from models.language import _
from models.records.equipment import Device
from models.records.people import Patient
from models.values.session_input import AreaInput
from models.values.vocabulary import Area, DeviceKind

FORMATS = ("csv", "json", "xml")


@dataclass(frozen=True)
class SimulatedSession:
    """One session as the simulated device remembers it: what the device's export holds."""

    reference: str
    patient: str
    started_at: datetime
    areas: tuple[AreaInput, ...]


def plan_sessions(
    device: SimulatedDevice,
    patients: Sequence[tuple[str, int | None]],
    sessions: int,
    start: datetime,
    pulses: int | None = None,
) -> list[SimulatedSession]:
    """``sessions`` sessions on consecutive days from ``start``, for patients picked at random.

    ``patients`` are (identifier, Fitzpatrick type); ``pulses`` fixes each session's pulse
    count, shared out over its areas.
    """
    rnd = device.random
    planned = []
    for number in range(sessions):
        identifier, fitzpatrick = rnd.choice(list(patients))
        picked = rnd.sample(list(Area), rnd.choice((1, 2, 3)))
        areas = [device.settings_for(a, fitzpatrick or 3) for a in picked]
        if pulses is not None:
            share, extra = divmod(pulses, len(areas))
            areas = [replace(a, pulses=share + (i < extra), passes=min(a.passes or 1,
                                                                     share + (i < extra)))
                     for i, a in enumerate(areas)]
            areas = [a for a in areas if a.pulses]
        planned.append(SimulatedSession(
            reference=f"T{rnd.randrange(10**6):06d}-{number + 1}",
            patient=identifier,
            started_at=start + timedelta(days=number, minutes=rnd.randrange(480)),
            areas=tuple(areas),
        ))
    return planned


def simulated_profile(file_format: str) -> Profile:
    return find_profile(f"simulated-{file_format}")


def _pulse_values(device: SimulatedDevice, serial: str, session: SimulatedSession
                  ) -> Iterator[dict[str, Any]]:
    """Each pulse of the session as canonical values keyed by LaserLog field."""
    delivered_key = "delivered_energy_j" if device.kind == "rf" else "delivered_fluence_j_cm2"
    settings = {a.area: a.settings for a in session.areas}
    for pulse in device.pulses(session.areas):
        yield {
            "session": session.reference, "serial": serial, "patient": session.patient,
            "time": session.started_at + timedelta(seconds=pulse.offset_s),
            "area": pulse.area, "pass": pulse.pass_number,
            **settings[pulse.area],
            delivered_key: pulse.delivered,
            "skin_temperature_c": pulse.skin_temperature_c,
            "impedance_ohm": pulse.impedance_ohm,
        }


def _formatter(profile: Profile) -> Callable[[str, Any], str | None]:
    """Turns canonical values into the text the device writes, in the profile's units."""
    to_unit: dict[str, Conversion] = {}
    for key, source in profile.fields.items():
        if key in NUMBER_FIELDS:
            assert source.unit not in (None, FROM_FILE), "a simulated profile fixes its units"
            change = conversion(NUMBER_FIELDS[key].quantity, source.unit)
            to_unit[key] = change
    comma = profile.decimal == ","

    def text(key: str, value: Any) -> str | None:
        if value is None:
            return None
        if key == "time":
            time: datetime = value
            return time.isoformat(sep=" " if profile.format == "csv" else "T",
                                  timespec="milliseconds")
        if key == "area":
            return profile.area_name(value)
        change = to_unit.get(key)
        if change is None:
            return str(value)
        written = f"{(value - change.offset) / change.factor:.10g}"
        return written.replace(".", ",") if comma else written

    return text


def write_export(
    out: Path,
    file_format: str,
    device: SimulatedDevice,
    model: DeviceModel,
    serial: str,
    sessions: Sequence[SimulatedSession],
) -> int:
    """Write the sessions' pulses as the device exports them; returns the number of pulses."""
    profile = simulated_profile(file_format)
    text = _formatter(profile)
    columns = [(key, source.column) for key, source in profile.fields.items()]
    rows = 0

    def records() -> Iterator[dict[str, str | None]]:
        nonlocal rows
        for session in sessions:
            for values in _pulse_values(device, serial, session):
                rows += 1
                yield {column: text(key, values.get(key)) for key, column in columns}

    if file_format == "csv":
        with out.open("w", encoding=profile.encoding, newline="") as stream:
            writer = csv.writer(stream, delimiter=profile.delimiter, lineterminator="\r\n")
            writer.writerow([_header(profile, key, column) for key, column in columns])
            for record in records():
                writer.writerow(["" if v is None else v for v in record.values()])
    elif file_format == "json":
        with out.open("w", encoding="utf-8") as stream:
            header = {"format": profile.detect["format"],
                      "device": {"make": model.make, "model": model.model, "serial": serial}}
            stream.write(json.dumps(header, ensure_ascii=False)[:-1])
            stream.write(f', "{profile.record}": [\n')
            numeric = {source.column for key, source in profile.fields.items()
                       if key in NUMBER_FIELDS or key == "pass"}
            for index, record in enumerate(records()):
                values = {k: _number(v) if k in numeric else v
                          for k, v in record.items() if v is not None}
                stream.write(("" if index == 0 else ",\n") + json.dumps(values))
            stream.write("\n]}\n")
    else:
        with out.open("w", encoding="utf-8") as stream:
            stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            stream.write(f'<{profile.detect["root"]} format={quoteattr(profile.detect["format"])}'
                         f' make={quoteattr(model.make)} model={quoteattr(model.model)}>\n')
            for record in records():
                attributes = " ".join(f"{k}={quoteattr(v)}" for k, v in record.items()
                                      if v is not None)
                stream.write(f"  <{profile.record} {attributes}/>\n")
            stream.write(f"</{profile.detect['root']}>\n")
    return rows


def _header(profile: Profile, key: str, column: str) -> str:
    source = profile.fields[key]
    return f"{column} ({source.unit})" if source.unit else column


def _number(value: str) -> int | float:
    """JSON carries numbers as numbers."""
    number = float(value)
    return int(number) if number.is_integer() else number


def subjects(db: Session, serial: str | None, patient_ids: Sequence[str]
             ) -> tuple[DeviceModel, str, list[tuple[str, int | None]]]:
    """The device (model and serial) and patients a simulated export is about.

    Unnamed, they are taken from the database: a registered device of a simulated model
    (else any device) and every registered patient (up to 200).
    """
    models_by_name = {(m.make, m.model): m for m in SIMULATED_MODELS}
    devices = db.scalars(select(Device).where(Device.active).order_by(Device.id)).all()
    if serial is not None:
        devices = [d for d in devices if d.serial == serial]
    device = next((d for d in devices if (d.make, d.model) in models_by_name),
                  devices[0] if devices else None)
    if device is None:
        if serial is None:
            raise LaserLogError(_("No device is registered; register one, run demo, or name "
                                  "a serial with --serial"))
        model = SIMULATED_MODELS[0]
    else:
        model = models_by_name.get((device.make, device.model)) or DeviceModel(
            device.make, device.model, DeviceKind(device.kind))
        serial = device.serial
    query = select(Patient.identifier, Patient.fitzpatrick).order_by(Patient.identifier)
    if patient_ids:
        query = query.where(Patient.identifier.in_(patient_ids))
    found = [(row.identifier, row.fitzpatrick) for row in db.execute(query.limit(200))]
    known = {identifier for identifier, _type in found}
    found += [(identifier, None) for identifier in patient_ids if identifier not in known]
    if not found:
        raise LaserLogError(_("No patient is registered; register one, run demo, or name "
                              "patients with --patient"))
    return model, serial, found
