"""The Log session screen's widgets and their layout: one form, top to bottom in the order a
session happens, with the keyboard's order the same as the reading order."""

import itertools

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.storage.preferences import Settings
from models.values.rows import Actor
from ui.services.tasks import TaskRunner
from ui.session.anaesthetic_field import AnaestheticField
from ui.session.area_parameters import AreaParametersEditor
from ui.session.course_panel import CoursePanel
from ui.session.device_section import DeviceSection
from ui.session.duration_field import DurationField
from ui.session.patient_picker import PatientPicker
from ui.session.reactions_editor import ReactionsEditor
from ui.session.screening_panel import ScreeningPanel
from ui.widgets.field_error import FieldError


class SessionFormLayout(QWidget):
    """The fields, buttons and messages of the form, laid out; no behaviour."""

    def __init__(self, tasks: TaskRunner, actor: Actor, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.settings = tasks, actor, settings
        self.patient = PatientPicker(tasks, actor)
        self.devices = DeviceSection(tasks, actor)
        self.device, self.device_error = self.devices.combo, self.devices.error
        self.room = QLineEdit(settings.room)
        self.room.setAccessibleName("Room")
        self.duration = DurationField()
        self.duration_error = FieldError(self.duration.minutes)
        self.areas = AreaParametersEditor()
        self.import_button = QPushButton("Import from device &file…")
        self.import_button.setEnabled(False)
        self.import_button.setToolTip("Fill this session's parameters from a device export "
                                      "file (choose the patient first)")
        self.connect_button = QPushButton("Connect simulated de&vice…")
        self.connect_button.setEnabled(False)
        self.connect_button.setToolTip("Take the ticked areas' parameters and pulses from the "
                                       "simulated device as the treatment happens")
        self.screening = ScreeningPanel()
        self.course = CoursePanel(tasks, actor)
        self.aftercare_button = QPushButton("Afterca&re sheet…")
        self.aftercare_button.setEnabled(False)
        self.aftercare_button.setToolTip("Save the aftercare sheet for the areas ticked as a PDF "
                                         "to print, and record it as given")
        self.patch_button = QPushButton("Te&st patches…")
        self.patch_button.setEnabled(False)
        self.patch_button.setToolTip("Record this patient's test patches and their readings "
                                     "(choose the patient first)")
        self.anaesthetic = AnaestheticField()
        self.reactions = ReactionsEditor()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("Anything else worth recording: aftercare given, "
                                      "patient's comments, follow-up")
        self.notes.setMaximumHeight(90)
        self.status = QLabel("Choose the patient to start a session.")
        self.status.setObjectName("formStatus")
        self.general_error = FieldError()
        self.complete_button = QPushButton("&Complete and sign  (Ctrl+Enter)")
        self.complete_button.setObjectName("primary")

        self._lay_out()
        self._fix_tab_order()

    def _lay_out(self) -> None:
        details = QGroupBox("2  Session")
        form = QFormLayout(details)
        form.addRow("Device", self.devices)
        form.addRow("Room", self.room)
        form.addRow("Duration", self.duration)
        form.addRow("", self.duration_error)
        notes = QGroupBox("6  Notes")
        QVBoxLayout(notes).addWidget(self.notes)

        left = QVBoxLayout()
        left.addWidget(self.patient)
        left.addWidget(details)
        left.addWidget(self.screening)
        left.addWidget(self.anaesthetic)
        left.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.areas)
        device_buttons = QHBoxLayout()
        device_buttons.addStretch()
        device_buttons.addWidget(self.patch_button)
        device_buttons.addWidget(self.connect_button)
        device_buttons.addWidget(self.import_button)
        right.addLayout(device_buttons)
        right.addWidget(self.course)
        right.addWidget(self.reactions)
        right.addWidget(notes)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        body = QWidget()
        body.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.aftercare_button)
        footer.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(footer)

    def focus_chain(self) -> list[QWidget]:
        """Every focusable field, in the order the form is read."""
        return [
            *self.patient.focus_chain(), *self.devices.focus_chain(), self.room,
            self.duration.minutes, self.duration.timer_button, *self.screening.focus_chain(),
            *self.anaesthetic.focus_chain(),
            *self.areas.focus_chain(), self.patch_button, self.connect_button,
            self.import_button,
            self.course.plan_button,
            *self.reactions.focus_chain(),
            self.notes,
            self.aftercare_button,
            self.complete_button,
        ]

    def _fix_tab_order(self) -> None:
        chain = self.focus_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
