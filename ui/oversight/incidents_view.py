"""The supervisors' incidents: serious reactions awaiting a report, soonest due first and
overdue in red (due the clinic's incident due time after the reaction); each opens to be
read whole, is filed with a report (and the list says so), and prints as a PDF."""

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import LaserLogError
from models.language import number_text
from models.values.rows import Actor, IncidentRow
from models.values.vocabulary import ReactionKind
from models.workflow import incidents
from models.workflow.incidents import IncidentReport
from ui.language import tr, tr_noop, trn
from ui.oversight.incident_dialog import IncidentDialog
from ui.oversight.incident_filing import FileIncidentDialog
from ui.oversight.incident_report import write_incident_pdf
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.file_dialogs import choose_file_to_save
from ui.widgets.row_table import fit_columns, row_table

COLUMNS = (tr_noop("Due"), tr_noop("Patient"), tr_noop("Reaction"), tr_noop("Grade"),
           tr_noop("Session"), tr_noop("Technician"), tr_noop("Status"))
OVERDUE = QBrush(QColor(170, 20, 20))


def status_text(incident: IncidentRow, now: datetime) -> str:
    if incident.filed_at is not None:
        return tr("filed {time} by {name}").format(time=local_time(incident.filed_at),
                                                   name=incident.filed_by)
    return tr("OVERDUE") if incident.overdue(now) else tr("awaiting report")


class IncidentsView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)
        self.incidents: list[IncidentRow] = []
        self.dialog: FileIncidentDialog | None = None
        self.reader: IncidentDialog | None = None
        self.summary = QLabel("")
        self.message = QLabel("")  # what the last action did
        self.message.setObjectName("formStatus")
        self.message.setWordWrap(True)
        self.message.hide()  # shown once there is something to say
        self.show_filed = QCheckBox(tr("Show &filed ones too"))
        self.read_button = QPushButton(tr("&Read…"))
        self.file_button = QPushButton(tr("File &incident…"))
        self.pdf_button = QPushButton(tr("Save report as P&DF…"))
        self.refresh_button = QPushButton(tr("Refresh"))
        self.table = row_table([tr(column) for column in COLUMNS])
        self.table.setAccessibleName(tr("Incidents"))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for widget in (self.show_filed, self.read_button, self.file_button, self.pdf_button,
                       self.refresh_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        self.show_filed.toggled.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.read_button.clicked.connect(self.read_selected)
        self.file_button.clicked.connect(self.file_selected)
        self.pdf_button.clicked.connect(self._choose_pdf)
        self.table.activated.connect(lambda _index: self.read_selected())
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
        self.read_button.setEnabled(incident is not None)
        self.file_button.setEnabled(incident is not None and incident.filed_at is None)
        self.pdf_button.setEnabled(incident is not None)

    def _show(self, incidents: list[IncidentRow]) -> None:
        now = datetime.now(UTC)
        self.incidents = incidents
        waiting = [i for i in incidents if i.filed_at is None]
        overdue = sum(1 for i in waiting if i.overdue(now))
        self.summary.setText(trn("%n incident awaits a report; {overdue} overdue.",
                                 "%n incidents await a report; {overdue} overdue.",
                                 len(waiting)).format(overdue=number_text(overdue)))
        self.table.setRowCount(len(incidents))
        for line, incident in enumerate(incidents):
            cells = (local_time(incident.due_at), incident.patient,
                     ReactionKind(incident.kind).label, str(incident.grade),
                     local_time(incident.session_started_at), incident.technician,
                     status_text(incident, now))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if incident.overdue(now):
                    item.setForeground(OVERDUE)
                self.table.setItem(line, column, item)
        fit_columns(self.table)
        if incidents:
            self.table.selectRow(0)
        self._enable()

    # --- reading --------------------------------------------------------------------------
    def read_selected(self) -> None:
        """Open the selected incident to read, filed or not."""
        incident = self.selected()
        if incident is not None:
            self.tasks.read(incidents.incident_report, self.actor, incident.id).then(
                self._open_reader)

    def _open_reader(self, report: IncidentReport) -> None:
        self.reader = IncidentDialog(report, self)
        self.reader.file_requested.connect(self.file_incident)
        self.reader.pdf_requested.connect(self._ask_pdf_path)
        self.reader.open()

    # --- filing ---------------------------------------------------------------------------
    def file_selected(self) -> None:
        incident = self.selected()
        if incident is not None and incident.filed_at is None:
            self.file_incident(incident)

    def file_incident(self, incident: IncidentRow) -> None:
        self.dialog = FileIncidentDialog(self.tasks, self.actor, incident, self)
        self.dialog.filed.connect(self._filed)
        self.dialog.open()

    def _filed(self, incident: IncidentRow) -> None:
        said = (tr("Filed incident no. {number} ({reaction}, grade {grade}, {patient}) at "
                   "{time} by {name}; it is listed below.") if self.show_filed.isChecked()
                else tr("Filed incident no. {number} ({reaction}, grade {grade}, {patient}) at "
                        "{time} by {name}; it has left the open list (tick “Show filed ones "
                        "too” to read it again)."))
        self.say(said.format(number=incident.id, reaction=ReactionKind(incident.kind).label,
                             grade=incident.grade, patient=incident.patient,
                             time=local_time(incident.filed_at), name=incident.filed_by))
        reader = self.reader
        if reader is not None and reader.isVisible() and \
                reader.report.incident.id == incident.id:
            self.tasks.read(incidents.incident_report, self.actor, incident.id).then(
                reader.show_report)

    # --- the PDF --------------------------------------------------------------------------
    def _choose_pdf(self) -> None:
        incident = self.selected()
        if incident is not None:
            self.tasks.read(incidents.incident_report, self.actor, incident.id).then(
                self._ask_pdf_path)

    def _ask_pdf_path(self, report: IncidentReport) -> None:
        path, _filter = choose_file_to_save(
            self, tr("Incident report"),
            tr("incident-{number}.pdf").format(number=report.incident.id),
            tr("PDF documents (*.pdf)"))
        if path is not None:
            self.save_pdf(report, path)

    def save_pdf(self, report: IncidentReport, path: Path) -> None:
        try:
            write_incident_pdf(report, path)
        except LaserLogError as error:
            self.say(str(error))
            return
        self.say(tr("Saved incident report no. {number} as {path}.").format(
            number=report.incident.id, path=path))

    def say(self, text: str) -> None:
        """Tell what the last action did, above the list."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
