"""File > Lock now (Ctrl+L) and File > Sign out (Ctrl+Shift+L): a technician leaving the room
locks the screen at once, or signs out so that the next person signs in on the same PC."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu
from sqlalchemy import select

from models.records.audit_events import AuditEvent
from models.storage.preferences import Settings
from models.workflow import session_logging
from tests.conftest import ADMIN_PASSWORD
from tests.ui.shell.test_idle_lock import _stored_notes
from ui.shell import app as app_module
from ui.shell.main_window import MainWindow
from ui.shell.sign_in_dialogs import LoginDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _press(qtbot, window, key, modifiers) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, key, modifiers)


def _file_menu_items(window) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    return [f"{a.text()}\t{a.shortcut().toString()}" for a in menu.actions()
            if not a.isSeparator()]


def _last_events(database, count):
    with database.read() as db:
        return list(db.scalars(select(AuditEvent.action)
                               .order_by(AuditEvent.seq.desc()).limit(count)))


def test_the_file_menu_offers_lock_and_sign_out_each_with_its_own_shortcut(window):
    items = _file_menu_items(window)
    assert "&Lock now\tCtrl+L" in items and "Sign &out\tCtrl+Shift+L" in items
    shortcuts = [a.shortcut().toString() for a in window.findChildren(type(
        window.menuBar().actions()[0])) if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts))  # no two actions share a shortcut


def test_ctrl_l_locks_the_window_at_once(qtbot, window):
    _press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked and window.lock_screen.isVisible() and not window.tabs.isVisible()


def test_sign_out_saves_the_draft_records_it_and_closes(qtbot, window, database, technician):
    with database.write() as db:
        from models.clinic import patients

        patient = patients.add_patient(db, technician, identifier="S-1", full_name="Sue Out",
                                       date_of_birth=None, fitzpatrick=2)
        draft = session_logging.start_draft(db, technician, patient.id)
    window.form.resume_draft(draft)
    qtbot.keyClicks(window.form.notes, "Typed just before signing out")
    with qtbot.waitSignal(window.signed_out, timeout=10_000):
        _press(qtbot, window, Qt.Key.Key_L, CTRL_SHIFT)
    assert not window.isVisible()
    qtbot.waitUntil(lambda: _stored_notes(database, draft.summary.id) ==
                    "Typed just before signing out", timeout=10_000)
    assert _last_events(database, 1) == ["logout"]


@pytest.fixture
def quits(monkeypatch) -> list[bool]:
    """LaserLog quitting, recorded rather than done (the test run goes on)."""
    quit_calls: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *_args: quit_calls.append(True))
    return quit_calls


def _when_sign_in_shows(qtbot, answer) -> QTimer:
    """Run ``answer(dialog)`` once the sign-in dialog is up (it runs its own event loop)."""
    poll = QTimer(interval=20)

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LoginDialog):
            poll.stop()
            answer(dialog)

    poll.timeout.connect(look)
    poll.start()
    return poll


@pytest.fixture
def app_windows():
    """The windows ``open_main_window`` opens in a test; those still open are closed after."""
    yield app_module._open_windows
    for window in list(app_module._open_windows):
        window.close()


def _signed_in_window(qtbot, database, actor) -> MainWindow:
    window = app_module.open_main_window(database, actor, Settings(room="Room 4"))
    qtbot.waitExposed(window)
    return window


def test_after_sign_out_the_next_person_signs_in(qtbot, database, technician, supervisor,
                                                 quits, app_windows):
    first = _signed_in_window(qtbot, database, technician)

    def sam_signs_in(dialog: LoginDialog) -> None:
        qtbot.keyClicks(dialog.username, "sam")
        qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    poll = _when_sign_in_shows(qtbot, sam_signs_in)
    _press(qtbot, first, Qt.Key.Key_L, CTRL_SHIFT)
    qtbot.waitUntil(lambda: [w.actor.id for w in app_windows] == [supervisor.id],
                    timeout=10_000)  # Tess's window has gone, Sam's is open
    poll.stop()
    assert next(iter(app_windows)).isVisible() and first not in app_windows
    assert _last_events(database, 2) == ["login", "logout"]  # newest first: Sam after Tess
    assert quits == [] and QApplication.quitOnLastWindowClosed()


def test_cancelling_the_next_sign_in_quits(qtbot, database, technician, quits, app_windows):
    first = _signed_in_window(qtbot, database, technician)
    poll = _when_sign_in_shows(
        qtbot, lambda dialog: qtbot.keyClick(dialog.username, Qt.Key.Key_Escape))
    _press(qtbot, first, Qt.Key.Key_L, CTRL_SHIFT)
    qtbot.waitUntil(lambda: quits == [True], timeout=10_000)
    poll.stop()
    assert first not in app_windows and not app_windows
    assert QApplication.quitOnLastWindowClosed()
