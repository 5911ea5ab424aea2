"""Find the patient by identifier or name, or register a new one."""

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.clinic import patients
from models.errors import ValidationFailed
from models.values.rows import Actor, PatientRow
from models.values.session_input import parse_date
from models.values.vocabulary import FITZPATRICK_TYPES
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError


def describe_patient(patient: PatientRow) -> str:
    born = patient.date_of_birth.isoformat() if patient.date_of_birth else "date of birth unknown"
    skin = f"type {FITZPATRICK_TYPES[patient.fitzpatrick]}" if patient.fitzpatrick else "type ?"
    return f"{patient.full_name} · {patient.identifier} · {born} · {skin}"


class PatientPicker(QGroupBox):
    """Signals:
    patient_chosen(object): the PatientRow picked or just registered.
    """

    patient_chosen = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("1  Patient", parent)
        self.tasks, self.actor = tasks, actor
        self.patient: PatientRow | None = None

        self.search = QLineEdit(placeholderText="Find: identifier or name")
        self.search.setAccessibleName("Find patient")
        self.results = QListWidget()
        self.results.setMaximumHeight(96)
        self.results.setAccessibleName("Matching patients")
        self.results.hide()
        self.selected = QLabel("No patient chosen")
        self.selected.setWordWrap(True)  # a long name and its details stay readable
        self.selected.setObjectName("selectedPatient")

        self.identifier = QLineEdit(placeholderText="e.g. clinic file number")
        self.full_name = QLineEdit()
        self.date_of_birth = QLineEdit(placeholderText="YYYY-MM-DD")
        self.fitzpatrick = QComboBox()
        self.fitzpatrick.addItem("Not assessed", None)
        for number, roman in FITZPATRICK_TYPES.items():
            self.fitzpatrick.addItem(f"Type {roman}", number)
        self.add_button = QPushButton("&Add new patient")
        self.errors = {
            "identifier": FieldError(self.identifier),
            "full_name": FieldError(self.full_name),
            "date_of_birth": FieldError(self.date_of_birth),
            "fitzpatrick": FieldError(self.fitzpatrick),
        }

        form = QFormLayout()
        form.addRow("Identifier", self._with_error(self.identifier, "identifier"))
        form.addRow("Name", self._with_error(self.full_name, "full_name"))
        form.addRow("Date of birth", self._with_error(self.date_of_birth, "date_of_birth"))
        form.addRow("Skin type (Fitzpatrick)", self._with_error(self.fitzpatrick, "fitzpatrick"))
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.add_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.selected)
        layout.addWidget(QLabel("Or register a new patient:"))
        layout.addLayout(form)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._choose_first)
        self.results.itemActivated.connect(self._choose_item)
        self.add_button.clicked.connect(self._add_patient)

    def _with_error(self, field: QWidget, key: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(field)
        layout.addWidget(self.errors[key])
        return box

    def focus_chain(self) -> list[QWidget]:
        return [self.search, self.results, self.identifier, self.full_name,
                self.date_of_birth, self.fitzpatrick, self.add_button]

    # --- search ---------------------------------------------------------------------------
    def _run_search(self, choose_first: bool = False) -> None:
        query = self.search.text()
        self.tasks.read(patients.find_patients, query).then(
            lambda found: self._show(query, found, choose_first))

    def _show(self, query: str, found: list[PatientRow], choose_first: bool = False) -> None:
        if query != self.search.text():
            return  # the technician has typed on since
        if choose_first and found:
            self.choose(found[0])
            return
        self.results.clear()
        for patient in found:
            item = QListWidgetItem(describe_patient(patient))
            item.setData(Qt.ItemDataRole.UserRole, patient)
            self.results.addItem(item)
        if query.strip() and not found:
            self.results.addItem("No patient found: register them below")
        self.results.setVisible(bool(query.strip()))
        if found:
            self.results.setCurrentRow(0)

    def _choose_first(self) -> None:
        self._search_timer.stop()
        self._run_search(choose_first=True)

    def _choose_item(self, item: QListWidgetItem | None) -> None:
        patient = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(patient, PatientRow):
            self.choose(patient)

    def choose(self, patient: PatientRow) -> None:
        self.show_patient(patient)
        self.patient_chosen.emit(patient)

    def show_patient(self, patient: PatientRow) -> None:
        """Show the patient as chosen, without starting anything."""
        self.patient = patient
        self.selected.setText(f"Patient: {describe_patient(patient)}")
        self.results.hide()

    # --- registering ----------------------------------------------------------------------
    def _add_patient(self) -> None:
        for error in self.errors.values():
            error.show_problem(None)
        try:
            born: date | None = parse_date(self.date_of_birth.text(), "The date of birth")
        except ValueError as problem:
            self.errors["date_of_birth"].show_problem(str(problem))
            return
        self.tasks.write(
            lambda s: patients.add_patient(
                s, self.actor,
                identifier=self.identifier.text(),
                full_name=self.full_name.text(),
                date_of_birth=born,
                fitzpatrick=self.fitzpatrick.currentData(),
            ),
        ).then(self._added, self._refused)

    def _added(self, patient: PatientRow) -> None:
        for field in (self.identifier, self.full_name, self.date_of_birth):
            field.clear()
        self.fitzpatrick.setCurrentIndex(0)
        self.choose(patient)

    def _refused(self, error: Exception) -> None:
        if not isinstance(error, ValidationFailed):
            self.tasks.report_error(error)
            return
        for key, text in error.problems.items():
            self.errors.get(key, self.errors["identifier"]).show_problem(text)

    def reset(self) -> None:
        self.patient = None
        self.search.clear()
        self.results.clear()
        self.results.hide()
        self.selected.setText("No patient chosen")
