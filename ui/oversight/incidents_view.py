"""The supervisors' incidents: serious reactions awaiting a report, soonest due first and
overdue in red; filed with a report, and printed as a PDF incident report."""

from datetime import UTC, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import ValidationFailed
from models.values.rows import Actor, IncidentRow
from models.values.vocabulary import ReactionKind
from models.workflow import incidents
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.field_error import FieldError
from ui.widgets.file_dialogs import choose_file_to_save
from ui.widgets.form_dialog import DIALOG_WIDTH
from ui.widgets.row_table import fit_columns, row_table

COLUMNS = ("Due", "Patient", "Reaction", "Grade", "Session", "Technician", "Status")
OVERDUE = QBrush(QColor(170, 20, 20))


def incident_html(incident: IncidentRow) -> str:
    """The incident report as HTML (for the PDF), every value escaped."""
    rows = [("Patient", incident.patient), ("Session", local_time(incident.session_started_at)),
            ("Technician", incident.technician),
            ("Reaction", f"{ReactionKind(incident.kind).label}, grade {incident.grade}"),
            ("Opened", local_time(incident.opened_at)), ("Due", local_time(incident.due_at)),
            ("Filed", f"{local_time(incident.filed_at)} by {incident.filed_by}"
             if incident.filed_at else "not yet")]
    table = "".join(f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                    for k, v in rows)
    report = escape(incident.report).replace("\n", "<br>") or "<i>No report filed yet.</i>"
    return (f"<h2>Incident report no. {incident.id}</h2><table>{table}</table>"
            f"<h3>Report</h3><p>{report}</p>")


class FileIncidentDialog(QDialog):
    filed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, incident: IncidentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"File incident no. {incident.id}")
        self.setMinimumWidth(DIALOG_WIDTH + 100)
        self.tasks, self.actor, self.incident = tasks, actor, incident
        self.report = QPlainTextEdit()
        self.report.setAccessibleName("Incident report")
        self.report.setPlaceholderText("What happened, what was done, the follow-up arranged, "
                                       "and whether the patient was told")
        self.report.setTabChangesFocus(True)
        self.error = FieldError(self.report)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{incident.patient}: {ReactionKind(incident.kind).label}, "
                                f"grade {incident.grade}"))
        layout.addWidget(self.report)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("File the incident", QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def save(self) -> None:
        self.tasks.write(incidents.file_incident, self.actor, self.incident.id,
                         self.report.toPlainText()).then(self._filed, self._failed)

    def _filed(self, incident: IncidentRow) -> None:
        self.filed.emit(incident)
        self.accept()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self.error.show_problem(error.problems.get("report"))
        else:
            self.error.show_problem(str(error))


class IncidentsView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)
        self.incidents: list[IncidentRow] = []
        self.summary = QLabel("")
        self.show_filed = QCheckBox("Show &filed ones too")
        self.file_button = QPushButton("File &incident…")
        self.pdf_button = QPushButton("Save report as P&DF…")
        self.refresh_button = QPushButton("Refresh")
        self.table = row_table(COLUMNS)
        self.table.setAccessibleName("Incidents")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for widget in (self.show_filed, self.file_button, self.pdf_button, self.refresh_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.show_filed.toggled.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.file_button.clicked.connect(self.file_selected)
        self.pdf_button.clicked.connect(self._choose_pdf)
        self.table.activated.connect(lambda _index: self.file_selected())
        self.table.itemSelectionChanged.connect(self._enable)
        self._enable()

    def refresh(self) -> None:
        self.tasks.read(incidents.list_incidents, self.actor, self.show_filed.isChecked()).then(
            self._show)

    def selected(self) -> IncidentRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.incidents[rows[0].row()] if rows else None

    def _enable(self) -> None:
        incident = self.selected()
        self.file_button.setEnabled(incident is not None and incident.filed_at is None)
        self.pdf_button.setEnabled(incident is not None)

    def _show(self, incidents: list[IncidentRow]) -> None:
        now = datetime.now(UTC)
        self.incidents = incidents
        waiting = [i for i in incidents if i.filed_at is None]
        overdue = sum(1 for i in waiting if i.overdue(now))
        self.summary.setText(f"{len(waiting)} incident(s) await a report; {overdue} overdue.")
        self.table.setRowCount(len(incidents))
        for line, incident in enumerate(incidents):
            status = ("filed " + local_time(incident.filed_at) if incident.filed_at else
                      "OVERDUE" if incident.overdue(now) else "awaiting report")
            cells = (local_time(incident.due_at), incident.patient,
                     ReactionKind(incident.kind).label, str(incident.grade),
                     local_time(incident.session_started_at), incident.technician, status)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if incident.overdue(now):
                    item.setForeground(OVERDUE)
                self.table.setItem(line, column, item)
        fit_columns(self.table)
        if incidents:
            self.table.selectRow(0)
        self._enable()

    def file_selected(self) -> None:
        incident = self.selected()
        if incident is None or incident.filed_at is not None:
            return
        self.dialog = FileIncidentDialog(self.tasks, self.actor, incident, self)
        self.dialog.open()

    def _choose_pdf(self) -> None:
        incident = self.selected()
        if incident is None:
            return
        path, _filter = choose_file_to_save(self, "Incident report", f"incident-{incident.id}.pdf",
                                            "PDF documents (*.pdf)")
        if path is not None:
            self.save_pdf(incident, path)

    def save_pdf(self, incident: IncidentRow, path: Path) -> None:
        from ui.widgets.pdf_writer import write_html_pdf

        write_html_pdf(f"Incident report no. {incident.id}", incident_html(incident), path)
