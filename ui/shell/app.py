"""Starting the GUI: the sign-in shown at once, the database opened behind it (or another
picked when it cannot be), then the main window.

Nothing the sign-in does not need is loaded before it shows: SQLAlchemy, the schema check and
the main window's modules load on a thread of their own while the password is typed
(``ui.shell.opening``).
"""

import logging
import sys
import time
from importlib.resources import files
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog

import resources
from models.errors import DatabaseUnavailable
from models.storage.preferences import Settings, resolve_url, url_shown
from ui.language.setup import install_language
from ui.shell.opening import Opening
from ui.shell.sign_in_dialogs import FirstAdminDialog, LoginDialog
from ui.widgets.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from models.storage.database import Database
    from models.values.rows import Actor
    from ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)
OPENING_POLL_MS = 10


def make_application(guard_wheel: bool = True) -> QApplication:
    """The application, set up as every LaserLog window expects (the GUI tests use it too).

    ``guard_wheel`` False: the wheel guard is left for ``install_wheel_guard`` later (an
    application-wide event filter in Python has every event of the first window cross into
    Python, which costs the sign-in a fifth of its start; the sign-in has nothing to guard).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # widgets (and style sheets) need a QApplication
    app.setApplicationName("LaserLog")
    app.setOrganizationName("LaserLog")
    QDir.addSearchPath("laserlog", str(files(resources)))  # the style sheet's url(laserlog:…)
    app.setStyleSheet(resources.read_text("style.qss"))
    if guard_wheel:
        install_wheel_guard(app)
    return app


def open_behind(sign_in: LoginDialog, url: str, settings: Settings, explicit: bool
                ) -> "tuple[Database, bool] | None":
    """Open ``url`` while ``sign_in`` is shown (and typed into); on failure say why and offer
    another until one opens or the user quits. Returns the database and whether it has no
    user yet.

    A database picked here is remembered in the settings when none was given explicitly.
    """
    guarded = False
    while True:
        opening = Opening(url)
        opening.start()
        _wait_for(opening)
        if not guarded:  # before any window that has something to guard
            app = QApplication.instance()
            assert isinstance(app, QApplication)  # the sign-in is shown in it
            install_wheel_guard(app)
            guarded = True
        if isinstance(opening.error, DatabaseUnavailable):
            from ui.shell.database_dialog import DatabaseDialog

            sign_in.hide()
            dialog = DatabaseDialog(str(opening.error), url)
            if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.url:
                return None
            url = dialog.url
            sign_in.show_url(url_shown(url))
            sign_in.show()
            continue
        if opening.error is not None:
            raise opening.error
        assert opening.database is not None  # opened, since nothing failed
        if not explicit and url != resolve_url(None, settings=settings):
            settings.database_url = url
            settings.save()
        return opening.database, opening.empty


def _wait_for(opening: Opening) -> None:
    """Handle the GUI's events (the sign-in is typed into) until ``opening`` is done."""
    loop = QEventLoop()
    watch = QTimer(interval=OPENING_POLL_MS)
    watch.timeout.connect(lambda: loop.quit() if opening.done else None)
    watch.start()
    loop.exec()
    watch.stop()
    opening.wait()


def open_main_window(database: "Database", actor: "Actor", settings: Settings
                     ) -> "MainWindow":
    """Show the main window; when someone takes over at the lock screen, theirs replaces it."""
    from PySide6.QtCore import Qt  # its namespace is slow to load: not before the sign-in

    from ui.shell.main_window import MainWindow

    window = MainWindow(database, actor, settings)
    window.taken_over.connect(lambda other: open_main_window(database, other, settings))
    window.signed_out.connect(lambda: sign_in_next(database, settings))
    _open_windows.add(window)
    window.destroyed.connect(lambda: _open_windows.discard(window))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window


_open_windows: "set[MainWindow]" = set()  # top-level windows live as long as they are open


def sign_in_next(database: "Database", settings: Settings) -> None:
    """After File > Sign out: the sign-in for the next person, once the window has closed;
    cancelling it quits LaserLog."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)  # windows exist only inside the application
    app.setQuitOnLastWindowClosed(False)  # the window closing now is not the last one
    QTimer.singleShot(0, lambda: _ask_who_is_next(app, database, settings))


def _ask_who_is_next(app: QApplication, database: "Database", settings: Settings) -> None:
    install_language(app, settings.language)  # a language chosen meanwhile applies now
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
    app = make_application(guard_wheel=False)  # guarded once the sign-in is up, below
    settings = Settings.load()
    install_language(app, settings.language)
    url = resolve_url(cli_url, settings=settings)
    explicit = bool(cli_url) or url != resolve_url(None, environ={}, settings=settings)
    sign_in = LoginDialog(None, url_shown=url_shown(url))
    sign_in.show()
    if startup_probe:
        _probe_sign_in(sign_in)
    opened = open_behind(sign_in, url, settings, explicit)
    if opened is None:
        return 1
    database, empty = opened
    try:
        actor = _signed_in(sign_in, database, empty)
        if actor is None:
            return 0
        window = open_main_window(database, actor, settings)
        if startup_probe:
            _report_when_filled(window)
        return app.exec()
    finally:
        database.dispose()


def _signed_in(sign_in: LoginDialog, database: "Database", empty: bool) -> "Actor | None":
    """Who signed in (on a database with no user, the first administrator, just created);
    None when the sign-in was closed."""
    if empty:
        sign_in.close()
        first = FirstAdminDialog(database)
        first.exec()
        return first.actor
    was_closed = not sign_in.isVisible()  # while the database was opening
    sign_in.database_opened(database)  # signs in now if Sign in was pressed meanwhile
    if sign_in.actor is None and not was_closed:
        sign_in.exec()
    return sign_in.actor


# --- the start-up probe (``bench startup``, ``bench loop``) -------------------------------------
def _probe_sign_in(sign_in: LoginDialog) -> None:
    """Fill in the sign-in from stdin (user name, password) once the database is open;
    print ``signin <time>`` when the dialog is shown, ``ready <time>`` when the database is
    open (and the main window's modules loaded) and ``accepted <time>`` once the password
    has been checked."""
    def shown() -> None:
        print(f"signin {time.perf_counter()}", flush=True)

    def fill_in() -> None:
        if sign_in.database is None:
            QTimer.singleShot(1, fill_in)
            return
        print(f"ready {time.perf_counter()}", flush=True)
        sign_in.username.setText(sys.stdin.readline().strip())
        sign_in.password.setText(sys.stdin.readline().strip())
        sign_in.sign_in()
        if sign_in.actor is None:
            print(f"startup probe: not signed in ({sign_in.error.text()})", file=sys.stderr)
            sign_in.reject()
            return
        print(f"accepted {time.perf_counter()}", flush=True)

    QTimer.singleShot(0, shown)
    QTimer.singleShot(0, fill_in)


def _report_when_filled(window: "MainWindow") -> None:
    """Print ``shown <time>`` once the window is painted with its first screen filled (every
    read it asked for delivered), then close it."""
    def check() -> None:
        if not window.tasks.idle():
            QTimer.singleShot(1, check)
            return
        window.repaint()
        print(f"shown {time.perf_counter()}", flush=True)
        window.close()

    QTimer.singleShot(0, check)
