"""Test-patch rules as an administrator keeps them: listed, corrected, retired (a retired
rule no longer applies and stays on record), never deleted."""

from datetime import date

import pytest
from sqlalchemy import delete

from models.clinic import device_register
from models.errors import ValidationFailed
from models.records.patient_plans import TestPatchRule
from models.workflow import patch_tests


def test_a_rule_is_listed_corrected_and_retired_and_then_no_longer_applies(
        database, admin, technician, register_device, register_patient):
    device, other = register_device(serial="SN-1"), register_device(serial="SN-2")
    patient = register_patient(technician)
    with database.write() as db:
        patch_tests.require_test_patch(db, admin, device.id, None)
    with pytest.raises(ValidationFailed, match="in force already"), database.write() as db:
        patch_tests.require_test_patch(db, admin, device.id, None)
    with database.read() as db:
        (rule,) = patch_tests.list_rules(db, admin)
        assert list(patch_tests.patches_missing(db, patient.id, device.id, ["neck"],
                                                date.today())) == ["neck"]
    assert (rule.describe(), rule.created_by, rule.state) == (
        "Acme Lumo (SN-1), any area", "Ada Admin", "In force")

    with pytest.raises(ValidationFailed, match="Nothing was changed"), database.write() as db:
        patch_tests.edit_rule(db, admin, rule.id, device.id, None)
    with database.write() as db:
        patch_tests.edit_rule(db, admin, rule.id, other.id, "neck")
    with database.read() as db:
        assert patch_tests.patches_missing(db, patient.id, device.id, ["neck"],
                                           date.today()) == {}
        assert list(patch_tests.patches_missing(db, patient.id, other.id, ["neck", "hands"],
                                                date.today())) == ["neck"]

    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        patch_tests.retire_rule(db, admin, rule.id, "")
    assert set(refused.value.problems) == {"reason"}
    with database.write() as db:
        patch_tests.retire_rule(db, admin, rule.id, "the device's new tips need none")
    with database.read() as db:
        (rule,) = patch_tests.list_rules(db, admin)
        assert patch_tests.patches_missing(db, patient.id, other.id, ["neck"],
                                           date.today()) == {}
    assert (rule.describe(), rule.state) == ("Acme Lumo (SN-2), Neck", "Retired")
    with pytest.raises(ValidationFailed, match="retired"), database.write() as db:
        patch_tests.edit_rule(db, admin, rule.id, device.id, None)
    with pytest.raises(Exception, match="never"), database.write() as db:
        db.execute(delete(TestPatchRule))


def test_a_rule_names_a_device_in_use(database, admin, register_device):
    device = register_device()
    with database.write() as db:
        device_register.retire_device(db, admin, device.id, "sold")
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        patch_tests.require_test_patch(db, admin, device.id, "moon")
    assert refused.value.problems == {"rule": "Choose a device in use",
                                      "area": "Unknown treated area 'moon'"}
