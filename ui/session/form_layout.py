"""The Log session screen's widgets and their layout, in the order a session happens:

    1 Patient                 | 3 Device, areas and parameters
    2 Screening and consent   | 4 Anaesthetic and reactions
    ------------------------------------------------------------
                                  status      5 Complete and sign

Each column scrolls on its own and has a fixed width share, so nothing in one moves when the
other grows; the buttons sit above anything that can appear or grow, or in the footer.
The keyboard's order is the reading order, and Tab skips what a session seldom needs (those
have Alt shortcuts instead).
"""

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from models.storage.preferences import Settings
from models.values.rows import Actor
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.session.anaesthetic_field import AnaestheticField
from ui.session.area_parameters import AreaParametersEditor
from ui.session.course_panel import CoursePanel
from ui.session.device_section import DeviceSection
from ui.session.duration_field import DurationField
from ui.session.patient_picker import PatientPicker
from ui.session.photo_panel import PhotoPanel
from ui.session.reactions_editor import ReactionsEditor
from ui.session.screening_panel import ScreeningPanel
from ui.session.start_field import StartField
from ui.widgets.field_error import FieldError


def seldom_needed(button: QPushButton, tip: str) -> QPushButton:
    """A button Tab skips (it has an Alt shortcut), off until a draft is open."""
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setEnabled(False)
    button.setToolTip(tip)
    return button


class Column(QScrollArea):
    """One column of the form, scrolling on its own."""

    def __init__(self, body: QWidget) -> None:
        super().__init__()
        self.body = body


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
        self.room.setAccessibleName(tr("Room"))
        self.room.setMaximumWidth(140)
        self.start = StartField()
        self.duration = DurationField()
        self.duration_error = FieldError(self.duration.minutes, reserved=True)
        self.areas = AreaParametersEditor()
        self.import_button = seldom_needed(
            QPushButton(tr("Import device e&xport file…")),
            tr("Fill this session's parameters from a device export file (Alt+X)"))
        self.connect_button = seldom_needed(
            QPushButton(tr("Connect &simulated device…")),
            tr("Take the ticked areas' parameters and pulses from the simulated device as the "
               "treatment happens (Alt+S)"))
        self.screening = ScreeningPanel()
        self.course = CoursePanel(tasks, actor)
        self.photos = PhotoPanel(tasks, actor, settings)
        self.aftercare_button = seldom_needed(
            QPushButton(tr("Afterca&re sheet…")),
            tr("Save the aftercare sheet for the areas ticked as a PDF to print, and record it "
               "as given (Alt+R)"))
        self.patch_button = seldom_needed(
            QPushButton(tr("&Test patches…")),
            tr("Record this patient's test patches and their readings (Alt+T)"))
        self.anaesthetic = AnaestheticField()
        self.reactions = ReactionsEditor()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName(tr("Notes"))
        self.notes.setPlaceholderText(tr("Anything else worth recording: aftercare given, "
                                         "patient's comments, follow-up"))
        self.notes.setFixedHeight(80)
        self.status = QLabel(tr("Choose the patient to start a session."))
        self.status.setObjectName("formStatus")
        # However long the message, it never widens the window (it is cut; the tooltip and
        # the History have it whole).
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.general_error = FieldError()
        self.complete_button = QPushButton(tr("5  &Complete and sign  (Ctrl+Enter)"))
        self.complete_button.setObjectName("primary")

        self._lay_out()
        self._fix_tab_order()
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # the form lives inside the application
        app.focusChanged.connect(self._keep_focus_in_sight)

    def _lay_out(self) -> None:
        self.patient.extra_buttons.addWidget(self.patch_button)
        self.patient.extra_buttons.addStretch()
        left = QVBoxLayout()
        left.addWidget(self.patient)
        left.addWidget(self.screening)
        left.addStretch()

        self.devices.extra_buttons.addWidget(self.connect_button)
        self.devices.extra_buttons.addWidget(self.import_button)
        self.devices.extra_buttons.addStretch()
        self.devices.extra_buttons.addWidget(QLabel(tr("Room")))
        self.devices.extra_buttons.addWidget(self.room)
        treatment = QGroupBox(tr("3  Device, areas and parameters"))
        form = QFormLayout()
        form.addRow(self._label(tr("Dev&ice"), self.device), self.devices)
        form.addRow(tr("Started"), self.start)
        messages = QHBoxLayout()  # a line kept for them: what is below never moves
        messages.addWidget(self.start.error)
        messages.addWidget(self.start.reason_error, 1)
        form.addRow("", messages)
        form.addRow(self._label(tr("D&uration"), self.duration.minutes), self.duration)
        form.addRow("", self.duration_error)
        column = QVBoxLayout(treatment)
        column.addLayout(form)
        column.addWidget(self.areas)
        column.addWidget(self.course)
        after = QGroupBox(tr("4  Anaesthetic and reactions"))
        column = QVBoxLayout(after)
        column.addWidget(self.anaesthetic)
        column.addWidget(self.reactions)
        column.addWidget(QLabel(tr("Notes")))
        column.addWidget(self.notes)
        right = QVBoxLayout()
        right.addWidget(treatment)
        right.addWidget(self.photos)
        right.addWidget(after)
        right.addStretch()

        self.left_column, self.right_column = self._column(left), self._column(right)
        # Its scroll bar always there: the column keeps its width as what it holds grows
        # past the screen's height (a patient chosen, a consent signed), so nothing moves.
        self.left_column.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.patient.float_results_over(self.left_column.body)
        columns = QHBoxLayout()
        columns.addWidget(self.left_column, 2)
        columns.addWidget(self.right_column, 3)

        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.aftercare_button)
        footer.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(footer)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _column(content: QVBoxLayout) -> Column:
        body = QWidget()
        body.setLayout(content)
        scroll = Column(body)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return scroll

    def _keep_focus_in_sight(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A field reached by Tab or an Alt shortcut is scrolled into sight."""
        for column in (self.left_column, self.right_column):
            if new is not None and column.body.isAncestorOf(new):
                column.ensureWidgetVisible(new, 8, 24)

    def scroll_to_top(self) -> None:
        for column in (self.left_column, self.right_column):
            column.verticalScrollBar().setValue(0)

    def focus_chain(self) -> list[QWidget]:
        """Every field Tab reaches, in the order the form is read."""
        return [
            *self.patient.focus_chain(), *self.screening.focus_chain(),
            *self.devices.focus_chain(), self.room, self.start.started, self.start.late_reason,
            self.duration.minutes, self.duration.timer_button,
            *self.areas.focus_chain(),
            *self.anaesthetic.focus_chain(), *self.reactions.focus_chain(), self.notes,
            self.complete_button,
        ]

    def _fix_tab_order(self) -> None:
        chain = self.focus_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
