"""Register a treatment device (make, model, serial, kind) when it is not yet listed."""

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from models.clinic import device_register
from models.errors import ValidationFailed
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import DeviceKind
from models.workflow import patch_tests
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError


class DeviceDialog(QDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Register a device"))
        self.tasks, self.actor = tasks, actor
        self.device: DeviceRow | None = None
        self.make, self.model, self.serial = QLineEdit(), QLineEdit(), QLineEdit()
        self.kind = QComboBox()
        for kind in DeviceKind:
            self.kind.addItem(kind.label, kind.value)
        self.errors = {key: FieldError(getattr(self, key)) for key in ("make", "model", "serial")}
        form = QFormLayout(self)
        for key, label in (("make", tr("Make")), ("model", tr("Model")),
                           ("serial", tr("Serial number"))):
            form.addRow(label, getattr(self, key))
            form.addRow("", self.errors[key])
        form.addRow(tr("Kind"), self.kind)
        self.needs_patch = QCheckBox(tr("Needs a valid test patch before a patient is treated"))
        form.addRow("", self.needs_patch)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(buttons)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)

    def _save(self) -> None:
        needs_patch = self.needs_patch.isChecked()

        def register(db: Session) -> DeviceRow:
            device = device_register.add_device(
                db, self.actor, make=self.make.text(), model=self.model.text(),
                serial=self.serial.text(), kind=self.kind.currentData())
            if needs_patch:
                patch_tests.require_test_patch(db, self.actor, device.id, None)
            return device

        self.tasks.write(register).then(self._saved, self._refused)

    def _saved(self, device: DeviceRow) -> None:
        self.device = device
        self.accept()

    def _refused(self, error: Exception) -> None:
        if not isinstance(error, ValidationFailed):
            self.tasks.report_error(error)
            return
        for key, field_error in self.errors.items():
            field_error.show_problem(error.problems.get(key))
