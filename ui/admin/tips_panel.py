"""Every handpiece and tip ever fitted, with the pulses it gave: fitted now, replaced by the
next, or retired. Corrected and retired here, never deleted."""

from PySide6.QtWidgets import QWidget

from models.clinic import device_register, device_upkeep
from models.clinic.device_upkeep import FittedTip
from models.language import date_text, number_text
from models.values.rows import Actor, DeviceRow
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.admin.staff_dialogs import TipDialog
from ui.language import tr, tr_noop, trn
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner

COLUMNS = [
    (tr_noop("Device"), lambda t: t.device),
    (tr_noop("Handpiece or tip"), lambda t: t.name),
    (tr_noop("Pulses"), lambda t: tr("{pulses} of {rated}").format(
        pulses=number_text(t.pulses), rated=number_text(t.rated_pulses))),
    (tr_noop("Fitted"), lambda t: date_text(t.fitted_at.astimezone().date())),
    (tr_noop("State"), lambda t: t.state),
]


class TipsPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tasks, tr("Handpieces and tips, newest first. Fitting a new one "
                                   "replaces the one on the device; a tip taken off without a "
                                   "replacement is retired. Their pulses stay counted."),
                         COLUMNS,
                         retired=lambda t: t.ended_at is not None, key=lambda t: t.id,
                         parent=parent)
        self.actor = actor
        self.fit_button = self.add_button(
            tr("Fit &tip…"), tr("Fit a new handpiece or tip to a device"), self.fit)
        self.edit_button = self.add_button(
            tr("&Edit…"), tr("Correct the chosen tip's name or rated life"), self.edit)
        self.retire_button = self.add_button(
            tr("Re&tire…"), tr("Take the chosen tip off its device without fitting another"),
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
            tr("Fitted {tip}; its pulses are counted from now.").format(
                tip=dialog.name.text().strip())))
        dialog.open()
        self.tip_dialog = dialog

    def edit(self) -> None:
        tip: FittedTip | None = self.chosen(tr("Choose a tip in the list first."))
        if tip is None:
            return
        dialog = TipDialog(self.tasks, self.actor, [], self, tip=tip)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Saved {tip}.").format(tip=dialog.name.text().strip())))
        dialog.open()
        self.tip_dialog = dialog

    def retire(self) -> None:
        tip: FittedTip | None = self.chosen(tr("Choose a tip in the list first."))
        if tip is None:
            return
        if tip.ended_at is not None:
            ended = (tr("{tip} is no longer fitted (retired {day}).") if tip.retired else
                     tr("{tip} is no longer fitted (replaced {day})."))
            self.said.emit(ended.format(tip=tip.name,
                                        day=date_text(tip.ended_at.astimezone().date())))
            return
        dialog = RetireDialog(
            self.tasks, tr("Retire {name}").format(name=tip.name),
            trn("{tip} comes off {device}, which then has no tip fitted until one is. Its "
                "{pulses} pulse stays on record.", "{tip} comes off {device}, which then has no "
                "tip fitted until one is. Its {pulses} pulses stay on record.", tip.pulses
                ).format(tip=tip.name, device=tip.device, pulses=number_text(tip.pulses)),
            (device_upkeep.retire_tip, (self.actor, tip.id)), self)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Retired {tip}; {device} has no tip fitted now.").format(tip=tip.name,
                                                                         device=tip.device)))
        dialog.open()
        self.retire_dialog = dialog
