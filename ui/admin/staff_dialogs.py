"""The administrator's dialogs: a technician's certification, a handpiece or tip fitted to a
device, a rule requiring a test patch, and the clinic's settings."""

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from models.access import accounts
from models.clinic import clinic_settings, device_upkeep
from models.clinic.clinic_settings import ClinicRules
from models.errors import ValidationFailed
from models.values.rows import Actor, DeviceRow
from models.values.session_input import parse_date
from models.values.vocabulary import Area
from models.workflow import patch_tests
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall


class CertificationDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, username: str,
                 parent: QWidget | None = None) -> None:
        self.number = QLineEdit()
        self.expires = QLineEdit(placeholderText="YYYY-MM-DD")
        super().__init__(tasks, f"Certification of {username}", [
            ("Certification number", "certification_number", self.number),
            ("Expires on", "certification_expires", self.expires)], parent)
        self.actor, self.username = actor, username

    def values(self) -> OperationCall:
        try:
            expires = parse_date(self.expires.text(), "The expiry date")
        except ValueError as problem:
            raise ValidationFailed({"certification_expires": str(problem)}) from None
        if expires is None:
            raise ValidationFailed({"certification_expires": "Enter the expiry date"})
        return accounts.record_certification, (self.actor, self.username, self.number.text(),
                                               expires)


class TipDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, devices: list[DeviceRow],
                 parent: QWidget | None = None) -> None:
        self.device = QComboBox()
        for device in devices:
            self.device.addItem(device.display_name, device.id)
        self.name = QLineEdit(placeholderText="e.g. IR handpiece 2, tip 15 mm")
        self.rated = QSpinBox(minimum=0, maximum=100_000_000, singleStep=1000)
        super().__init__(tasks, "Fit a handpiece or tip", [
            ("Device", "device", self.device), ("Handpiece or tip", "name", self.name),
            ("Rated life (pulses)", "rated_pulses", self.rated)], parent)
        self.actor = actor

    def values(self) -> OperationCall:
        if self.device.currentData() is None:
            raise ValidationFailed({"device": "Register the device first"})
        return device_upkeep.fit_tip, (self.actor, self.device.currentData(), self.name.text(),
                                     self.rated.value())


class TestPatchRuleDialog(FormDialog):
    """From now on, sessions with this device, on this area, or both need a valid patch."""

    __test__ = False  # not a pytest class

    def __init__(self, tasks: TaskRunner, actor: Actor, devices: list[DeviceRow],
                 parent: QWidget | None = None) -> None:
        self.device = QComboBox()
        self.device.addItem("Any device", None)
        for device in devices:
            self.device.addItem(device.display_name, device.id)
        self.area = QComboBox()
        self.area.addItem("Any area", None)
        for area in Area:
            self.area.addItem(area.label, area.value)
        super().__init__(tasks, "Require a test patch", [
            ("Device", "rule", self.device), ("Area", "area", self.area)], parent)
        self.actor = actor

    def values(self) -> OperationCall:
        return patch_tests.require_test_patch, (self.actor, self.device.currentData(),
                                                 self.area.currentData())


class ClinicSettingsDialog(FormDialog):
    """Every clinic setting: a number in its range, a switch, or a text (the clinic's name,
    address and phone, the consent form version); those changed are saved together."""

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
                field = QCheckBox("Yes")
                field.setChecked(bool(value))
            else:
                field = QSpinBox(minimum=0, maximum=spec.high, value=value,
                                 suffix=f" {spec.unit}")
            self.fields[name] = field
        super().__init__(tasks, "Clinic settings", [
            (spec.label, name, self.fields[name])
            for name, spec in clinic_settings.SPECS.items()], parent,
            note="The same on every PC, from the next session on.")
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
