"""Find the patient by identifier or name; a new patient is registered in a small dialog."""

from datetime import date
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from models.clinic import patients
from models.errors import ValidationFailed
from models.language import date_hint, date_text
from models.values.rows import Actor, PatientRow
from models.values.session_input import parse_date
from models.values.vocabulary import FITZPATRICK_TYPES
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall

RESULT_ROWS = 5  # matches shown at once, floating over the form below the search box
ROW_HEIGHT = 34  # a list row as the style sheet makes it (at least 32 px, for gloves)


PORTRAIT = 56  # the portrait beside the patient's name, in pixels


def describe_patient(patient: PatientRow) -> str:
    born = (date_text(patient.date_of_birth) if patient.date_of_birth
            else tr("date of birth unknown"))
    skin = (tr("type {numeral}").format(numeral=FITZPATRICK_TYPES[patient.fitzpatrick])
            if patient.fitzpatrick else tr("type ?"))
    return f"{patient.full_name} · {patient.identifier} · {born} · {skin}"


class NewPatientDialog(FormDialog):
    """Register a patient: identifier, name, date of birth and skin type."""

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        self.actor = actor
        self.identifier = QLineEdit(placeholderText=tr("e.g. clinic file number"))
        self.full_name = QLineEdit()
        self.date_of_birth = QLineEdit(placeholderText=date_hint())
        self.fitzpatrick = QComboBox()
        self.fitzpatrick.addItem(tr("Not assessed"), None)
        for number, roman in FITZPATRICK_TYPES.items():
            self.fitzpatrick.addItem(tr("Type {numeral}").format(numeral=roman), number)
        super().__init__(tasks, tr("New patient"), [
            (tr("Identifier"), "identifier", self.identifier),
            (tr("Name"), "full_name", self.full_name),
            (tr("Date of birth"), "date_of_birth", self.date_of_birth),
            (tr("Skin type (Fitzpatrick)"), "fitzpatrick", self.fitzpatrick)], parent)

    def values(self) -> OperationCall:
        try:
            born: date | None = parse_date(self.date_of_birth.text(), tr("The date of birth"))
        except ValueError as problem:
            raise ValidationFailed({"date_of_birth": str(problem)}) from None
        return partial(patients.add_patient, identifier=self.identifier.text(),
                       full_name=self.full_name.text(), date_of_birth=born,
                       fitzpatrick=self.fitzpatrick.currentData()), (self.actor,)


class _SearchField(QLineEdit):
    """The search box; Down moves into the matches, Escape puts them away."""

    down = Signal()
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        signal = {Qt.Key.Key_Down: self.down, Qt.Key.Key_Escape: self.escape}.get(
            Qt.Key(event.key()))
        if signal is None:
            super().keyPressEvent(event)
        else:
            signal.emit()


class _Matches(QListWidget):
    """The matching patients; Escape goes back to the search box."""

    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
        else:
            super().keyPressEvent(event)


