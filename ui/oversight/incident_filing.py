"""Filing an open incident with the supervisor's report (refused empty, said next to the
field)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.errors import ValidationFailed
from models.values.rows import Actor, IncidentRow
from models.values.vocabulary import ReactionKind
from models.workflow import incidents
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH


class FileIncidentDialog(QDialog):
    """Signals:
    filed(object): the ``IncidentRow`` as filed.
    """

    filed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, incident: IncidentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("File incident no. {number}").format(number=incident.id))
        self.setMinimumWidth(DIALOG_WIDTH + 100)
        self.tasks, self.actor, self.incident = tasks, actor, incident
        self.report = QPlainTextEdit()
        self.report.setAccessibleName(tr("Incident report"))
        self.report.setPlaceholderText(tr("What happened, what was done, the follow-up "
                                          "arranged, and whether the patient was told"))
        self.report.setTabChangesFocus(True)
        self.error = FieldError(self.report)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("{patient}: {reaction}, grade {grade}").format(
            patient=incident.patient, reaction=ReactionKind(incident.kind).label,
            grade=incident.grade)))
        layout.addWidget(self.report)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.file_button = buttons.addButton(tr("File the incident"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def save(self) -> None:
        self.file_button.setEnabled(False)  # one filing, however often it is pressed
        self.tasks.write(incidents.file_incident, self.actor, self.incident.id,
                         self.report.toPlainText()).then(self._filed, self._failed)

    def _filed(self, incident: IncidentRow) -> None:
        self.filed.emit(incident)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.file_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self.error.show_problem(error.problems.get("report"))
        else:
            self.error.show_problem(str(error))
