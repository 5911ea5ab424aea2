"""The History screen: sessions newest first; Enter or double-click opens one read-only (or,
for the technician's own draft, puts it back on the Log session form)."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.access.permissions import Action, may
from models.errors import LaserLogError
from models.reading import history
from models.reading.exports import export_sessions, record_export
from models.reading.history_filter import HistoryFilter, filter_choices
from models.reading.session_printout import SessionPrintout, session_printout
from models.review import audit_trail
from models.review.audit_trail import AuditRow
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import SessionStatus
from models.workflow import import_recording, session_logging
from ui.language import tr, tr_noop, trn
from ui.records.follow_up_dialog import FollowUpButton
from ui.records.history_filters import HistoryFilterBar
from ui.records.history_model import COLUMNS, HistoryModel
from ui.records.photo_compare import PhotoStrip
from ui.records.session_detail import SessionDetailDialog
from ui.records.supervisor_actions import SupervisorActions
from ui.services.messages import Messages
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.file_dialogs import choose_file_to_save
from ui.widgets.row_table import pickable_rows

if TYPE_CHECKING:
    from ui.records.pdf_reports import PeriodFigures


class SessionWhole(NamedTuple):
    detail: SessionDetail
    traces: dict[str, bytes]
    events: list[AuditRow]  # for those who may see the audit trail, else none
    own_draft: bool  # the actor's own draft, which they carry on with rather than read


def _session_whole(db: Session, actor: Actor, session_id: int) -> SessionWhole:
    """The session, its traces, its audit events, and whether it is the actor's own draft."""
    detail = history.view_session(db, actor, session_id)
    events = (audit_trail.find_events(db, actor, session_uuid=str(detail.summary.uuid))
              if may(actor, Action.VIEW_AUDIT) else [])
    own_draft = (detail.summary.status == SessionStatus.DRAFT
                 and may(actor, Action.LOG_SESSION)
                 and any(draft.summary.id == session_id
                         for draft in session_logging.open_drafts(db, actor)))
    return SessionWhole(detail, import_recording.load_traces(db, session_id), events,
                        own_draft)


LAYOUT_KEY = "history/columns/{}"  # per user: each person's widths, order and columns
#: Wide enough for what each column usually holds; the patient's name gets the most.
COLUMN_WIDTHS = (165, 250, 220, 150, 80, 190, 100)
#: The export formats offered, in the Export menu's order: (menu text, file type, name, format).
EXPORT_FORMATS = (
    (tr_noop("&CSV for spreadsheets…"), tr_noop("CSV files (*.csv)"),
     tr_noop("sessions.csv"), "csv"),
    (tr_noop("&FHIR R4 Bundle (JSON)…"), tr_noop("FHIR JSON (*.json)"),
     tr_noop("sessions.json"), "fhir"),
    (tr_noop("&PDF period summary…"), tr_noop("PDF documents (*.pdf)"),
     tr_noop("summary.pdf"), "pdf"))


