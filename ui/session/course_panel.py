"""Treatment courses on the session form: where each ticked area stands in its course, a
warning when the session comes sooner than the plan, and the dialog that changes a plan."""

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.clinic.clinic_settings import ClinicRules
from models.errors import ValidationFailed
from models.language import date_hint, typed_date_text
from models.values.rows import Actor
from models.values.session_input import parse_date
from models.values.vocabulary import Area
from models.workflow import courses
from models.workflow.courses import CourseRow
from ui.language import tr, trn
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall


class CoursePlanDialog(FormDialog):
    """Start a course on an area, or change its plan; bad input is said next to its field."""

    def __init__(self, tasks: TaskRunner, actor: Actor, patient_id: int, areas: list[str],
                 current: dict[str, CourseRow], plan: ClinicRules,
                 parent: QWidget | None = None) -> None:
        self.area = QComboBox()
        for code in areas:
            self.area.addItem(Area(code).label, code)
        self.sessions = QSpinBox(minimum=0, maximum=50, value=plan.course_sessions)
        self.interval = QSpinBox(minimum=0, maximum=365, value=plan.course_interval_days,
                                 suffix=tr(" days"))
        self.started_on = QLineEdit(typed_date_text(date.today()),
                                    placeholderText=date_hint())
        super().__init__(tasks, tr("Treatment course plan"), [
            (tr("Area"), "area", self.area),
            (tr("Sessions"), "planned_sessions", self.sessions),
            (tr("Every"), "interval_days", self.interval),
            (tr("Starts on"), "started_on", self.started_on)], parent,
            note=tr("Keep the start date to change the current course's plan; a new date "
                    "starts a new course from that day."))
        self.actor, self.patient_id, self.current = actor, patient_id, current
        self.area.currentIndexChanged.connect(self._show_current)
        self._show_current()

    def _show_current(self) -> None:
        row = self.current.get(self.area.currentData())
        if row is not None:
            self.sessions.setValue(row.planned_sessions)
            self.interval.setValue(row.interval_days)
            self.started_on.setText(f"{row.started_on:%Y-%m-%d}")

    def values(self) -> OperationCall:
        try:
            started = parse_date(self.started_on.text(), tr("The start date"))
        except ValueError as problem:
            raise ValidationFailed({"started_on": str(problem)}) from None
        return courses.plan_course, (self.actor, self.patient_id, self.area.currentData(),
                                     self.sessions.value(), self.interval.value(), started)


class CoursePanel(QGroupBox):
    """Each ticked area's place in its course, and a too-soon warning.

    Signals:
    loaded(object): the patient's courses by area, as read.
    """

    loaded = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tr("Treatment course"), parent)
        self.tasks, self.actor = tasks, actor
        self.patient_id: int | None = None
        self.courses: dict[str, CourseRow] = {}
        self.rules = ClinicRules()  # the clinic's default plan, as read at start
        self.areas: list[str] = []
        self.on: date = date.today()
        self.lines = QLabel(tr("Tick the areas treated to see where each stands in its course."))
        self.lines.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setObjectName("changeNote")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.plan_button = QPushButton(tr("Course pla&n…"))
        self.plan_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+N; Tab goes on
        self.plan_button.setEnabled(False)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.lines, 1)
        row.addWidget(self.plan_button)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        self.plan_button.clicked.connect(self.change_plan)

    def show_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        if patient_id is not None:
            self.tasks.read(courses.courses_of, self.actor, patient_id).then(self._loaded)
        else:
            self._loaded({})

    def _loaded(self, found: dict[str, CourseRow]) -> None:
        self.courses = found
        self._show()
        self.loaded.emit(found)

    def show_areas(self, areas: list[str], on: date) -> None:
        self.areas, self.on = areas, on
        self._show()

    def _show(self) -> None:
        self.plan_button.setEnabled(self.patient_id is not None and bool(self.areas))
        if not self.areas:
            self.lines.setText(
                tr("Tick the areas treated to see where each stands in its course."))
            self.warning.hide()
            return
        lines, warnings = [], []
        for code in self.areas:
            row = self.courses.get(code)
            if row is None:
                lines.append(trn("{area}: first session; completing it starts a course of "
                                 "{sessions}, every %n day",
                                 "{area}: first session; completing it starts a course of "
                                 "{sessions}, every %n days",
                                 self.rules.course_interval_days).format(
                    area=Area(code).label, sessions=self.rules.course_sessions))
                continue
            lines.append(row.describe(self.on))
            if warning := row.too_soon(self.on):
                warnings.append(warning)
        self.lines.setText("\n".join(lines))
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))

    def change_plan(self) -> None:
        if self.patient_id is None:
            return
        dialog = CoursePlanDialog(self.tasks, self.actor, self.patient_id, self.areas,
                                  self.courses, self.rules, self)
        dialog.accepted.connect(lambda: self.show_patient(self.patient_id))
        dialog.open()
        self.dialog = dialog

    def reset(self) -> None:
        self.show_patient(None)
        self.show_areas([], date.today())
