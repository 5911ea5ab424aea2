"""The administrator's lists: devices corrected and retired, tips fitted, corrected and
retired, the clinic's import profiles replaced and retired. Nothing is deleted; what is
retired stays in the records, is not offered any more, and sessions keep showing it."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from devices.importing import profile_library
from models.clinic import device_register, device_upkeep, stored_profiles
from models.errors import NotAllowed, ValidationFailed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.records.equipment import Device, DeviceTip
from models.values.session_input import AreaInput
from models.values.vocabulary import LogKind
from tests.devices.importing.test_profile_library import CLINIC_PROFILE
from tests.models.helpers import session_entry

NECK = AreaInput("neck", {"fluence_j_cm2": 18.0}, 400, 1)


def last_event(database) -> AuditEvent:
    with database.read() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        db.expunge(event)
    return event


def test_a_device_is_corrected_with_every_problem_said_at_once(database, admin,
                                                               register_device):
    device = register_device(make="Acme", model="Lumo", serial="SN-A")
    register_device(serial="SN-B")
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        device_register.edit_device(db, admin, device.id, make=" ", model="", serial="SN-B",
                                    kind="x-ray")
    assert set(refused.value.problems) == {"make", "model", "serial", "kind"}
    with pytest.raises(ValidationFailed, match="Nothing was changed"), database.write() as db:
        device_register.edit_device(db, admin, device.id, make="Acme", model="Lumo",
                                    serial="SN-A", kind="laser")
    with database.write() as db:
        row = device_register.edit_device(db, admin, device.id, make="Acme", model="Lumo 2",
                                          serial="SN-A", kind="ipl")
    assert (row.model, row.kind) == ("Lumo 2", "ipl")
    event = last_event(database)
    assert (event.action, json.loads(event.old_values), json.loads(event.new_values)) == (
        "device.edit", {"model": "Lumo", "kind": "laser"}, {"model": "Lumo 2", "kind": "ipl"})


def test_a_retired_device_stays_in_its_sessions_and_is_not_offered(
        database, admin, technician, register_device, register_patient, logged_session):
    device, other = register_device(serial="SN-OLD"), register_device(serial="SN-NEW")
    session = logged_session(register_patient(technician), session_entry(device, NECK,
                                                                          days_ago=1))
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        device_register.retire_device(db, admin, device.id, " ")
    assert set(refused.value.problems) == {"reason"}
    with database.write() as db:
        device_register.retire_device(db, admin, device.id, "sold")
    assert (last_event(database).action, last_event(database).reason) == ("device.retire",
                                                                          "sold")
    with database.read() as db:
        offered = device_register.list_devices(db)
        listed = device_register.register(db, admin)
        shown = history.load_session(db, session.summary.id)
    assert [d.id for d in offered] == [other.id]
    assert [(d.device.serial, d.state) for d in listed] == [("SN-NEW", "In use"),
                                                           ("SN-OLD", "Retired")]
    assert shown.device.serial == "SN-OLD"
    with pytest.raises(ValidationFailed, match="retired already"), database.write() as db:
        device_register.retire_device(db, admin, device.id, "sold")
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        device_upkeep.fit_tip(db, admin, device.id, "Tip", 1000)
    assert set(refused.value.problems) == {"device"}
    with pytest.raises(Exception, match="never"), database.write() as db:
        db.execute(delete(Device).where(Device.id == device.id))
    with pytest.raises(NotAllowed), database.write() as db:
        device_register.retire_device(db, technician, other.id, "not mine to retire")


def test_the_register_shows_each_device_s_tip_and_last_verification(
        database, admin, technician, register_device):
    device, other = register_device(make="Acme"), register_device(make="Zeta")
    with database.write() as db:
        device_upkeep.fit_tip(db, admin, device.id, "Tip 10 mm", 10_000)
        device_upkeep.log_device(db, technician, device.id, LogKind.VERIFICATION_PASSED)
        device_upkeep.log_device(db, technician, device.id, LogKind.VERIFICATION_FAILED,
                                 "aiming beam off")
        device_upkeep.log_device(db, technician, device.id, LogKind.FAULT, "fan noisy")
    with database.read() as db:
        first, second = device_register.register(db, admin)
    assert first.device.id == device.id and first.tip == "Tip 10 mm"
    assert (first.last_verification.kind, first.last_verification.note,
            first.last_verification.logged_by) == ("failed", "aiming beam off", "Tess Tech")
    assert (second.device.id, second.tip, second.last_verification) == (other.id, None, None)


def test_tips_are_listed_replaced_corrected_and_retired_never_deleted(
        database, admin, technician, register_device, register_patient, logged_session):
    device = register_device()
    with database.write() as db:
        device_upkeep.fit_tip(db, admin, device.id, "Tip A", 1000)
    logged_session(register_patient(technician), session_entry(device, NECK, days_ago=0))
    with database.write() as db:
        tip = db.scalar(select(DeviceTip))
        tip.fitted_at -= timedelta(days=1)  # Tip A fitted yesterday, before the session
        device_upkeep.fit_tip(db, admin, device.id, "Tip B", 2000)  # replaces it
    with database.read() as db:
        tip_b, tip_a = device_upkeep.list_tips(db, admin)
    assert (tip_a.name, tip_a.pulses, tip_a.retired, tip_a.state.split()[0]) == (
        "Tip A", 400, False, "Replaced")
    assert (tip_b.name, tip_b.pulses, tip_b.state) == ("Tip B", 0, "Fitted now")

    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        device_upkeep.edit_tip(db, admin, tip_b.id, "", 0)
    assert set(refused.value.problems) == {"name", "rated_pulses"}
    with database.write() as db:
        device_upkeep.edit_tip(db, admin, tip_b.id, "Tip B 15 mm", 2500)
    assert last_event(database).action == "device.tip_edit"

    with pytest.raises(ValidationFailed, match="no longer fitted"), database.write() as db:
        device_upkeep.retire_tip(db, admin, tip_a.id, "worn")
    with database.write() as db:
        device_upkeep.retire_tip(db, admin, tip_b.id, "cracked lens")
    with database.read() as db:
        care = device_upkeep.device_care(db, technician, device.id)
        tip_b, tip_a = device_upkeep.list_tips(db, admin)
        (registered,) = device_register.register(db, admin)
    assert care.tip is None and registered.tip is None
    assert (tip_b.name, tip_b.rated_pulses, tip_b.retired) == ("Tip B 15 mm", 2500, True)
    assert tip_b.state.startswith("Retired ")
    assert (last_event(database).action, last_event(database).reason) == (
        "device.tip_retire", "cracked lens")
    with pytest.raises(Exception, match="never"), database.write() as db:
        db.execute(delete(DeviceTip))


def test_a_clinic_profile_is_replaced_and_retired_and_stays_listed(database, admin,
                                                                   tmp_path):
    path = tmp_path / "glowtek-g2.toml"
    path.write_text(CLINIC_PROFILE, encoding="utf-8")
    profile_library.add_profile(database, admin, path)
    newer = tmp_path / "g2 firmware 3.toml"
    newer.write_text(CLINIC_PROFILE.replace("Glowtek G2, CSV export", "Glowtek G2 fw3"),
                     encoding="utf-8")
    profile = profile_library.replace_profile(database, admin, "glowtek-g2", newer)
    assert (profile.name, profile.title) == ("glowtek-g2", "Glowtek G2 fw3")
    assert last_event(database).action == "profile.replace"
    with pytest.raises(ValidationFailed, match="as it is already"):
        profile_library.replace_profile(database, admin, "glowtek-g2", newer)
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 3", encoding="utf-8")
    with pytest.raises(Exception, match="Import profile 'broken'"):
        profile_library.replace_profile(database, admin, "glowtek-g2", broken)

    with database.write() as db:
        stored_profiles.retire_profile(db, admin, "glowtek-g2")
    with database.read() as db:
        listed = profile_library.list_profiles(db, admin)
        in_use = profile_library.clinic_profiles(db)
    own = listed[0]
    assert (own.name, own.title, own.format, own.origin, own.state) == (
        "glowtek-g2", "Glowtek G2 fw3", "CSV", "Added by Ada Admin", "Retired")
    assert all(p.origin == "Shipped with LaserLog" for p in listed[1:]) and len(listed) > 1
    assert "glowtek-g2" not in in_use
