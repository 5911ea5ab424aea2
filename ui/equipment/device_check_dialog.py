"""The device's state before treating: its tip's pulses, today's verification, any fault; and
where the technician logs the daily verification or reports a fault."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.clinic import device_upkeep
from models.clinic.device_upkeep import DeviceCare
from models.errors import ValidationFailed
from models.language import number_text
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import LogKind
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.field_error import FieldError


class DeviceCheckDialog(QDialog):
    """Signals:
    checked(object): the device's DeviceCare after it was read or something was logged.
    """

    checked = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, device: DeviceRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Device check – {device}").format(device=device.display_name))
        self.setMinimumWidth(560)
        self.tasks, self.actor, self.device = tasks, actor, device
        self.state = QLabel(tr("Reading the device's log…"))
        self.state.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("fieldError")
        self.warnings.setWordWrap(True)
        self.log = QListWidget()
        self.log.setAccessibleName(tr("Device log, newest first"))
        self.note = QLineEdit(
            placeholderText=tr("What was found (needed for a failure or fault)"))
        self.note.setAccessibleName(tr("Note"))
        self.note_error = FieldError(self.note)
        self.passed_button = QPushButton(tr("Verification &passed"))
        self.failed_button = QPushButton(tr("Verification &failed"))
        self.fault_button = QPushButton(tr("Report a fa&ult"))
        buttons = QHBoxLayout()
        for button in (self.passed_button, self.failed_button, self.fault_button):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.state, self.warnings, self.log, self.note, self.note_error):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.passed_button.clicked.connect(lambda: self._log(LogKind.VERIFICATION_PASSED))
        self.failed_button.clicked.connect(lambda: self._log(LogKind.VERIFICATION_FAILED))
        self.fault_button.clicked.connect(lambda: self._log(LogKind.FAULT))
        self.refresh()

    def refresh(self) -> None:
        self.tasks.read(device_upkeep.device_care, self.actor, self.device.id).then(self._show)

    def _show(self, care: DeviceCare) -> None:
        tip = care.tip
        tip_text = (tr("{tip}: {pulses} of {rated} rated pulses, fitted {fitted}").format(
            tip=tip.name, pulses=number_text(tip.pulses), rated=number_text(tip.rated_pulses),
            fitted=local_time(tip.fitted_at)) if tip else tr("No handpiece or tip recorded."))
        verified = tr("Verified today.") if care.verified_today else tr("Not verified today.")
        self.state.setText(f"{verified} {tip_text}")
        warnings = care.warnings()
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))
        self.log.clear()
        for row in care.log:
            note = f": {row.note}" if row.note else ""
            self.log.addItem(f"{local_time(row.logged_at)}  {LogKind(row.kind).label} – "
                             f"{row.logged_by}{note}")
        if not care.log:
            self.log.addItem(tr("Nothing logged for this device yet."))
        self.checked.emit(care)

    def _log(self, kind: str) -> None:
        self.tasks.write(device_upkeep.log_device, self.actor, self.device.id, kind,
                         self.note.text()).then(self._logged, self._failed)

    def _logged(self, _result: None) -> None:
        self.note.clear()
        self.note_error.show_problem(None)
        self.refresh()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self.note_error.show_problem(error.problems.get("note")
                                         or "; ".join(error.problems.values()))
        else:
            self.tasks.report_error(error)
