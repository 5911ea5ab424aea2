"""A patient's test patches: record a new one, and what a patch showed when read."""

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.errors import ValidationFailed
from models.language import date_hint, typed_date_text
from models.values.rows import Actor, DeviceRow, PatientRow
from models.values.session_input import parse_date, parse_number
from models.values.vocabulary import Area, PatchResult
from models.workflow import patch_tests
from models.workflow.patch_tests import PatchRow
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError


class TestPatchDialog(QDialog):
    """Signals:
    changed(): a patch was recorded or read.
    """

    __test__ = False  # not a pytest class
    changed = Signal()

    def __init__(self, tasks: TaskRunner, actor: Actor, patient: PatientRow,
                 devices: dict[int, DeviceRow], device_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Test patches – {name}").format(name=patient.full_name))
        self.setMinimumWidth(620)
        self.tasks, self.actor, self.patient = tasks, actor, patient
        self.patches: list[PatchRow] = []
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Test patches"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMaximumHeight(140)

        self.device = QComboBox()
        for device in devices.values():
            self.device.addItem(device.display_name, device.id)
        self.device.setCurrentIndex(max(0, self.device.findData(device_id)))
        self.area = QComboBox()
        self.area.addItem(tr("Any area (a spot near the treated area)"), None)
        for area in Area:
            self.area.addItem(area.label, area.value)
        self.done_on = QLineEdit(typed_date_text(date.today()), placeholderText=date_hint())
        self.done_on.setAccessibleName(tr("Patch done on"))
        self.fluence = QLineEdit(placeholderText="J/cm²")
        self.fluence.setAccessibleName(tr("Fluence of the patch"))
        self.energy = QLineEdit(placeholderText=tr("J (radiofrequency)"))
        self.energy.setAccessibleName(tr("Energy of the patch"))
        self.read_after = QSpinBox(minimum=0, maximum=30,
                                   value=patch_tests.DEFAULT_READ_AFTER_DAYS, suffix=tr(" days"))
        self.read_after.setAccessibleName(tr("Read after"))
        self.record_button = QPushButton(tr("&Record the patch"))
        self.new_errors = {key: FieldError(field) for key, field in (
            ("device", self.device), ("area", self.area), ("done_on", self.done_on),
            ("settings", self.fluence), ("read_after_days", self.read_after))}

        self.read_on = QLineEdit(typed_date_text(date.today()), placeholderText=date_hint())
        self.read_on.setAccessibleName(tr("Patch read on"))
        self.result_choice = QComboBox()
        for result in (PatchResult.NO_REACTION, PatchResult.REACTION):
            self.result_choice.addItem(result.label, result.value)
        self.note = QLineEdit(placeholderText=tr("What the skin showed"))
        self.read_button = QPushButton(tr("Record the &reading"))
        self.read_errors = {"read_on": FieldError(self.read_on),
                            "result": FieldError(self.result_choice)}

        new = QGroupBox(tr("A new patch"))
        form = QFormLayout(new)
        for label, key, field in ((tr("Device"), "device", self.device),
                                  (tr("Area"), "area", self.area),
                                  (tr("Done on"), "done_on", self.done_on),
                                  (tr("Fluence"), "settings", self.fluence)):
            form.addRow(label, field)
            form.addRow("", self.new_errors[key])
        form.addRow(tr("or energy"), self.energy)
        form.addRow(tr("Read after"), self.read_after)
        form.addRow("", self.new_errors["read_after_days"])
        form.addRow("", self.record_button)
        reading = QGroupBox(tr("The reading of the selected patch"))
        read_form = QFormLayout(reading)
        read_form.addRow(tr("Read on"), self.read_on)
        read_form.addRow("", self.read_errors["read_on"])
        read_form.addRow(tr("Result"), self.result_choice)
        read_form.addRow("", self.read_errors["result"])
        read_form.addRow(tr("Note"), self.note)
        read_form.addRow("", self.read_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(new)
        layout.addWidget(reading)
        layout.addWidget(buttons)
        self.record_button.clicked.connect(self.record)
        self.read_button.clicked.connect(self.read)
        self.list.currentRowChanged.connect(self._enable)
        self.refresh()

    def refresh(self) -> None:
        self.tasks.read(patch_tests.patches_of, self.actor, self.patient.id).then(self._show)

    def _show(self, patches: list[PatchRow]) -> None:
        self.patches = patches
        self.list.clear()
        for patch in patches:
            self.list.addItem(QListWidgetItem(patch.describe()))
        if not patches:
            self.list.addItem(tr("No test patch recorded for this patient yet."))
        pending = [i for i, p in enumerate(patches) if p.result == PatchResult.PENDING]
        self.list.setCurrentRow(pending[0] if pending else -1)
        self._enable()

    def selected(self) -> PatchRow | None:
        row = self.list.currentRow()
        return self.patches[row] if 0 <= row < len(self.patches) else None

    def _enable(self) -> None:
        patch = self.selected()
        self.read_button.setEnabled(patch is not None and patch.result == PatchResult.PENDING)

    def record(self) -> None:
        problems: dict[str, str] = {}
        done_on: date | None = None
        try:
            done_on = parse_date(self.done_on.text(), tr("The date done"))
        except ValueError as problem:
            problems["done_on"] = str(problem)
        settings: dict[str, float | None] = {}
        for key, field, label in (("fluence", self.fluence, tr("Fluence")),
                                  ("energy", self.energy, tr("Energy"))):
            try:
                settings[key] = parse_number(field.text(), label)
            except ValueError as problem:
                problems["settings"] = str(problem)
        if problems:
            self._show_problems(self.new_errors, problems)
            return
        self.tasks.write(patch_tests.record_test_patch, self.actor, self.patient.id,
                         self.device.currentData(), self.area.currentData(), done_on,
                         settings["fluence"], settings["energy"], self.read_after.value()).then(
                             lambda _row: self._saved(self.new_errors),
                             lambda error: self._failed(self.new_errors, error))

    def read(self) -> None:
        patch = self.selected()
        if patch is None:
            return
        try:
            read_on = parse_date(self.read_on.text(), tr("The date read"))
        except ValueError as problem:
            self._show_problems(self.read_errors, {"read_on": str(problem)})
            return
        self.tasks.write(patch_tests.read_test_patch, self.actor, patch.id, read_on,
                         self.result_choice.currentData(), self.note.text()).then(
                             lambda _row: self._saved(self.read_errors),
                             lambda error: self._failed(self.read_errors, error))

    def _saved(self, errors: dict[str, FieldError]) -> None:
        self._show_problems(errors, {})
        self.refresh()
        self.changed.emit()

    def _failed(self, errors: dict[str, FieldError], error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self._show_problems(errors, error.problems)
        else:
            self.tasks.report_error(error)

    @staticmethod
    def _show_problems(errors: dict[str, FieldError], problems: dict[str, str]) -> None:
        for key, error in errors.items():
            error.show_problem(problems.get(key))
