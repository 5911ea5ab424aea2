"""On PostgreSQL a session completed at another workstation appears in an open history within
2 seconds, with no refresh pressed."""

import time

import pytest

from models.clinic import patients
from models.storage.database import open_database
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, SessionInput
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, SCREENED, complete, sign_consent
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow


def test_a_session_completed_in_another_room_appears_within_two_seconds(
        qtbot, database, database_url, supervisor, technician, device):
    if database.is_sqlite:
        pytest.skip("one SQLite file serves one workstation")
    window = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.listener.listening.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: "0 sessions found" in window.history.found.text(),
                    timeout=10_000)

    room_3 = open_database(database_url)  # another PC, its own connection
    try:
        with room_3.write() as db:
            patient = patients.add_patient(db, technician, identifier="L-9", full_name="Lee",
                                           date_of_birth=None, fitzpatrick=2)
            sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
            entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800,
                                 room="Room 3",
                                 areas=(AreaInput("neck", {"fluence_j_cm2": 25.0}, 50, 1),))
            draft = session_logging.start_draft(db, technician, patient.id, entry)
            complete(db, technician, draft.summary.id, entry)
        committed = time.monotonic()
        assert window.review.isVisible()  # the screen shown refreshes at once...
        qtbot.waitUntil(lambda: window.review.model.rowCount() == 1, timeout=2_000)
        assert time.monotonic() - committed < 2.0
        window.tabs.setCurrentWidget(window.history)  # ...the others when they are shown
        qtbot.waitUntil(lambda: window.history.model.rowCount() == 1, timeout=2_000)
    finally:
        room_3.dispose()
        window.close()