class PatientPicker(QGroupBox):
    """Signals:
    patient_chosen(object): the PatientRow picked or just registered.
    """

    patient_chosen = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tr("1  Patient"), parent)
        self.tasks, self.actor = tasks, actor
        self.patient: PatientRow | None = None

        self.search = _SearchField(placeholderText=tr("Find: identifier or name  (Ctrl+F)"))
        self.search.setAccessibleName(tr("Find patient"))
        # The matches float over the form under the search box (see float_results_over):
        # they take no room in the layout, so nothing below moves as they come and go.
        self.results = _Matches(self)
        self.results.setObjectName("patientMatches")
        self.results.setAccessibleName(tr("Matching patients"))
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)  # the tooltip has it all
        self.results.hide()
        self.selected = QLabel(tr("No patient chosen"))
        self.selected.setWordWrap(True)  # a long name and its details stay readable
        self.selected.setObjectName("selectedPatient")
        self.selected.setMinimumHeight(2 * self.selected.fontMetrics().lineSpacing() + 4)
        self.portrait = QLabel()  # the patient's portrait, when they have one
        self.portrait.setAccessibleName(tr("The patient's portrait"))
        self.portrait.setFixedSize(PORTRAIT, PORTRAIT)
        self.portrait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.portrait.hide()
        self.add_button = QPushButton(tr("Ne&w patient…"))
        self.add_button.setToolTip(tr("Register a patient who is not found"))
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+W; Tab skips it

        layout = QGridLayout(self)
        layout.addWidget(self.search, 0, 0)
        layout.addWidget(self.add_button, 0, 1)
        chosen = QHBoxLayout()
        chosen.addWidget(self.portrait)
        chosen.addWidget(self.selected, 1)
        layout.addLayout(chosen, 1, 0)
        self.extra_buttons = QHBoxLayout()  # the form adds the buttons that need a patient
        layout.addLayout(self.extra_buttons, 1, 1)
        layout.setColumnStretch(0, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._choose_first)
        self.search.down.connect(self._into_results)
        self.search.escape.connect(lambda: self._show_results(False))
        self.results.escape.connect(self._back_to_search)
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)  # one click, gloves on
        self.add_button.clicked.connect(self.register_patient)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus,
                  context=Qt.ShortcutContext.WindowShortcut)

    def float_results_over(self, host: QWidget) -> None:
        """Let the matches float over ``host``: the column the picker sits in."""
        self.results.setParent(host)
        self.results.hide()

    def _show_results(self, visible: bool) -> None:
        if visible:
            host = self.results.parentWidget()
            assert host is not None  # the picker or the column it floats over
            corner = self.search.mapTo(host, self.search.rect().bottomLeft())
            rows = min(max(self.results.count(), 1), RESULT_ROWS)
            width = max(self.search.width(), min(host.width() - corner.x() - 8, 560))
            self.results.setGeometry(corner.x(), corner.y() + 2, width,
                                     rows * ROW_HEIGHT + 2 * self.results.frameWidth())
            self.results.raise_()
        self.results.setVisible(visible)

    def focus_chain(self) -> list[QWidget]:
        return [self.search, self.results]


    # --- search ---------------------------------------------------------------------------
    def _run_search(self, choose_first: bool = False) -> None:
        query = self.search.text()
        self.tasks.read(patients.find_patients, query).then(
            lambda found: self._show(query, found, choose_first))

    def _show(self, query: str, found: list[PatientRow], choose_first: bool = False) -> None:
        if query != self.search.text():
            return  # the technician has typed on since
        if choose_first and len(found) == 1:
            self.choose(found[0])  # Enter takes the one match; of several, the list picks
            return
        self.results.clear()
        for patient in found:
            item = QListWidgetItem(describe_patient(patient))
            item.setData(Qt.ItemDataRole.UserRole, patient)
            item.setToolTip(describe_patient(patient))
            self.results.addItem(item)
        if query.strip() and not found:
            self.results.addItem(tr("No patient found: register them with New patient (Alt+W)"))
        self._show_results(bool(query.strip()))
        if found:
            self.results.setCurrentRow(0)
        if choose_first and len(found) > 1:
            self.results.setFocus()  # several match: arrows and Enter pick one

    def _into_results(self) -> None:
        if self.results.isVisible():
            self.results.setFocus()

    def _back_to_search(self) -> None:
        self._show_results(False)
        self.search.setFocus()

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
        self.selected.setText(tr("Patient: {patient}").format(patient=describe_patient(patient)))
        self.search.clear()  # ready for the next search; the patient is named below it
        self.results.clear()
        self._show_results(False)

    # --- registering ----------------------------------------------------------------------
    def register_patient(self) -> None:
        dialog = NewPatientDialog(self.tasks, self.actor, self)
        dialog.saved.connect(self.choose)
        dialog.open()
        self.new_patient_dialog = dialog

    def show_portrait(self, thumbnail: bytes | None) -> None:
        """The patient's portrait beside their name (hidden when they have none)."""
        pixmap = QPixmap()
        if thumbnail:
            pixmap.loadFromData(thumbnail, "JPEG")
        self.portrait.setPixmap(pixmap.scaled(
            PORTRAIT, PORTRAIT, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation) if not pixmap.isNull() else QPixmap())
        self.portrait.setVisible(not pixmap.isNull())

    def reset(self) -> None:
        self.show_portrait(None)
        self.patient = None
        self.search.clear()
        self.results.clear()
        self._show_results(False)
        self.selected.setText(tr("No patient chosen"))
