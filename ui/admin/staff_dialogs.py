"""The administrator's dialogs: a technician's certification, a handpiece or tip fitted to a
device (or corrected), a rule requiring a test patch (or corrected), and the clinic's
settings. Each says every problem at once, next to its field."""

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from models.access import accounts
from models.clinic import clinic_settings, device_upkeep
from models.clinic.clinic_settings import ClinicRules
from models.clinic.device_upkeep import FittedTip
from models.errors import ValidationFailed
from models.language import date_hint
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import Area
from models.workflow import patch_tests
from models.workflow.patch_tests import RuleRow
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall


class CertificationDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, username: str,
                 parent: QWidget | None = None) -> None:
        self.number = QLineEdit()
        self.expires = QLineEdit(placeholderText=date_hint())
        super().__init__(tasks, tr("Certification of {username}").format(username=username), [
            (tr("Certification number"), "certification_number", self.number),
            (tr("Expires on"), "certification_expires", self.expires)], parent)
        self.actor, self.username = actor, username

    def values(self) -> OperationCall:
        """The date as typed: the core reads it, and says what is wrong with it together
        with the number."""
        return accounts.record_certification, (self.actor, self.username, self.number.text(),
                                               self.expires.text())


class TipDialog(FormDialog):
    """Fit a new handpiece or tip (to ``device_id``, chosen first, when given); or, given a
    ``tip``, correct its name and rated life."""

    def __init__(self, tasks: TaskRunner, actor: Actor, devices: list[DeviceRow],
                 parent: QWidget | None = None, device_id: int | None = None,
                 tip: FittedTip | None = None) -> None:
        self.device = QComboBox()
        for device in devices:
            self.device.addItem(device.display_name, device.id)
        self.name = QLineEdit(placeholderText=tr("e.g. IR handpiece 2, tip 15 mm"))
        self.name.setMaxLength(100)
        self.rated = QSpinBox(minimum=0, maximum=100_000_000, singleStep=1000)
        self.rated.setGroupSeparatorShown(True)
        if tip is not None:
            self.device.clear()
            self.device.addItem(tip.device, tip.device_id)
            self.device.setEnabled(False)
            self.name.setText(tip.name)
            self.rated.setValue(tip.rated_pulses)
        elif device_id is not None:
            self.device.setCurrentIndex(max(0, self.device.findData(device_id)))
        super().__init__(tasks, tr("Fit a handpiece or tip") if tip is None else
                         tr("Correct a handpiece or tip"), [
            (tr("Device"), "device", self.device), (tr("Handpiece or tip"), "name", self.name),
            (tr("Rated life (pulses)"), "rated_pulses", self.rated)], parent,
            note="" if tip is None else tr("Its fitting and the pulses counted stay as they "
                                           "are."))
        self.actor, self.tip = actor, tip

    def values(self) -> OperationCall:
        if self.tip is not None:
            return device_upkeep.edit_tip, (self.actor, self.tip.id, self.name.text(),
                                            self.rated.value())
        if self.device.currentData() is None:
            raise ValidationFailed({"device": tr("Register the device first")})
        return device_upkeep.fit_tip, (self.actor, self.device.currentData(), self.name.text(),
                                     self.rated.value())


class TestPatchRuleDialog(FormDialog):
    """From now on, sessions with this device, on this area, or both need a valid patch;
    given a ``rule`` in force, what it names is corrected."""

    __test__ = False  # not a pytest class

    def __init__(self, tasks: TaskRunner, actor: Actor, devices: list[DeviceRow],
                 parent: QWidget | None = None, rule: RuleRow | None = None) -> None:
        self.device = QComboBox()
        self.device.addItem(tr("Any device"), None)
        for device in devices:
            self.device.addItem(device.display_name, device.id)
        self.area = QComboBox()
        self.area.addItem(tr("Any area"), None)
        for area in Area:
            self.area.addItem(area.label, area.value)
        if rule is not None:
            self.device.setCurrentIndex(max(0, self.device.findData(rule.device_id)))
            self.area.setCurrentIndex(max(0, self.area.findData(rule.area)))
        super().__init__(tasks, tr("Require a test patch") if rule is None else
                         tr("Correct a test patch rule"), [
            (tr("Device"), "rule", self.device), (tr("Area"), "area", self.area)], parent)
        self.actor, self.rule = actor, rule

    def values(self) -> OperationCall:
        if self.rule is not None:
            return patch_tests.edit_rule, (self.actor, self.rule.id, self.device.currentData(),
                                           self.area.currentData())
        return patch_tests.require_test_patch, (self.actor, self.device.currentData(),
                                                 self.area.currentData())


class ClinicSettingsDialog(FormDialog):
    """Every clinic setting: a number in its range, a switch, or a text (the clinic's name,
    address and phone); those changed are saved together."""

    def __init__(self, tasks: TaskRunner, actor: Actor, current: ClinicRules,
                 parent: QWidget | None = None) -> None:
        self.current = current
        self.fields: dict[str, QSpinBox | QCheckBox | QLineEdit] = {}
        for name, spec in clinic_settings.SPECS.items():
            value = getattr(current, name)
            field: QSpinBox | QCheckBox | QLineEdit
            if isinstance(spec, clinic_settings.TextSettingSpec):
                field = QLineEdit(value)
                field.setMaxLength(spec.max_length)
            elif spec.yes_no:
                field = QCheckBox(tr("Yes"))
                field.setChecked(bool(value))
            else:
                field = QSpinBox(minimum=0, maximum=spec.high, value=value,
                                 suffix=f" {spec.unit}")
            self.fields[name] = field
        super().__init__(tasks, tr("Clinic settings"), [
            (spec.label, name, self.fields[name])
            for name, spec in clinic_settings.SPECS.items()], parent,
            note=tr("The same on every PC, from the next session on."))
        self.actor = actor

    def values(self) -> OperationCall:
        changed = {name: value for name, field in self.fields.items()
                   if (value := _value_of(field)) != getattr(self.current, name)}

        def save(db: Session, actor: Actor) -> ClinicRules:
            rules = self.current
            for name, value in changed.items():
                rules = clinic_settings.change_setting(db, actor, name, value)
            return rules

        return save, (self.actor,)


def _value_of(field: QSpinBox | QCheckBox | QLineEdit) -> int | str:
    if isinstance(field, QLineEdit):
        return field.text().strip()
    if isinstance(field, QCheckBox):
        return int(field.isChecked())
    return field.value()
