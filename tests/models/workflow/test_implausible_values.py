"""No value that is not a finite number in its range reaches a signed record, by any path:
the operations check NaN, infinities and ranges themselves, not only the form."""

from datetime import UTC, datetime

import pytest

from models.errors import ValidationFailed
from models.reading import history
from models.values.session_input import AreaInput
from models.workflow import patch_tests, session_logging
from tests.models.helpers import TODAY, session_entry


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 1e400, 1e9])
def test_a_setting_that_is_not_a_plausible_number_is_never_signed(database, technician,
                                                                  device, draft, value,
                                                                  signature_of):
    signature = signature_of(technician)
    entry = session_entry(device, AreaInput("neck", {"fluence_j_cm2": value}, 100, 1))
    with pytest.raises(ValidationFailed, match="Fluence must be"), database.write() as db:
        session_logging.complete_session(db, technician, draft.summary.id, entry, signature)
    with database.write() as db:  # a draft keeps the wrong value out until corrected
        session_logging.update_draft(db, technician, draft.summary.id, entry)
    with database.read() as db:
        saved = history.load_session(db, draft.summary.id)
    assert saved.summary.status == "draft"
    assert all(a.settings.get("fluence_j_cm2") is None for a in saved.areas)


def test_a_session_dated_year_one_is_refused(database, technician, device, draft,
                                             signature_of):
    signature = signature_of(technician)
    entry = session_entry(device, AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1),
                          started_at=datetime(1, 1, 2, tzinfo=UTC))
    with pytest.raises(ValidationFailed, match="cannot start before 1990"), \
            database.write() as db:
        session_logging.complete_session(db, technician, draft.summary.id, entry, signature)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -3.0])
def test_a_test_patch_at_an_implausible_setting_is_refused(database, technician, device,
                                                          patient, value):
    with pytest.raises(ValidationFailed, match="Fluence must be"), database.write() as db:
        patch_tests.record_test_patch(db, technician, patient.id, device.id, "neck", TODAY,
                                      value, None, 2)
