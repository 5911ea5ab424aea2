"""Test patches: recorded, read no sooner than planned, and required by a rule before a
session with that device and area can be completed."""

from datetime import timedelta

import pytest
from sqlalchemy import delete

from models.errors import ValidationFailed
from models.records.patient_plans import TestPatch
from models.values.session_input import AreaInput
from models.values.vocabulary import PatchResult
from models.workflow import patch_tests
from tests.models.helpers import TODAY, session_entry

CHEEKS = AreaInput("cheeks", {"fluence_j_cm2": 18.0}, 90, 1)


@pytest.fixture
def clinic(database, admin, technician, register_device, register_patient):
    """A device that needs a test patch, another that does not, and a patient of type V."""
    device, other = register_device(), register_device()
    patient = register_patient(technician, fitzpatrick=5)
    with database.write() as db:
        patch_tests.require_test_patch(db, admin, device.id, None)
    return device, other, patient


def test_a_required_patch_stops_completion_until_read_without_reaction(
        database, technician, clinic, logged_session):
    device, other, patient = clinic
    with pytest.raises(ValidationFailed) as refused:
        logged_session(patient, session_entry(device, CHEEKS, days_ago=0))
    assert list(refused.value.problems) == ["areas.cheeks.test_patch"]
    unpatched = logged_session(patient, session_entry(other, CHEEKS, days_ago=0))
    assert unpatched.summary.status == "completed"

    with database.write() as db:
        patch = patch_tests.record_test_patch(db, technician, patient.id, device.id, None,
                                              TODAY - timedelta(days=3), 14.0, None, 2)
    with pytest.raises(ValidationFailed, match="needs a test patch"):
        logged_session(patient, session_entry(device, CHEEKS, days_ago=0))  # not read yet
    with pytest.raises(ValidationFailed) as early, database.write() as db:
        patch_tests.read_test_patch(db, technician, patch.id, TODAY - timedelta(days=2),
                                    PatchResult.NO_REACTION)
    assert early.value.problems["read_on"] == (
        f"Read it at least 2 days after it was done: on or after "
        f"{TODAY - timedelta(days=1):%Y-%m-%d}")
    with database.write() as db:
        read = patch_tests.read_test_patch(db, technician, patch.id, TODAY,
                                           PatchResult.NO_REACTION, "no erythema")
    assert "read " in read.describe() and "no reaction" in read.describe()
    patched = logged_session(patient, session_entry(device, CHEEKS, days_ago=0))
    assert patched.summary.status == "completed"


def test_a_patch_with_a_reaction_or_too_old_is_not_valid(database, technician, admin, clinic):
    device, _other, patient = clinic
    with database.write() as db:
        patch_tests.require_test_patch(db, admin, None, "neck")
        old = patch_tests.record_test_patch(db, technician, patient.id, device.id, "neck",
                                            TODAY - timedelta(days=400), 14.0, None, 2)
        patch_tests.read_test_patch(db, technician, old.id, TODAY - timedelta(days=398),
                                    PatchResult.NO_REACTION, today=TODAY)
        bad = patch_tests.record_test_patch(db, technician, patient.id, device.id, "neck",
                                            TODAY - timedelta(days=5), 16.0, None, 2)
        patch_tests.read_test_patch(db, technician, bad.id, TODAY - timedelta(days=2),
                                    PatchResult.REACTION)
        missing = patch_tests.patches_missing(db, patient.id, device.id, ["neck"], TODAY)
    assert list(missing) == ["neck"]


def test_patch_bad_input_is_named_and_patches_are_never_deleted(database, technician,
                                                                 clinic):
    device, _other, patient = clinic
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        patch_tests.record_test_patch(db, technician, patient.id, None, "ear",
                                      TODAY + timedelta(days=1), None, None, 0)
    assert set(refused.value.problems) == {"device", "area", "done_on", "read_after_days",
                                           "settings"}
    assert "future" in refused.value.problems["done_on"]
    with database.write() as db:
        patch_tests.record_test_patch(db, technician, patient.id, device.id, None, TODAY,
                                      None, 40.0, 1)
    with pytest.raises(Exception, match=r"never (changed or )?deleted"), \
            database.write() as db:
        db.execute(delete(TestPatch))
