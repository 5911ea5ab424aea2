"""Starting the GUI: open the database (or let the user pick another), sign in, show the window."""

import logging
import sys
import time
from importlib.resources import files

from PySide6.QtCore import QDir, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

import resources
from models.access import accounts
from models.errors import DatabaseUnavailable
from models.storage import schema
from models.storage.database import Database, resolve_url
from models.storage.preferences import Settings
from models.values.rows import Actor
from ui.shell.database_dialog import DatabaseDialog
from ui.shell.main_window import MainWindow
from ui.shell.sign_in_dialogs import FirstAdminDialog, LoginDialog
from ui.widgets.wheel_guard import install_wheel_guard

log = logging.getLogger(__name__)


def make_application() -> QApplication:
    """The application, set up as every LaserLog window expects (the GUI tests use it too)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # widgets (and style sheets) need a QApplication
    app.setApplicationName("LaserLog")
    app.setOrganizationName("LaserLog")
    QDir.addSearchPath("laserlog", str(files(resources)))  # the style sheet's url(laserlog:…)
    app.setStyleSheet(resources.read_text("style.qss"))
    install_wheel_guard(app)
    return app


def open_with_recovery(url: str, settings: Settings, explicit: bool) -> Database | None:
    """Open ``url``; on failure say why and offer another until one opens or the user quits.

    A database picked here is remembered in the settings when none was given explicitly.
    """
    while True:
        try:
            database, _backup = schema.open_current(url)
        except DatabaseUnavailable as error:
            dialog = DatabaseDialog(str(error), url)
            if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.url:
                return None
            url = dialog.url
            continue
        if not explicit and url != resolve_url(None, settings=settings):
            settings.database_url = url
            settings.save()
        return database


def open_main_window(database: Database, actor: Actor, settings: Settings) -> MainWindow:
    """Show the main window; when someone takes over at the lock screen, theirs replaces it."""
    window = MainWindow(database, actor, settings)
    window.taken_over.connect(lambda other: open_main_window(database, other, settings))
    window.signed_out.connect(lambda: sign_in_next(database, settings))
    _open_windows.add(window)
    window.destroyed.connect(lambda: _open_windows.discard(window))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window


_open_windows: set[MainWindow] = set()  # top-level windows live as long as they are open


def sign_in_next(database: Database, settings: Settings) -> None:
    """After File > Sign out: the sign-in for the next person, once the window has closed;
    cancelling it quits LaserLog."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)  # windows exist only inside the application
    app.setQuitOnLastWindowClosed(False)  # the window closing now is not the last one
    QTimer.singleShot(0, lambda: _ask_who_is_next(app, database, settings))


def _ask_who_is_next(app: QApplication, database: Database, settings: Settings) -> None:
    dialog = LoginDialog(database)
    actor = None
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            actor = dialog.actor
        if actor is not None:
            open_main_window(database, actor, settings)
    finally:
        app.setQuitOnLastWindowClosed(True)
        dialog.deleteLater()
    if actor is None:
        app.quit()


def run_app(cli_url: str | None, startup_probe: bool = False) -> int:
    app = make_application()
    settings = Settings.load()
    url = resolve_url(cli_url, settings=settings)
    explicit = bool(cli_url) or url != resolve_url(None, environ={}, settings=settings)
    database = open_with_recovery(url, settings, explicit)
    if database is None:
        return 1
    if startup_probe:
        username, password = sys.stdin.readline().strip(), sys.stdin.readline().strip()
        actor = accounts.sign_in(database, username, password)
    else:
        with database.read() as db:
            empty = accounts.count_users(db) == 0
        dialog = FirstAdminDialog(database) if empty else LoginDialog(database)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
            return 0
        actor = dialog.actor
    window = open_main_window(database, actor, settings)
    if startup_probe:
        def report_shown() -> None:
            print(f"shown {time.perf_counter()}", flush=True)
            window.close()
        QTimer.singleShot(0, report_shown)
    status = app.exec()
    database.dispose()
    return status
