"""A technician opening their own draft in the History (one File > Import device file made,
say) carries on with it on the Log session form, not in the read-only view."""

from PySide6.QtCore import Qt

from models.clinic import patients
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, SessionInput
from models.workflow import session_logging
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow


def test_enter_on_an_own_draft_in_the_history_resumes_it_on_the_form(qtbot, database,
                                                                     technician, device):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="H-1", full_name="Hal Import",
                                       date_of_birth=None, fitzpatrick=3)
        draft = session_logging.create_draft(  # as a device file's import makes them
            db, technician, patient.id,
            SessionInput(device_id=device.id, areas=(AreaInput("neck"),), notes="imported"))
    messages = RecordedMessages()
    window = MainWindow(database, technician, Settings(room="Room 4", autosave_seconds=0.2),
                        messages)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.drafts_dialog is not None
                    and window.drafts_dialog.isVisible(), timeout=10_000)
    qtbot.keyClick(window.drafts_dialog.table, Qt.Key.Key_Escape)  # not now

    history = window.history
    window.tabs.setCurrentWidget(history)
    qtbot.waitUntil(lambda: history.model.summary_at(0) is not None, timeout=10_000)
    assert history.model.summary_at(0).id == draft.summary.id
    history.table.setFocus()
    history.table.setCurrentIndex(history.model.index(0, 0))
    qtbot.keyClick(history.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.form.draft_id == draft.summary.id, timeout=10_000)
    assert window.tabs.currentWidget() is window.form
    assert window.form.notes.toPlainText() == "imported"
    assert history.dialog is None  # no read-only view opened
    window.close()
    assert messages.shown == []
