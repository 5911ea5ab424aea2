"""Every unfinished session of the technician is offered at the start, not only the newest:
the arrows pick one, Enter resumes it, Void asks the reason, Escape keeps them all."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from models.clinic import patients
from models.reading import history
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, SessionInput
from models.values.vocabulary import SessionStatus
from models.workflow import session_logging
from tests.ui.conftest import RecordedMessages
from ui.records.supervisor_actions import ReasonDialog
from ui.shell.main_window import MainWindow
from ui.shell.open_drafts_dialog import OpenDraftsDialog

NAMES = ("Ann Early", "Ben Middle", "Cat Latest")  # started (and saved) in this order


@pytest.fixture
def drafts(database, technician, device):
    """Three drafts of Tess's, one per patient, the last saved most recently."""
    made = []
    with database.write() as db:
        for number, name in enumerate(NAMES, 1):
            patient = patients.add_patient(db, technician, identifier=f"D-{number}",
                                           full_name=name, date_of_birth=None, fitzpatrick=2)
            areas = (AreaInput("neck"),) if number == 2 else ()
            made.append(session_logging.start_draft(db, technician, patient.id,
                                                    SessionInput(areas=areas)))
    for draft in made:  # saved one after the other: the newest save last
        with database.write() as db:
            session_logging.update_draft(db, technician, draft.summary.id,
                                         SessionInput(notes=f"notes of {draft.patient.full_name}",
                                                      areas=(AreaInput("neck"),)
                                                      if draft.areas else ()))
    return made


@pytest.fixture
def opened(qtbot, database, technician, drafts):
    """The window as it starts for Tess: its Unfinished sessions dialog showing."""
    messages = RecordedMessages()
    main = MainWindow(database, technician, Settings(room="Room 4", autosave_seconds=0.2),
                      messages)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: isinstance(getattr(main, "drafts_dialog", None), OpenDraftsDialog)
                    and main.drafts_dialog.isVisible(), timeout=10_000)
    yield main, main.drafts_dialog
    main.close()
    assert messages.shown == []


def _listed(dialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(row, column).text() for column in range(table.columnCount())]
            for row in range(table.rowCount())]


def _status(database, draft):
    with database.read() as db:
        return history.load_session(db, draft.summary.id)


def test_every_open_draft_is_listed_most_recently_saved_first(opened):
    _window, dialog = opened
    rows = _listed(dialog)
    assert [row[0] for row in rows] == ["Cat Latest (D-3)", "Ben Middle (D-2)",
                                        "Ann Early (D-1)"]
    assert rows[1][3] == "Neck" and rows[0][3] == "none yet"
    assert all(row[1] for row in rows)  # when each started
    assert all(row[2] not in ("", "–") for row in rows)  # and was last saved
    assert "3 unfinished sessions" in dialog.intro.text()
    assert dialog.table.hasFocus() and dialog.table.currentRow() == 0


def test_the_arrows_pick_and_enter_resumes_on_the_form(qtbot, opened, drafts):
    window, dialog = opened
    window.tabs.setCurrentWidget(window.history)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    ben = drafts[1]
    qtbot.waitUntil(lambda: window.form.draft_id == ben.summary.id, timeout=10_000)
    assert not dialog.isVisible()
    assert window.tabs.currentWidget() is window.form
    assert window.form.notes.toPlainText() == "notes of Ben Middle"


def test_escape_closes_and_every_draft_stays(qtbot, opened, database, drafts):
    window, dialog = opened
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert window.form.draft_id is None
    assert all(_status(database, d).summary.status == SessionStatus.DRAFT for d in drafts)


def _answer_reason(qtbot, answers: list[str]) -> QTimer:
    """Type each answer in turn into the reason dialog (it runs its own event loop) and press
    Enter; an empty answer presses Enter on the empty field."""
    poll = QTimer(interval=20)
    seen: list[str] = []

    def look() -> None:
        asked = QApplication.activeModalWidget()
        if not isinstance(asked, ReasonDialog) or not answers:
            return
        answer = answers.pop(0)
        asked.reason.clear()
        qtbot.keyClicks(asked.reason, answer)
        qtbot.keyClick(asked.reason, Qt.Key.Key_Return)
        seen.append(asked.error.text())

    poll.timeout.connect(look)
    poll.start()
    poll.seen = seen
    return poll


def test_void_asks_a_reason_and_the_draft_leaves_the_list(qtbot, opened, database, drafts):
    window, dialog = opened
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # Ben
    poll = _answer_reason(qtbot, ["", "Started for the wrong patient"])
    qtbot.mouseClick(dialog.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    poll.stop()
    assert poll.seen[0] == "Give the reason"  # the empty reason was refused first
    assert [row[0] for row in _listed(dialog)] == ["Cat Latest (D-3)", "Ann Early (D-1)"]
    voided = _status(database, drafts[1])
    assert voided.summary.status == SessionStatus.VOIDED
    assert voided.void_reason == "Started for the wrong patient"
    assert _status(database, drafts[0]).summary.status == SessionStatus.DRAFT
    assert dialog.isVisible() and window.form.draft_id is None


def test_the_file_menu_lists_the_drafts_not_on_the_form(qtbot, opened, drafts):
    window, dialog = opened
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Cat, the newest
    qtbot.waitUntil(lambda: window.form.draft_id == drafts[2].summary.id, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_U,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.drafts_dialog is not dialog
                    and window.drafts_dialog.isVisible(), timeout=10_000)
    assert [row[0] for row in _listed(window.drafts_dialog)] == ["Ben Middle (D-2)",
                                                                 "Ann Early (D-1)"]
    qtbot.keyClick(window.drafts_dialog.table, Qt.Key.Key_Escape)
