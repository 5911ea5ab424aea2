"""The rules that require a valid test patch before treating with a device, on an area, or
both: added, corrected and retired here. A retired rule stays listed and no longer applies."""

from PySide6.QtWidgets import QWidget

from models.clinic import device_register
from models.language import date_text
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import Area
from models.workflow import patch_tests
from models.workflow.patch_tests import RuleRow
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.admin.staff_dialogs import TestPatchRuleDialog
from ui.language import tr, tr_noop
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner

COLUMNS = [
    (tr_noop("Device"), lambda r: r.device or tr("Any device")),
    (tr_noop("Area"), lambda r: Area(r.area).label if r.area else tr("Any area")),
    (tr_noop("Added"), lambda r: tr("{day} by {name}").format(
        day=date_text(r.created_at.astimezone().date()), name=r.created_by)),
    (tr_noop("State"), lambda r: r.state),
]


class PatchRulesPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tasks, tr("A session with a device or on an area a rule names cannot "
                                   "be completed without a valid test patch. A retired rule "
                                   "stays here and no longer applies."), COLUMNS,
                         retired=lambda r: not r.active, key=lambda r: r.id, parent=parent)
        self.actor = actor
        self.add_rule_button = self.add_button(
            tr("&Add rule…"), tr("Require a valid test patch for a device, an area, or both"),
            self.add)
        self.edit_button = self.add_button(
            tr("&Edit…"), tr("Correct the device or area the chosen rule names"), self.edit)
        self.retire_button = self.add_button(
            tr("Re&tire…"), tr("Stop requiring what the chosen rule requires"), self.retire)
        self.buttons.addStretch()
        self.on_row_chosen(self.edit)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(patch_tests.list_rules, self.actor).then(self.show_rows)

    def add(self) -> None:
        self.tasks.read(device_register.list_devices).then(lambda devices: self._open(
            devices, None))

    def edit(self) -> None:
        rule: RuleRow | None = self.chosen(tr("Choose a rule in the list first."))
        if rule is None:
            return
        if not rule.active:
            self.said.emit(tr("That rule is retired; add a new one instead."))
            return
        self.tasks.read(device_register.list_devices).then(lambda devices: self._open(
            devices, rule))

    def _open(self, devices: list[DeviceRow], rule: RuleRow | None) -> None:
        dialog = TestPatchRuleDialog(self.tasks, self.actor, devices, self, rule=rule)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("From now on those sessions need a valid test patch.") if rule is None else
            tr("Saved the rule; sessions are checked against it from now on.")))
        dialog.open()
        self.rule_dialog = dialog

    def retire(self) -> None:
        rule: RuleRow | None = self.chosen(tr("Choose a rule in the list first."))
        if rule is None:
            return
        dialog = RetireDialog(
            self.tasks, tr("Retire the rule: {rule}").format(rule=rule.describe()),
            tr("Sessions will no longer need a test patch because of this rule (another rule "
               "may still require one). The rule stays listed."),
            (patch_tests.retire_rule, (self.actor, rule.id)), self)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Retired the rule for {rule}; it no longer applies.").format(
                rule=rule.describe())))
        dialog.open()
        self.retire_dialog = dialog
