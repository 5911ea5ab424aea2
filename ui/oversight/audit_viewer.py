"""The audit trail for supervisors: who did what, when, to which record, and why.

Filters by user, session, patient and dates; newest first, at most 500 events a search.
"""

from datetime import date
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
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

from models.reading.history_filter import local_days
from models.review import audit_trail
from models.review.audit_trail import AuditRow
from models.values.rows import Actor
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.row_table import fit_columns, row_table

COLUMNS = ("No.", "When", "User", "Action", "Record", "Reason", "Before", "After")


class AuditViewer(QDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.setWindowTitle("Audit trail")
        self.resize(1100, 640)
        self.username, self.session, self.patient = QLineEdit(), QLineEdit(), QLineEdit()
        self.session.setPlaceholderText("session ID (UUID)")
        self.patient.setPlaceholderText("patient identifier")
        self.use_dates = QCheckBox("Only from")
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addDays(-30)), QDateEdit(today)
        for date_edit in (self.since, self.until):
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("yyyy-MM-dd")
        self.search_button = QPushButton("&Search")
        self.search_button.setDefault(True)
        self.summary = QLabel()
        self.table = row_table(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        filters = QFormLayout()
        filters.addRow("User name", self.username)
        filters.addRow("Session", self.session)
        filters.addRow("Patient", self.patient)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.since)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.until)
        dates.addStretch()
        dates.addWidget(self.search_button)
        filters.addRow("Dates", dates)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.search_button.clicked.connect(self.search)
        for field in (self.username, self.session, self.patient):
            field.returnPressed.connect(self.search)
        self.search()

    def search(self) -> None:
        # QDate.toPython() returns a datetime.date; PySide6's stubs say object
        since, until = (local_days(cast(date, self.since.date().toPython()),
                                   cast(date, self.until.date().toPython()))
                        if self.use_dates.isChecked() else (None, None))
        self.summary.setText("Searching…")
        self.tasks.read(  # every value read here, on the GUI thread
            audit_trail.find_events, self.actor, username=self.username.text().strip() or None,
            session_uuid=self.session.text().strip() or None,
            patient_identifier=self.patient.text().strip() or None,
            since=since, until=until).then(self._show)

    def _show(self, events: list[AuditRow]) -> None:
        self.summary.setText(f"{len(events)} event(s), newest first"
                             + (" (the newest 500; narrow the search)" if len(events) == 500
                                else ""))
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            cells = (str(event.seq), local_time(event.occurred_at), event.user or "–",
                     event.action, f"{event.entity} {event.entity_id or ''}".strip(),
                     event.reason, event.old_values, event.new_values)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text[:2000])
                self.table.setItem(row, column, item)
        fit_columns(self.table)
        for column in (6, 7):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
