"""The audit trail for supervisors: who did what, when, to which record, and why, in words.

Filters by person, patient (identifier or part of a name) and period; newest first, a page
at a time (*Older events* reads the next page by key).
"""

from datetime import date
from typing import Any, cast

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.language import date_entry_pattern
from models.reading.history_filter import local_days
from models.review import audit_trail
from models.review.audit_trail import AuditPage
from models.values.rows import Actor
from ui.language import tr, tr_noop, trn
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.row_table import fit_columns, row_table
from ui.widgets.screen_fit import fit_to_screen

COLUMNS = (tr_noop("No."), tr_noop("When"), tr_noop("Who"), tr_noop("What"), tr_noop("Record"),
           tr_noop("Changes"), tr_noop("Reason"))


class AuditViewer(QDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.setWindowTitle(tr("Audit trail"))
        self.person = QComboBox()
        self.person.setAccessibleName(tr("Person"))
        self.person.addItem(tr("Anyone"), None)
        self.patient = QLineEdit(placeholderText=tr("identifier or part of the name"))
        self.patient.setAccessibleName(tr("Patient"))
        self.session = QLineEdit(placeholderText=tr("session ID, from its detail"))
        self.use_dates = QCheckBox(tr("Only from"))
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addDays(-30)), QDateEdit(today)
        for date_edit in (self.since, self.until):
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat(date_entry_pattern())
        self.search_button = QPushButton(tr("&Search"))
        self.search_button.setDefault(True)
        self.older_button = QPushButton(tr("&Older events"))
        self.older_button.setEnabled(False)
        self.summary = QLabel()
        self.table = row_table([tr(column) for column in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.next_before: int | None = None
        self.searches = 0  # pages of an older search are dropped
        self.criteria: dict[str, Any] = {}  # event_page's keywords, as last searched

        filters = QFormLayout()
        filters.addRow(tr("Person"), self.person)
        who = QHBoxLayout()
        who.addWidget(self.patient, 1)
        who.addWidget(QLabel(tr("Session")))
        who.addWidget(self.session, 1)
        filters.addRow(tr("Patient"), who)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.since)
        dates.addWidget(QLabel(tr("to")))
        dates.addWidget(self.until)
        dates.addStretch()
        dates.addWidget(self.search_button)
        filters.addRow(tr("Period"), dates)
        footer = QHBoxLayout()
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.older_button)
        footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        self.search_button.clicked.connect(self.search)
        self.older_button.clicked.connect(self.older)
        self.person.activated.connect(lambda _i: self.search())  # Enter: the default button
        fit_to_screen(self, QSize(1100, 640))
        self.tasks.read(audit_trail.people, actor).then(self._show_people)
        self.search()

    def _show_people(self, people: list[tuple[str, str]]) -> None:
        for username, full_name in people:
            self.person.addItem(f"{full_name} ({username})", username)

    def search(self) -> None:
        """The newest page matching the filters (every value read here, on the GUI thread)."""
        # QDate.toPython() returns a datetime.date; PySide6's stubs say object
        since, until = (local_days(cast(date, self.since.date().toPython()),
                                   cast(date, self.until.date().toPython()))
                        if self.use_dates.isChecked() else (None, None))
        self.criteria = {"username": self.person.currentData(),
                         "patient": self.patient.text().strip() or None,
                         "session_uuid": self.session.text().strip() or None,
                         "since": since, "until": until}
        self.table.setRowCount(0)
        self.summary.setText(tr("Searching…"))
        self.searches += 1
        search = self.searches
        self.tasks.read(audit_trail.event_page, self.actor, **self.criteria).then(
            lambda page: self._show(page, search))

    def older(self) -> None:
        if self.next_before is None:
            return
        self.older_button.setEnabled(False)
        search = self.searches
        self.tasks.read(audit_trail.event_page, self.actor, before_seq=self.next_before,
                        **self.criteria).then(lambda page: self._show(page, search))

    def _show(self, page: AuditPage, search: int) -> None:
        if search != self.searches:
            return  # a newer search has started since
        first = self.table.rowCount()
        self.table.setRowCount(first + len(page.rows))
        for row, event in enumerate(page.rows, start=first):
            cells = (str(event.seq), local_time(event.occurred_at), event.person, event.what,
                     event.record, event.changes, event.reason)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text[:2000])
                self.table.setItem(row, column, item)
        self.next_before = page.next_before
        self.older_button.setEnabled(page.next_before is not None)
        shown = self.table.rowCount()
        self.summary.setText(
            trn("%n event, newest first; Older events reads on",
                "%n events, newest first; Older events reads on", shown)
            if page.next_before else trn("%n event, newest first", "%n events, newest first",
                                         shown))
        if first == 0:
            fit_columns(self.table)
            self.table.setColumnWidth(5, min(self.table.columnWidth(5), 320))
