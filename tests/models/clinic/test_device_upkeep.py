"""Devices and people: tips counted from logged pulses and warned near their rated life, the
daily verification and fault log, and the staff report of certifications and procedures."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from models.access import accounts
from models.clinic import device_upkeep, staff_report
from models.errors import ValidationFailed
from models.records.equipment import DeviceLogEntry
from models.values.session_input import AreaInput
from models.values.vocabulary import LogKind
from tests.models.helpers import TODAY, session_entry


@pytest.fixture
def device(register_device):
    return register_device(kind="infrared")


@pytest.fixture
def log_pulses(technician, device, register_patient, logged_session):
    """Signs a session of ``pulses`` on the device now, each for a new patient."""
    def log(pulses):
        return logged_session(register_patient(technician), session_entry(
            device, AreaInput("neck", {"energy_j": 60.0}, pulses, 2), days_ago=0))
    return log


def test_a_tip_counts_pulses_since_fitted_and_warns_near_its_rated_life(
        database, admin, technician, device, log_pulses):
    log_pulses(500)  # before the tip: not counted
    with database.write() as db:
        device_upkeep.fit_tip(db, admin, device.id, "IR handpiece, 15 mm tip", 1000)
    log_pulses(850)
    with database.read() as db:
        care = device_upkeep.device_care(db, technician, device.id)
    assert care.tip.pulses == 850 and care.tip.warning is None
    log_pulses(100)
    with database.read() as db:
        care = device_upkeep.device_care(db, technician, device.id)
    assert care.tip.warning == ("IR handpiece, 15 mm tip: 950 of 1,000 rated pulses used; "
                                "order a replacement")
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        device_upkeep.fit_tip(db, admin, device.id, " ", 0)
    assert set(refused.value.problems) == {"name", "rated_pulses"}


def test_the_daily_verification_and_faults_are_logged_and_kept(database, technician,
                                                                admin, device):
    with database.read() as db:
        care = device_upkeep.device_care(db, technician, device.id)
    assert not care.verified_today
    assert "The daily verification is not logged today" in care.warnings()
    with pytest.raises(ValidationFailed, match="Describe"), database.write() as db:
        device_upkeep.log_device(db, technician, device.id, LogKind.FAULT, "  ")
    with database.write() as db:
        device_upkeep.log_device(db, technician, device.id, LogKind.VERIFICATION_PASSED)
        device_upkeep.log_device(db, technician, device.id, LogKind.FAULT,
                                 "Cooling fan noisy")
    with database.read() as db:
        care = device_upkeep.device_care(db, technician, device.id)
    assert care.verified_today and care.open_fault.note == "Cooling fan noisy"
    assert [row.kind for row in care.log] == ["fault", "verified"]
    with database.write() as db:
        device_upkeep.log_device(db, admin, device.id, LogKind.REPAIRED, "Fan replaced")
    with database.read() as db:
        assert device_upkeep.device_care(db, technician, device.id).open_fault is None
    for statement in (delete(DeviceLogEntry), update(DeviceLogEntry).values(note="")):
        with pytest.raises(Exception, match="never"), database.write() as db:
            db.execute(statement)


def test_the_staff_report_shows_certification_and_procedures(database, admin, technician,
                                                              supervisor, log_pulses):
    log_pulses(10)
    with database.write() as db:
        accounts.record_certification(db, admin, "tess", "LT-7", TODAY + timedelta(days=10))
    with database.read() as db:
        rows = staff_report.technician_report(db, supervisor, TODAY.year)
    assert [(r.full_name, r.certification_number, r.procedures) for r in rows] == [
        ("Tess Tech", "LT-7", 1)]
    assert rows[0].certification_state(TODAY).startswith("expires ")
    assert rows[0].needs_attention(TODAY)
    assert "EXPIRED" in rows[0].certification_state(TODAY + timedelta(days=11))
    assert not rows[0].needs_attention(TODAY - timedelta(days=60))
    with database.read() as db:
        assert staff_report.technician_report(db, supervisor, TODAY.year - 1)[0].procedures == 0
