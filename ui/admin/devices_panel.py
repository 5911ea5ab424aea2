"""The device register: every device with the tip fitted now and its last daily
verification; registered, corrected and retired here, never deleted."""

from PySide6.QtWidgets import QWidget

from models.clinic import device_register
from models.clinic.device_register import RegisteredDevice
from models.language import datetime_text
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import DeviceKind, LogKind
from ui.admin.device_edit_dialog import DeviceEditDialog
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.admin.staff_dialogs import TipDialog
from ui.equipment.device_dialog import DeviceDialog
from ui.language import tr, tr_noop
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner


def _last_check(device: RegisteredDevice) -> str:
    check = device.last_verification
    if check is None:
        return tr("never")
    said = (tr("{when} passed ({by})") if check.kind == LogKind.VERIFICATION_PASSED else
            tr("{when} FAILED ({by})"))
    return said.format(when=datetime_text(check.logged_at), by=check.logged_by)


COLUMNS = [
    (tr_noop("Device"), lambda d: f"{d.device.make} {d.device.model}"),
    (tr_noop("Serial"), lambda d: d.device.serial),
    (tr_noop("Kind"), lambda d: DeviceKind(d.device.kind).label
     if d.device.kind in set(DeviceKind) else d.device.kind),
    (tr_noop("Tip fitted now"), lambda d: d.tip or tr("none", "no tip fitted")),
    (tr_noop("Last daily verification"), _last_check),
    (tr_noop("State"), lambda d: d.state),
]


class DevicesPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tasks, tr("The clinic's devices. A retired device stays here and in "
                                   "the sessions logged with it; it is no longer offered for new "
                                   "sessions."),
                         COLUMNS, retired=lambda d: not d.active, key=lambda d: d.device.id,
                         parent=parent)
        self.actor = actor
        self.register_button = self.add_button(
            tr("&Register device…"), tr("Add a device to the register"), self.register)
        self.edit_button = self.add_button(
            tr("&Edit…"), tr("Correct the chosen device's make, model, serial or kind"),
            self.edit)
        self.retire_button = self.add_button(
            tr("Re&tire…"), tr("Take the chosen device out of use; it stays on record"),
            self.retire)
        self.tip_button = self.add_button(
            tr("Fit &tip…"), tr("Fit a new handpiece or tip to the chosen device"),
            self.fit_tip)
        self.buttons.addStretch()
        self.on_row_chosen(self.edit)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(device_register.register, self.actor).then(self.show_rows)

    def register(self) -> None:
        dialog = DeviceDialog(self.tasks, self.actor, self)
        dialog.accepted.connect(lambda: self._registered(dialog.device))
        dialog.open()
        self.device_dialog = dialog

    def _registered(self, device: DeviceRow | None) -> None:
        if device is not None:
            self.said.emit(tr("Registered {device}; technicians can choose it for new "
                              "sessions now.").format(device=device.display_name))

    def edit(self) -> None:
        chosen: RegisteredDevice | None = self.chosen(tr("Choose a device in the list first."))
        if chosen is None:
            return
        if not chosen.active:
            self.said.emit(tr("{device} is retired; it is kept as it was.").format(
                device=chosen.device.display_name))
            return
        dialog = DeviceEditDialog(self.tasks, self.actor, chosen.device, self)
        dialog.saved.connect(lambda device: self.said.emit(
            tr("Saved {device}; its sessions show the corrected details.").format(
                device=device.display_name)))
        dialog.open()
        self.edit_dialog = dialog

    def retire(self) -> None:
        chosen: RegisteredDevice | None = self.chosen(tr("Choose a device in the list first."))
        if chosen is None:
            return
        name = chosen.device.display_name
        dialog = RetireDialog(
            self.tasks, tr("Retire {name}").format(name=name),
            tr("{device} will no longer be offered for new sessions. It stays in the register "
               "and in every session logged with it.").format(device=name),
            (device_register.retire_device, (self.actor, chosen.device.id)), self)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Retired {device}; it is no longer offered for new sessions.").format(
                device=name)))
        dialog.open()
        self.retire_dialog = dialog

    def fit_tip(self) -> None:
        chosen: RegisteredDevice | None = self.selected()
        self.tasks.read(device_register.list_devices).then(
            lambda devices: self._fit_tip(devices, chosen))

    def _fit_tip(self, devices: list[DeviceRow], chosen: RegisteredDevice | None) -> None:
        dialog = TipDialog(self.tasks, self.actor, devices, self,
                           device_id=chosen.device.id if chosen is not None else None)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Fitted {tip}; its pulses are counted from now.").format(
                tip=dialog.name.text().strip())))
        dialog.open()
        self.tip_dialog = dialog
