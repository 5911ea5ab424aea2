"""Every handpiece and tip ever fitted, with the pulses it gave: fitted now, replaced by the
next, or retired. Corrected and retired here, never deleted."""

from PySide6.QtWidgets import QWidget

from models.clinic import device_register, device_upkeep
from models.clinic.device_upkeep import FittedTip
from models.values.rows import Actor, DeviceRow
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.admin.staff_dialogs import TipDialog
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner

COLUMNS = [
    ("Device", lambda t: t.device),
    ("Handpiece or tip", lambda t: t.name),
    ("Pulses", lambda t: f"{t.pulses:,} of {t.rated_pulses:,}"),
    ("Fitted", lambda t: f"{t.fitted_at.astimezone():%Y-%m-%d}"),
    ("State", lambda t: t.state),
]


class TipsPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Handpieces and tips, newest first. Fitting a new one replaces "
                         "the one on the device; a tip taken off without a replacement is "
                         "retired. Their pulses stay counted.", COLUMNS,
                         retired=lambda t: t.ended_at is not None, key=lambda t: t.id,
                         parent=parent)
        self.actor = actor
        self.fit_button = self.add_button(
            "Fit &tip…", "Fit a new handpiece or tip to a device", self.fit)
        self.edit_button = self.add_button(
            "&Edit…", "Correct the chosen tip's name or rated life", self.edit)
        self.retire_button = self.add_button(
            "Re&tire…", "Take the chosen tip off its device without fitting another",
            self.retire)
        self.buttons.addStretch()
        self.on_row_chosen(self.edit)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(device_upkeep.list_tips, self.actor).then(self.show_rows)

    def fit(self) -> None:
        self.tasks.read(device_register.list_devices).then(self._fit)

    def _fit(self, devices: list[DeviceRow]) -> None:
        dialog = TipDialog(self.tasks, self.actor, devices, self)
        dialog.saved.connect(lambda _result: self.said.emit(
            f"Fitted {dialog.name.text().strip()}; its pulses are counted from now."))
        dialog.open()
        self.tip_dialog = dialog

    def edit(self) -> None:
        tip: FittedTip | None = self.chosen("a tip")
        if tip is None:
            return
        dialog = TipDialog(self.tasks, self.actor, [], self, tip=tip)
        dialog.saved.connect(lambda _result: self.said.emit(
            f"Saved {dialog.name.text().strip()}."))
        dialog.open()
        self.tip_dialog = dialog

    def retire(self) -> None:
        tip: FittedTip | None = self.chosen("a tip")
        if tip is None:
            return
        if tip.ended_at is not None:
            self.said.emit(f"{tip.name} is no longer fitted ({tip.state.lower()}).")
            return
        dialog = RetireDialog(
            self.tasks, tip.name,
            f"{tip.name} comes off {tip.device}, which then has no tip fitted until one is. "
            f"Its {tip.pulses:,} pulses stay on record.",
            (device_upkeep.retire_tip, (self.actor, tip.id)), self)
        dialog.saved.connect(lambda _result: self.said.emit(
            f"Retired {tip.name}; {tip.device} has no tip fitted now."))
        dialog.open()
        self.retire_dialog = dialog
