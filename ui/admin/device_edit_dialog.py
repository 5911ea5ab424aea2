"""Correct a registered device's make, model, serial number or kind. The sessions logged
with it show the corrected details; the audit trail keeps what they were."""

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from sqlalchemy.orm import Session

from models.clinic import device_register
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import DeviceKind
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall


class DeviceEditDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, device: DeviceRow,
                 parent: QWidget | None = None) -> None:
        self.make, self.model, self.serial = (QLineEdit(device.make), QLineEdit(device.model),
                                              QLineEdit(device.serial))
        for field in (self.make, self.model, self.serial):
            field.setMaxLength(100)
        self.kind = QComboBox()
        for kind in DeviceKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(device.kind)))
        super().__init__(tasks, tr("Correct {device}").format(device=device.display_name), [
            (tr("Make"), "make", self.make), (tr("Model"), "model", self.model),
            (tr("Serial number"), "serial", self.serial), (tr("Kind"), "kind", self.kind)],
            parent, note=tr("The sessions logged with this device will show the corrected "
                            "details; the audit trail keeps what they were."))
        self.actor, self.device = actor, device

    def values(self) -> OperationCall:
        def edit(db: Session, actor: Actor, device_id: int, make: str, model: str, serial: str,
                 kind: str) -> DeviceRow:
            return device_register.edit_device(db, actor, device_id, make=make, model=model,
                                               serial=serial, kind=kind)

        return edit, (self.actor, self.device.id, self.make.text(), self.model.text(),
                      self.serial.text(), self.kind.currentData())
