"""An idle window hides patient data behind a lock screen; nothing typed is lost."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from models.access import accounts
from models.reading import history
from tests.conftest import ADMIN_PASSWORD
from tests.ui.session.test_session_form import register_patient


def lock_after_typing(qtbot, window):
    form = window.form
    register_patient(qtbot, form, identifier="I-1", name="Iris Idle")
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    qtbot.keyClicks(form.notes, "Half-typed note")
    window.idle.setInterval(300)
    window.idle.start()
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)
    return form


def test_the_idle_window_locks_and_the_same_user_unlocks_with_nothing_lost(
        qtbot, window, database):
    form = lock_after_typing(qtbot, window)
    assert not window.tabs.isVisible() and window.lock_screen.isVisible()
    shown = [w.text() for w in window.findChildren(QLabel) + window.findChildren(QLineEdit)
             if w.isVisible()]
    assert shown and not any("Iris" in text or "I-1" in text for text in shown)
    qtbot.waitUntil(lambda: _stored_notes(database, form.draft_id) == "Half-typed note",
                    timeout=10_000)  # saved as it locked

    qtbot.keyClicks(window.lock_screen.password, "wrong password")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong user name or password" in window.lock_screen.error.text(),
                    timeout=10_000)
    assert window.locked
    window.lock_screen.password.clear()
    qtbot.keyClicks(window.lock_screen.password, ADMIN_PASSWORD)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert window.tabs.isVisible() and form.notes.toPlainText() == "Half-typed note"


def test_another_user_takes_over_after_the_draft_is_saved(qtbot, window, database, admin):
    with database.write() as db:
        other = accounts.create_user(db, username="tom", full_name="Tom Two", role="technician",
                                     password="tom-password", created_by=admin)
    form = lock_after_typing(qtbot, window)
    draft_id = form.draft_id
    window.lock_screen.username.setText("tom")
    qtbot.keyClicks(window.lock_screen.password, "tom-password")
    with qtbot.waitSignal(window.taken_over, timeout=10_000) as taken:
        qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert taken.args[0].id == other.id
    assert _stored_notes(database, draft_id) == "Half-typed note"


def _stored_notes(database, session_id):
    with database.read() as db:
        return history.load_session(db, session_id).notes


def test_typing_keeps_the_window_from_locking(qtbot, window):
    form = window.form
    window.idle.setInterval(400)
    window.idle.start()
    for _ in range(8):  # 0.8 s of typing, each key within the idle time of the last
        qtbot.wait(100)
        qtbot.keyClicks(form.notes, "a")
    assert not window.locked and form.notes.toPlainText().endswith("aaaaaaaa")
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)  # and once the typing stops, it locks


def test_a_closed_window_no_longer_restarts_its_idle_clock(qtbot, window):
    window.close()
    other = QLineEdit()  # input anywhere else in the application, after the window closed
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClicks(other, "later")
    assert not window.idle.isActive()
    window.close()  # closing again is harmless
