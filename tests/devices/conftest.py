from array import array
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from devices.simulated.export_files import plan_sessions, write_export
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.clinic import device_register, patients
from models.records.audit_events import AuditEvent
from models.records.imports import ImportBatch, PulseTrace
from models.records.treatment import TreatmentSession

PATIENTS = [("P-100", 2), ("P-200", 5)]
SERIAL = "SIM-T-1"


@pytest.fixture
def clinic(database, admin):
    """A registered simulated device and two patients, as a clinic would have them."""
    with database.write() as db:
        for identifier, fitzpatrick in PATIENTS:
            patients.add_patient(db, admin, identifier=identifier, full_name=identifier,
                                 date_of_birth=None, fitzpatrick=fitzpatrick)
        model = SIMULATED_MODELS[2]  # radio-frequency: energy, power and impedance channels
        device_register.add_device(db, admin, make=model.make, model=model.model,
                                   serial=SERIAL, kind=model.kind)
    return model


def simulate(folder: Path, file_format: str, model=SIMULATED_MODELS[2], sessions: int = 2,
             pulses: int | None = None, seed: int = 3):
    """Write an export file; return its path, the sessions planned and their pulses."""
    device = SimulatedDevice(model.kind, seed)
    plan = plan_sessions(device, PATIENTS, sessions, datetime(2026, 2, 2, 9, tzinfo=UTC), pulses)
    path = folder / f"export.{file_format}"
    write_export(path, file_format, device, model, SERIAL, plan)
    again = SimulatedDevice(model.kind, seed)  # replays the same pulses
    plan_sessions(again, PATIENTS, sessions, datetime(2026, 2, 2, 9, tzinfo=UTC), pulses)
    return path, plan, [list(again.pulses(session.areas)) for session in plan]


def table_counts(database):
    """The rows an import may write, counted per table; the audit trail's without the one
    "refused" event every refused import leaves (counted apart)."""
    with database.read() as db:
        counts = {model.__name__: db.scalar(select(func.count()).select_from(model))
                  for model in (TreatmentSession, ImportBatch, PulseTrace)}
        counts["AuditEvent"] = db.scalar(select(func.count()).select_from(AuditEvent)
                                         .where(AuditEvent.action != "refused"))
    return counts


def floats(data: bytes) -> list[float]:
    """A stored trace chunk read back as its 32-bit floats."""
    values = array("f")
    values.frombytes(data)
    return values.tolist()
