"""The main window: wires the Log session and History screens together, and its actions."""

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSettings, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from models.access import accounts
from models.access.audit_chain import AccountDisabled
from models.access.permissions import Action, may
from models.errors import LaserLogError
from models.reading import history
from models.storage.database import Database
from models.storage.preferences import Settings
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import Role
from models.workflow import session_logging
from ui.equipment.import_dialog import ImportDialog
from ui.language import tr
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.session.session_form import SessionForm
from ui.shell.lock_screen import LockScreen
from ui.shell.screen_tabs import ScreenTabs
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.wheel_guard import install_wheel_guard

if TYPE_CHECKING:  # each imported when first used: the screens not shown yet, pyqtgraph, psycopg
    from ui.admin.admin_view import AdminView
    from ui.oversight.charts_view import ChartsView
    from ui.oversight.due_courses_view import DueCoursesView
    from ui.oversight.incidents_view import IncidentsView
    from ui.oversight.review_queue_view import ReviewQueueView
    from ui.records.history_view import HistoryView
    from ui.shell.live_updates import SessionListener
    from ui.shell.open_drafts_dialog import OpenDraftsDialog

LIVE_REFRESH_MS = 300


class MainWindow(QMainWindow):
    """Signals:
    taken_over(object): another person signed in on the lock screen (their Actor).
    signed_out(): the user chose File > Sign out; the draft is saved, the sign-out recorded
        and the window is closing: the sign-in comes next.
    """

    taken_over = Signal(object)
    signed_out = Signal()

    def __init__(self, database: Database, actor: Actor, settings: Settings,
                 messages: Messages | None = None) -> None:
        super().__init__()
        self.messages = messages or Messages()
        self.actor, self.settings = actor, settings
        self.sign_out_recorded = False
        self.signing_out = False  # File > Sign out, rather than Quit
        self.setWindowTitle(tr("LaserLog – {name}").format(name=actor.full_name))
        self.tasks = TaskRunner(database, self._report, self)
        # Each role gets the screens it may use; the operations check again regardless. The
        # Log session form is built at once (the first screen of those who log sessions); the
        # others when first shown or asked for (see ``history`` and the properties after it).
        self.form = (SessionForm(self.tasks, actor, settings, self.messages)
                     if may(actor, Action.LOG_SESSION) else None)
        # The charts' screen is built when first shown: pyqtgraph loads then.
        self._charts: ChartsView | None = None
        self.charts_page: QWidget | None = None
        if may(actor, Action.VIEW_ALL_SESSIONS) and may(actor,
                                                        Action.VIEW_OWN_PATIENTS_SESSIONS):
            self.charts_page = QWidget()
            QVBoxLayout(self.charts_page).setContentsMargins(0, 0, 0, 0)
        self.tabs = ScreenTabs()
        self.tabs.currentChanged.connect(self._tab_shown)
        for name, title, action, screen in (
                ("form", tr("&Log session"), Action.LOG_SESSION, self.form),
                ("review", tr("&Review queue"), Action.REVIEW_SESSION, self._make_review),
                ("incidents", tr("I&ncidents"), Action.FILE_INCIDENT, self._make_incidents),
                ("history", tr("&History"), Action.VIEW_OWN_PATIENTS_SESSIONS,
                 self._make_history),
                ("due", tr("Courses &due"), Action.PLAN_COURSE, self._make_due),
                ("charts", tr("C&harts"), Action.VIEW_ALL_SESSIONS, self.charts_page),
                ("admin", tr("&Administration"), Action.MANAGE_USERS, self._make_admin)):
            if screen is not None and may(actor, action):
                self.tabs.add_screen(name, title, screen)
        self.lock_screen = LockScreen(actor)
        self.lock_screen.unlock_requested.connect(self._unlock_requested)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)
        self.hidden_dialogs: list[QDialog] = []
        self.drafts_dialog: OpenDraftsDialog | None = None
        self.idle = QTimer(self, singleShot=True,
                           interval=max(1, int(settings.idle_lock_minutes * 60_000)))
        self.idle.timeout.connect(self.lock)
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # a window exists only inside the application
        self.app_events = install_wheel_guard(app)  # the application's one event filter
        self.app_events.input_seen.connect(self._input_seen)
        self.idle_listening = True
        self.idle.start()
        role = Role(actor.role).label
        self.statusBar().addWidget(QLabel(f"{actor.full_name} ({role})"))
        self.statusBar().addPermanentWidget(QLabel(database.display_url))
        self._create_actions()
        self._restore_state()
        self.listener: SessionListener | None = None
        if not database.is_sqlite and self.tabs.has("history"):
            self._listen(database)
        if self.form is not None:
            self.form.patient.search.setFocus()
            self.tasks.read(session_logging.open_drafts, actor).then(self._offer_drafts)

    def _create_actions(self) -> None:
        """Every menu action, in one place."""
        def add(menu: QMenu, text: str, shortcut: str | QKeySequence.StandardKey,
                slot: Callable[..., object]) -> QAction:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
            return action

        file_menu = self.menuBar().addMenu(tr("&File"))
        if may(self.actor, Action.IMPORT_DEVICE_FILE):
            add(file_menu, tr("&Import device file…"), "Ctrl+I", self.open_import)
        file_menu.addSeparator()
        if self.form is not None:
            add(file_menu, tr("&Unfinished sessions…"), "Ctrl+Shift+U", self.open_drafts)
        add(file_menu, tr("Lan&guage…"), "", self.choose_language)
        add(file_menu, tr("&Lock now"), "Ctrl+L", self.lock)
        add(file_menu, tr("Sign &out"), "Ctrl+Shift+L", self.sign_out)
        add(file_menu, tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        view = self.menuBar().addMenu(tr("&View"))
        for index in range(self.tabs.count()):
            add(view, self.tabs.tabText(index), f"Ctrl+{index + 1}",
                lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
        if self.tabs.has("history"):
            add(view, tr("&Refresh history"), "F5", self._refresh_history)
        if may(self.actor, Action.VIEW_AUDIT):
            add(view, tr("&Audit trail…"), "Ctrl+Shift+A", self.open_audit_trail)

    # --- the screens, each built the first time it is wanted -------------------------------
    @property
    def history(self) -> "HistoryView | None":
        return cast("HistoryView | None", self.tabs.get("history"))

    @property
    def review(self) -> "ReviewQueueView | None":
        return cast("ReviewQueueView | None", self.tabs.get("review"))

    @property
    def due(self) -> "DueCoursesView | None":
        return cast("DueCoursesView | None", self.tabs.get("due"))

    @property
    def incidents(self) -> "IncidentsView | None":
        return cast("IncidentsView | None", self.tabs.get("incidents"))

    @property
    def admin(self) -> "AdminView | None":
        return cast("AdminView | None", self.tabs.get("admin"))

    def _make_history(self) -> QWidget:
        from ui.records.history_view import HistoryView

        view = HistoryView(self.tasks, self.actor, self.messages)
        view.resume_requested.connect(self.resume_draft)
        view.refresh()
        return view

    def _refresh_history(self) -> None:
        """F5: the History read again, if it has been shown (else it is read when it is)."""
        view = cast("HistoryView | None", self.tabs.built("history"))
        if view is not None:
            view.refresh()

    def _make_review(self) -> QWidget:
        from ui.oversight.review_queue_view import ReviewQueueView

        view = ReviewQueueView(self.tasks, self.actor, self.messages)
        # Built as the first tab is added, before the History's tab: asked for when used.
        view.open_requested.connect(self._open_in_history)
        view.refresh()
        return view

    def _open_in_history(self, session_id: int) -> None:
        history = self.history
        if history is not None:
            history.open_session_id(session_id)

    def _make_due(self) -> QWidget:
        from ui.oversight.due_courses_view import DueCoursesView

        view = DueCoursesView(self.tasks, self.actor)
        view.open_patient.connect(self.show_patients_sessions)
        return view

    def _make_incidents(self) -> QWidget:
        from ui.oversight.incidents_view import IncidentsView

        return IncidentsView(self.tasks, self.actor)

    def _make_admin(self) -> QWidget:
        from ui.admin.admin_view import AdminView

        return AdminView(self.tasks, self.actor, messages=self.messages)

    @property
    def charts(self) -> "ChartsView | None":
        """The supervisor's charts screen (None for other roles), built the first time it is
        wanted."""
        if self._charts is None and self.charts_page is not None:
            from ui.oversight.charts_view import ChartsView

            history, layout = self.history, self.charts_page.layout()
            assert history is not None  # the charts page is built only with the history
            assert layout is not None  # given to the page in __init__
            self._charts = charts = ChartsView(self.tasks, self.actor,
                                               lambda: history.model.filters)
            history.filters.changed.connect(lambda _filters: charts.filters_changed())
            layout.addWidget(self._charts)
        return self._charts

    def _tab_shown(self, index: int) -> None:
        if self.charts_page is not None and self.tabs.widget(index) is self.charts_page:
            _ = self.charts

    # --- live across workstations -----------------------------------------------------------
    def _listen(self, database: Database) -> None:
        """Refresh the history (and the review queue) when another PC changes a session."""
        from ui.shell.live_updates import SessionListener

        self.listener = listener = SessionListener(database, self)
        self.live_refresh = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self.live_refresh.timeout.connect(self._refresh_lists)
        # A bound method of this window: Qt queues the call onto the GUI thread.
        listener.session_changed.connect(self._session_changed)
        listener.start()

    @Slot(str)
    def _session_changed(self, _session_uuid: str) -> None:
        self.live_refresh.start()  # a burst of changes refreshes once

    def _refresh_lists(self) -> None:
        self.tasks.records_changed.emit()

    # --- idle lock --------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    @Slot()
    def _input_seen(self) -> None:
        if not self.locked:
            self.idle.start()  # any input restarts the idle clock

    def lock(self) -> None:
        """Hide every patient detail behind the lock screen; the open draft is saved first."""
        if self.locked:
            return
        if self.form is not None:
            self.form.save_draft()
        self.hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        for dialog in self.hidden_dialogs:
            dialog.hide()
        self.menuBar().setEnabled(False)
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.prepare()

    def _unlock_requested(self, username: str, password: str) -> None:
        self.tasks.run(accounts.sign_in, username, password).then(
            self._signed_in_at_lock, lambda error: self.lock_screen.error.show_problem(str(error)),
            changes_records=False)

    def _signed_in_at_lock(self, actor: Actor) -> None:
        if actor.id != self.actor.id:
            self.taken_over.emit(actor)  # the next person takes over; this window goes
            self.close()
            return
        self.pages.setCurrentWidget(self.tabs)
        self.menuBar().setEnabled(True)
        for dialog in self.hidden_dialogs:
            dialog.show()
        self.hidden_dialogs = []
        self.idle.start()

    def resume_draft(self, draft: SessionDetail) -> None:
        """Carry on with one of the technician's drafts on the Log session form."""
        form = self.form
        if form is None:
            return
        self.tabs.setCurrentWidget(form)
        if form.draft_id == draft.summary.id:
            return  # already on the form, as typed
        form.save_draft()  # the draft on the form keeps what was typed; the runner does one
        # thing at a time, so the other is read (as last saved) after that save
        self.tasks.read(history.load_session, draft.summary.id).then(form.resume_draft)

    def show_patients_sessions(self, identifier: str) -> None:
        """The History, showing one patient's sessions."""
        if self.history is not None:
            self.history.filters.only_patient(identifier)
            self.tabs.setCurrentWidget(self.history)

    def sign_out(self) -> None:
        """Save the draft, record the sign-out and close, so the next person can sign in."""
        self.signing_out = True
        if not self.close():
            self.signing_out = False

    def _offer_drafts(self, drafts: list[SessionDetail]) -> None:
        """Drafts left open (LaserLog closed mid-session, a crash, a power cut, a device file
        imported) are offered back at the start; none is lost, whatever the answer."""
        if drafts and self.form is not None and self.form.draft_id is None:
            self._show_drafts(drafts)

    def open_drafts(self) -> None:
        """File > Unfinished sessions: the technician's other drafts, to resume or void."""
        self.tasks.read(session_logging.open_drafts, self.actor).then(self._show_drafts)

    def _show_drafts(self, drafts: list[SessionDetail]) -> None:
        from ui.shell.open_drafts_dialog import OpenDraftsDialog

        on_form = self.form.draft_id if self.form is not None else None
        dialog = OpenDraftsDialog(self.tasks, self.actor,
                                  [d for d in drafts if d.summary.id != on_form], self)
        dialog.resume_requested.connect(self.resume_draft)
        if self.drafts_dialog is not None:  # shown before: this one replaces it
            self.drafts_dialog.close()
            self.drafts_dialog.deleteLater()
        self.drafts_dialog = dialog
        dialog.open()

    def open_audit_trail(self) -> None:
        from ui.oversight.audit_viewer import AuditViewer

        self.audit_viewer = AuditViewer(self.tasks, self.actor, self)
        self.audit_viewer.open()

    def choose_language(self) -> None:
        """File > Language: this PC's language, from the next sign-in."""
        from ui.shell.language_dialog import LanguageDialog

        self.language_dialog = LanguageDialog(self.settings, self)
        self.language_dialog.open()

    def open_import(self) -> None:
        """The standalone import window: new draft sessions for the patients in the file."""
        dialog = ImportDialog(self.tasks, self.actor, room=self.settings.room, parent=self)
        dialog.open()
        self.import_dialog = dialog

    def _report(self, error: Exception) -> None:
        if isinstance(error, AccountDisabled):  # signed out: the lock screen asks who it is
            self.messages.error(self, str(error))
            self.lock()
        elif isinstance(error, LaserLogError):
            self.messages.error(self, str(error))
        else:
            self.messages.error(self, tr("Something went wrong inside LaserLog ({error}). What "
                                         "you typed is still on screen.").format(
                                             error=repr(error)))

    def _restore_state(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            fit_to_screen(self, QSize(1360, 840))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.idle_listening:  # the app outlives the window: input no longer concerns it
            self.app_events.input_seen.disconnect(self._input_seen)
            self.idle_listening = False
        self.idle.stop()
        if self.listener is not None:
            self.listener.stop()
        if self.form is not None:
            self.form.save_draft()  # keep the last seconds of typing
        self.tasks.shutdown()
        if not self.sign_out_recorded:
            self.sign_out_recorded = True
            with suppress(LaserLogError):  # the server is gone: the sign-in stays the last event
                accounts.sign_out(self.tasks.database, self.actor)
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
        if self.signing_out:
            self.signed_out.emit()
