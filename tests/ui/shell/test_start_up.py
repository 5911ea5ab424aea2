"""Start-up: the sign-in is shown before the database opens, and the main window builds only
the screen it shows first."""

import subprocess
import sys
from pathlib import Path

from models.storage.preferences import Settings
from tests.conftest import ADMIN_PASSWORD
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow
from ui.shell.opening import Opening
from ui.shell.sign_in_dialogs import LoginDialog

ROOT = Path(__file__).resolve().parents[3]


def test_sign_in_pressed_before_the_database_opens_signs_in_once_it_has(qtbot, database,
                                                                         technician):
    dialog = LoginDialog(None, url_shown="sqlite:///clinic.db")
    qtbot.addWidget(dialog)
    assert "sqlite:///clinic.db" in dialog.database_label.text()
    dialog.username.setText("tess")
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.sign_in()  # Enter, typed before the database is open
    assert dialog.actor is None and "Opening the database" in dialog.error.text()
    opening = Opening(database.url.render_as_string(hide_password=False))
    opening.start()
    qtbot.waitUntil(lambda: opening.done, timeout=30_000)
    assert opening.error is None and opening.database is not None and not opening.empty
    try:
        dialog.database_opened(opening.database)
        assert dialog.actor is not None and dialog.actor.id == technician.id
    finally:
        opening.database.dispose()


def test_a_database_that_cannot_open_is_said_not_raised():
    opening = Opening("sqlite:////no/such/folder/clinic.db")
    opening.start()
    opening.wait()
    assert opening.database is None and "does not exist" in str(opening.error)


def test_the_sign_in_loads_neither_sqlalchemy_nor_the_main_window():
    """What the sign-in needs, imported as ``main.py`` does before showing it: none of what
    the database or the main window need (they load behind it)."""
    script = ("import sys, main, ui.shell.app; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' "
              "or m in ('ui.shell.main_window', 'models.access.accounts')))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_screens_not_shown_are_built_when_first_shown(qtbot, database, technician):
    window = MainWindow(database, technician, Settings(room="Room 4"), RecordedMessages())
    qtbot.addWidget(window)
    window.show()
    assert window.tabs.currentWidget() is window.form
    assert window.tabs.has("history") and window.tabs.built("history") is None
    index = next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == "&History")
    window.tabs.setCurrentIndex(index)  # as Ctrl+number or a click on the tab does
    history = window.tabs.built("history")
    assert history is not None and window.tabs.widget(index) is history
    assert window.tabs.currentWidget() is history and window.history is history
    qtbot.waitUntil(lambda: "found, newest first" in history.found.text(), timeout=10_000)
    window.close()