class HistoryView(QWidget):
    """Signals:
    resume_requested(object): the user opened a draft of their own (its SessionDetail): it
        goes back on the Log session form rather than into the read-only view.
    """

    resume_requested = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.messages = tasks, actor, messages
        follow_changes(self, tasks, self.refresh)
        self.model = HistoryModel(tasks, actor)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        pickable_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.layout_key = LAYOUT_KEY.format(actor.username)
        self.filters = HistoryFilterBar()
        self.found = QLabel("")
        self.refresh_button = QPushButton(tr("&Refresh (F5)"))
        self.open_button = QPushButton(tr("&Open session"))
        self.export_button = QPushButton(tr("E&xport"))
        self.export_button.setToolTip(tr("The sessions found: as a spreadsheet-safe CSV file, a "
                                         "FHIR R4 Bundle, or a PDF summary of the period"))
        self.export_menu = QMenu(self.export_button)
        for text, file_type, name, file_format in EXPORT_FORMATS:
            self.export_menu.addAction(tr(text)).triggered.connect(
                lambda _checked=False, t=file_type, n=name, f=file_format:
                self._choose_export_file(t, n, f))
        self.export_button.setMenu(self.export_menu)
        top = QHBoxLayout()
        top.addWidget(self.found, 1)
        top.addWidget(self.export_button)
        top.addWidget(self.open_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._restore_layout()
        header.customContextMenuRequested.connect(self._choose_columns)
        header.sectionClicked.connect(self._header_clicked)
        header.sectionMoved.connect(lambda *_: self._save_layout())
        header.sectionResized.connect(lambda *_: self._save_layout())
        self.filters.changed.connect(self.model.reload)
        self.model.counted.connect(self._counted)
        self._open_when_read: int | None = None
        self.model.dataChanged.connect(self._rows_read)
        tasks.read(filter_choices).then(self.filters.set_choices)
        self.table.activated.connect(self.open_session)
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(lambda: self.open_session(self.table.currentIndex()))
        self.dialog: SessionDetailDialog | None = None

    def refresh(self) -> None:
        self.model.reload()

    def _counted(self, total: int) -> None:
        if self.model.filters.oldest_first:
            found = trn("%n session found, oldest first. Enter or double-click opens one; "
                        "click the Date header to turn the order round.",
                        "%n sessions found, oldest first. Enter or double-click opens one; "
                        "click the Date header to turn the order round.", total)
        else:
            found = trn("%n session found, newest first. Enter or double-click opens one; "
                        "click the Date header to turn the order round.",
                        "%n sessions found, newest first. Enter or double-click opens one; "
                        "click the Date header to turn the order round.", total)
        self.found.setText(found)

    def _rows_read(self, first: QModelIndex, last: QModelIndex) -> None:
        row = self._open_when_read
        if row is not None and first.row() <= row <= last.row():
            self.open_session(self.model.index(row, 0))

    def _choose_export_file(self, file_type: str, name: str, file_format: str) -> None:
        path, _chosen = choose_file_to_save(self, tr("Export sessions"), tr(name),
                                           tr(file_type))
        if path is not None:
            self.export(path, file_format)

    def export(self, path: Path, file_format: str = "csv") -> None:
        """Write the sessions the current filters find (all of them, not only those read)."""
        filters = self.model.filters
        self.found.setText(tr("Exporting to {name}…").format(name=path.name))
        if file_format == "pdf":
            from ui.records.pdf_reports import period_figures  # pyqtgraph loads only when needed

            self.tasks.read(period_figures, self.actor, filters).then(
                lambda figures: self._write_summary(figures, filters, path))
            return
        self.tasks.run(export_sessions, path, file_format, filters, actor=self.actor).then(
            lambda count: self.found.setText(trn("Exported %n session to {path}.",
                                                 "Exported %n sessions to {path}.",
                                                 count).format(path=path)),
            lambda error: self.found.setText(tr("Not exported: {problem}").format(problem=error)),
            changes_records=False)

    def _write_summary(self, figures: "PeriodFigures", filters: HistoryFilter,
                       path: Path) -> None:
        from ui.records.pdf_reports import write_period_summary

        try:
            write_period_summary(figures, filters, path)
        except LaserLogError as error:
            self.found.setText(tr("Not exported: {problem}").format(problem=error))
            return
        self.found.setText(trn("Exported a summary of %n session to {path}.",
                               "Exported a summary of %n sessions to {path}.",
                               figures.sessions).format(path=path))
        self.tasks.write(record_export, self.actor, "pdf", filters, figures.sessions,
                         path).then(changes_records=False)

    def _header_clicked(self, column: int) -> None:
        if column == 0:
            self.filters.toggle_order()

    # --- columns: which are shown, their order and widths are remembered -------------------
    def _choose_columns(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column, title in enumerate(COLUMNS):
            action = menu.addAction(tr(title))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)  # the date always shows
            action.toggled.connect(lambda on, c=column: self._show_column(c, on))
        menu.popup(header.mapToGlobal(position))
        self.columns_menu = menu

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        self._save_layout()

    def _save_layout(self) -> None:
        QSettings().setValue(self.layout_key, self.table.horizontalHeader().saveState())

    def _restore_layout(self) -> None:
        state = QSettings().value(self.layout_key)
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    def open_session(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        summary = self.model.summary_at(index.row())
        if summary is None:  # its rows are being read: open it when they come
            self._open_when_read = index.row()
            return
        self._open_when_read = None
        self.open_session_id(summary.id)

    def open_session_id(self, session_id: int) -> None:
        self.tasks.read(_session_whole, self.actor, session_id).then(self._show)

    def _show(self, found: SessionWhole) -> None:
        detail, traces, events, own_draft = found
        if own_draft:
            self.resume_requested.emit(detail)
            return
        actions = QWidget()
        row = QHBoxLayout(actions)
        row.setContentsMargins(0, 0, 0, 0)
        if may(self.actor, Action.REVIEW_SESSION):
            self.supervisor_actions = SupervisorActions(self.tasks, self.actor, detail,
                                                        self.messages)
            self.supervisor_actions.changed.connect(self._changed)
            row.addWidget(self.supervisor_actions, 1)
        if may(self.actor, Action.RECORD_FOLLOW_UP):
            self.follow_up = FollowUpButton(self.tasks, self.actor, detail)
            self.follow_up.changed.connect(self._changed)
            row.addWidget(self.follow_up)
        photos = PhotoStrip(self.tasks, self.actor, detail.summary.id, detail.patient.id)
        self.dialog = SessionDetailDialog(detail, traces, self, actions, events, photos,
                                          self._read_printout)
        self.dialog.open()

    def _read_printout(self, session_id: int,
                       then: Callable[[SessionPrintout], None]) -> None:
        self.tasks.read(session_printout, self.actor, session_id).then(then)

    def _changed(self, detail: SessionDetail) -> None:
        """Show the session as it now is, its audit events read again too."""
        self.tasks.read(_session_whole, self.actor, detail.summary.id).then(self._reshow)

    def _reshow(self, found: SessionWhole) -> None:
        detail, events = found.detail, found.events
        if self.dialog is not None and self.dialog.detail.summary.id == detail.summary.id:
            self.dialog.show_detail(detail, events)
