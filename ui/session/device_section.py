"""The device on the Log session form: the register's devices to choose from, the device's
warnings (tip life, today's verification, faults), its check and, for those allowed, a new
device registered on the spot."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.access.permissions import Action, may
from models.clinic import device_register, device_upkeep
from models.clinic.device_upkeep import DeviceCare
from models.values.rows import Actor, DeviceRow
from ui.equipment.device_check_dialog import DeviceCheckDialog
from ui.equipment.device_dialog import DeviceDialog
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError


class DeviceSection(QWidget):
    """Signals:
    chosen(): another device was chosen (by the user, or by a reload that changed it).
    verified_today(bool): whether the chosen device's daily verification is logged for today
        (False when no device is chosen, or it is not logged).
    """

    chosen = Signal()
    verified_today = Signal(bool)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.devices: dict[int, DeviceRow] = {}
        self.combo = QComboBox()
        self.combo.setAccessibleName(tr("Device"))
        self.check_button = QPushButton(tr("Chec&k…"))
        self.check_button.setToolTip(tr("Device check: its tip, today's verification and "
                                        "faults; log the daily verification here"))
        self.add_button = QPushButton(tr("Register device…"))
        self.add_button.setVisible(may(actor, Action.MANAGE_DEVICES))
        for button in (self.check_button, self.add_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+K; Tab goes on to the areas
        self.error = FieldError(self.combo, reserved=True)
        self.note = QLabel()  # the device's warnings: tip life, verification, faults
        self.note.setObjectName("changeNote")
        self.note.setWordWrap(True)
        self.note.hide()

        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        self.extra_buttons = QHBoxLayout()  # the form's device buttons, above any message
        layout.addLayout(self.extra_buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.note)

        self.add_button.clicked.connect(self._register_device)
        self.check_button.clicked.connect(self.check_device)
        self.combo.currentIndexChanged.connect(lambda _i: self.look_up_care())
        self.combo.currentIndexChanged.connect(lambda _i: self.chosen.emit())

    def focus_chain(self) -> list[QWidget]:
        return [self.combo]

    def current_id(self) -> int | None:
        device_id = self.combo.currentData()
        return device_id if isinstance(device_id, int) else None

    def current(self) -> DeviceRow | None:
        device_id = self.current_id()
        return None if device_id is None else self.devices.get(device_id)

    def reload(self, select_id: int | None = None, announce: bool = True) -> None:
        """Refresh the list, choosing ``select_id``; with ``announce``, a new choice is said
        with ``chosen``."""
        self.tasks.read(device_register.list_devices).then(
            lambda devices: self._show(devices, select_id, announce))

    def _show(self, devices: list[DeviceRow], select_id: int | None, announce: bool) -> None:
        before = self.current_id()
        current = select_id or before
        self.devices = {device.id: device for device in devices}
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(tr("Choose the device…"), None)
        for device in devices:
            self.combo.addItem(device.display_name, device.id)
        index = self.combo.findData(current) if current else 0
        self.combo.setCurrentIndex(max(0, index))
        self.combo.blockSignals(False)
        self.look_up_care()  # its warnings, for a device chosen without a signal
        if announce and self.current_id() != before:
            self.chosen.emit()

    def check_device(self) -> None:
        device = self.current()
        if device is None:
            self.error.show_problem(tr("Choose the device to check"))
            return
        dialog = DeviceCheckDialog(self.tasks, self.actor, device, self)
        dialog.checked.connect(self._show_care)
        dialog.open()
        self.check_dialog = dialog

    def look_up_care(self) -> None:
        device_id = self.current_id()
        self.note.hide()
        self.verified_today.emit(False)  # until the device log says otherwise
        if device_id is not None:
            self.tasks.read(device_upkeep.device_care, self.actor, device_id).then(
                self._show_care)

    def _show_care(self, care: DeviceCare) -> None:
        """Show the device's warnings; say when today's verification is logged."""
        if care.device_id != self.current_id():
            return  # another device was chosen since
        warnings = care.warnings()
        self.note.setText("\n".join(warnings))
        self.note.setVisible(bool(warnings))
        self.verified_today.emit(care.verified_today)

    def _register_device(self) -> None:
        dialog = DeviceDialog(self.tasks, self.actor, self)
        if dialog.exec() and dialog.device is not None:
            self.reload(select_id=dialog.device.id)
