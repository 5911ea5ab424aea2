"""Every field of a signed session, put back for a supervisor to correct: the Log session
screen's own editors (areas and parameters, reactions, anaesthetic, screening, start,
duration), filled with what the session holds.

What is not touched is handed back exactly as recorded, whatever the editors would make of
it: a time to the second, a setting with more digits than shown, a reaction's onset, a
parameter the form has no field for, values a device recorded pass by pass. Values a device
recorded stay read only unless the supervisor ticks *Correct the values the device recorded*:
an area then corrected becomes typed values ("Entered by hand"), the device's remain in the
amendment's record of what it replaced.
"""

import itertools
from dataclasses import replace
from datetime import datetime

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.clinic.clinic_settings import ClinicRules
from models.language import short_number_text
from models.reading.history import entry_of
from models.review.supervision import AmendmentStart
from models.values.parameters import FORM_FIELDS
from models.values.screening import ChecklistItem, ScreeningInput
from models.values.session_input import (
    AreaInput,
    ReactionInput,
    SessionInput,
    parse_minutes,
)
from models.values.vocabulary import ParameterSource
from ui.language import tr
from ui.session.anaesthetic_field import AnaestheticField, parse_clock_time
from ui.session.area_parameters import AreaParametersEditor
from ui.session.duration_field import DurationField
from ui.session.reactions_editor import ReactionsEditor
from ui.session.screening_panel import FOLLOWED, ScreeningPanel
from ui.session.start_field import StartField
from ui.widgets.field_error import FieldError


class RecordedScreening(ScreeningPanel):
    """The screening as the session recorded it. On the Log session screen two checklist
    items follow today's records (the device verified today, the consent in force today);
    today's records say nothing of the session's day, so here they are the session's own,
    ticked by hand like the others."""

    def __init__(self, screening: ScreeningInput, recorded_skin: int | None,
                 rules: ClinicRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(tr("Screening and consent"))
        self.rules, self.recorded_skin = rules, recorded_skin
        for item, (_short, _source) in FOLLOWED.items():
            self.checklist[item].setEnabled(True)
            self.checklist[item].setToolTip(
                tr("{item}: as recorded with the session").format(item=item.label))
        self.set_value(screening)
        self.consent_note.setText(tr("As recorded with the session."))

    def consent_valid(self, today: object = None) -> bool:
        """As ticked: the consent fields do not re-tick it (see the class)."""
        return self.checklist[ChecklistItem.CONSENT_VALID].isChecked()

    def set_value(self, screening: ScreeningInput) -> None:
        super().set_value(screening)
        for item in FOLLOWED:
            self.checklist[item].setChecked(item in screening.checklist)

    def focus_chain(self) -> list[QWidget]:
        return [*super().focus_chain(), *(self.checklist[item] for item in FOLLOWED)]


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _column(content: QVBoxLayout) -> QScrollArea:
    body = QWidget()
    body.setLayout(content)
    scroll = QScrollArea()
    scroll.setWidget(body)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


class AmendForm(QWidget):
    """The session's fields, editable; ``collect`` reads them back as a SessionInput."""

    def __init__(self, start: AmendmentStart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        detail = start.detail
        self.detail, self.original = detail, entry_of(detail)
        self.start = StartField(self)  # its start field is laid out here, the rest hidden
        self.start.hide()
        self.start.rules = start.rules
        self.start.show_start(detail.summary.started_at)
        self.duration = DurationField(self)  # as the start: a correction is not a late
        self.duration.hide()                 # entry, and the duration is not measured
        self.duration.minutes.setText(_minutes_shown(detail.summary.duration_s))
        self.duration_error = FieldError(self.duration.minutes)
        self.room = QLineEdit(detail.room)
        self.room.setAccessibleName(tr("Room"))
        self.room.setMaximumWidth(170)
        self.device = QLabel(detail.device.display_name if detail.device
                             else tr("none", "no device"))
        self.areas = AreaParametersEditor()
        self.areas.rules, self.areas.last = start.rules, start.last
        self.areas.show_areas(detail.areas)
        self.device_areas = tuple(a for a in detail.areas
                                  if a.source not in (None, ParameterSource.MANUAL))
        self.correct_device = QCheckBox(tr("Correct the values the device recorded (an area "
                                           "corrected becomes typed values)"))
        self.correct_device.setVisible(bool(self.device_areas))
        self.correct_device.toggled.connect(self._correct_device_values)
        self.anaesthetic = AnaestheticField()
        self.anaesthetic.set_value(detail.anaesthetic_agent, detail.anaesthetic_applied_at)
        self.reactions = ReactionsEditor()
        for reaction in detail.reactions:
            self.reactions.set_grade(reaction.kind, reaction.grade, reaction.note)
        self.notes = QPlainTextEdit(detail.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName(tr("Notes"))
        self.notes.setFixedHeight(80)
        self.screening = RecordedScreening(detail.screening or ScreeningInput(),
                                           detail.patient.fitzpatrick, start.rules)
        self.general_error = FieldError()
        # What was put on screen, to tell a field left alone from one changed.
        self.shown_areas = {code: row.typed() for code, row in self.areas.rows.items()}
        self.shown_applied = self.anaesthetic.applied_at.text()
        self.shown_minutes = self.duration.minutes.text()
        self._lay_out()
        self.areas.changed.connect(self.fix_tab_order)
        self.fix_tab_order()
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # the form lives inside the application
        app.focusChanged.connect(self._keep_focus_in_sight)

    def _lay_out(self) -> None:
        when = QGroupBox(tr("When and where"))
        grid = QGridLayout(when)
        # The fields themselves, out of the Log session screen's rows (timer, late reason).
        grid.addWidget(_label(tr("S&tarted"), self.start.started), 0, 0)
        grid.addWidget(self.start.started, 0, 1)
        grid.addWidget(_label(tr("D&uration (minutes)"), self.duration.minutes), 0, 2)
        grid.addWidget(self.duration.minutes, 0, 3)
        grid.addWidget(self.start.error, 1, 1)
        grid.addWidget(self.duration_error, 1, 3)
        grid.addWidget(_label(tr("Roo&m"), self.room), 2, 0)
        grid.addWidget(self.room, 2, 1)
        grid.addWidget(QLabel(tr("Device")), 2, 2)
        grid.addWidget(self.device, 2, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        treated = QGroupBox(tr("Areas and parameters"))
        column = QVBoxLayout(treated)
        column.addWidget(self.correct_device)
        column.addWidget(self.areas)
        after = QGroupBox(tr("Anaesthetic, reactions and notes"))
        column = QVBoxLayout(after)
        column.addWidget(self.anaesthetic)
        column.addWidget(self.reactions)
        column.addWidget(QLabel(tr("Notes")))
        column.addWidget(self.notes)
        left = QVBoxLayout()
        for box in (when, treated, after):
            left.addWidget(box)
        left.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.screening)
        right.addStretch()
        self.left_column, self.right_column = _column(left), _column(right)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addWidget(self.left_column, 3)
        columns.addWidget(self.right_column, 2)

    def focus_chain(self) -> list[QWidget]:
        """Every field Tab reaches, in reading order."""
        return [self.start.started, self.duration.minutes, self.room, self.correct_device,
                *self.areas.focus_chain(), *self.anaesthetic.focus_chain(),
                *self.reactions.focus_chain(), self.notes, *self.screening.focus_chain()]

    def fix_tab_order(self) -> None:
        chain = self.focus_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _keep_focus_in_sight(self, _old: QWidget | None, new: QWidget | None) -> None:
        for column in (self.left_column, self.right_column):
            body = column.widget()
            if new is not None and body is not None and body.isAncestorOf(new):
                column.ensureWidgetVisible(new, 8, 24)

    # --- device values ------------------------------------------------------------------------
    def _correct_device_values(self, correcting: bool) -> None:
        """Open the device's values to correction, or put them back as recorded."""
        if not correcting:
            self.areas.lock_areas(tuple(a for a in self.device_areas
                                        if a.area in self.areas.rows))
            return
        for code in list(self.areas.locked):
            del self.areas.locked[code]
            row = self.areas.rows[code]
            for field in row.fields.values():
                field.setReadOnly(False)
                field.setToolTip(tr("Recorded by the device; a value changed here is typed"))
                field.style().unpolish(field)
                field.style().polish(field)

    # --- reading the fields back --------------------------------------------------------------
    def collect(self) -> tuple[SessionInput, dict[str, str]]:
        """What is on screen as a SessionInput, and what could not be read from it."""
        problems: dict[str, str] = {}
        original = self.original
        try:
            started_at = self.start.value() or original.started_at
        except ValueError as problem:
            started_at, problems["started_at"] = original.started_at, str(problem)
        duration = original.duration_s
        if self.duration.minutes.text() != self.shown_minutes:
            try:
                duration = parse_minutes(self.duration.minutes.text())
            except ValueError as problem:
                problems["duration"] = str(problem)
        areas, area_problems = self.areas.value()
        problems.update(area_problems)
        agent, applied = original.anaesthetic_agent, original.anaesthetic_applied_at
        try:
            agent, applied = self._anaesthetic(started_at)
        except ValueError as problem:
            problems["anaesthetic_applied_at"] = str(problem)
        screening, screening_problems = self.screening.value()
        problems.update(screening_problems)
        entry = replace(original, started_at=started_at, duration_s=duration,
                        room=self.room.text(), areas=self._areas(areas),
                        anaesthetic_agent=agent, anaesthetic_applied_at=applied,
                        reactions=self._reactions(), notes=self.notes.toPlainText(),
                        screening=screening)
        return entry, problems

    def _areas(self, typed: tuple[AreaInput, ...]) -> tuple[AreaInput, ...]:
        """The areas ticked, in the session's order (new ones after): each left alone as
        recorded, each changed as typed, keeping the settings the form has no field for."""
        recorded = {area.area: area for area in self.original.areas}
        form_keys = {spec.key for spec in FORM_FIELDS}
        areas = []
        for area in typed:
            before = recorded.get(area.area)
            if before is not None and self.areas.rows[area.area].typed() == \
                    self.shown_areas.get(area.area):
                area = replace(before, change_reason=area.change_reason)
            elif before is not None and area.source == ParameterSource.MANUAL \
                    and before.source == ParameterSource.MANUAL:
                unseen = {k: v for k, v in before.settings.items() if k not in form_keys}
                area = replace(area, settings=unseen | area.settings)
            areas.append(area)
        order = list(recorded)
        return tuple(sorted(areas, key=lambda a: order.index(a.area) if a.area in order
                            else len(order)))

    def _anaesthetic(self, started_at: datetime | None) -> tuple[str | None, datetime | None]:
        """The anaesthetic typed, its time (HH:MM) on the session's day."""
        field = self.anaesthetic
        if not field.kind.currentData():
            return None, None
        original = self.original.anaesthetic_applied_at
        text = field.applied_at.text()
        day = (started_at or self.detail.summary.started_at).astimezone()
        if original is not None and text == self.shown_applied and \
                original.astimezone().date() == day.date():
            return field.agent.currentText(), original
        return field.agent.currentText(), parse_clock_time(text, day)

    def _reactions(self) -> tuple[ReactionInput, ...]:
        """As typed; a reaction kept keeps its onset and, when only trimmed, its note."""
        recorded = {r.kind: r for r in self.original.reactions}
        reactions = []
        for reaction in self.reactions.value():
            before = recorded.get(reaction.kind)
            if before is not None:
                note = before.note if before.note.strip() == reaction.note else reaction.note
                reaction = replace(reaction, onset=before.onset, note=note)
            reactions.append(reaction)
        order = list(recorded)
        return tuple(sorted(reactions, key=lambda r: order.index(r.kind) if r.kind in order
                            else len(order)))

    # --- problems -----------------------------------------------------------------------------
    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem next to its field; any other in the line below the form."""
        self.start.error.show_problem(problems.get("started_at"))
        self.duration_error.show_problem(problems.get("duration"))
        shown = {"started_at", "duration"}
        shown |= self.areas.show_problems(problems)
        shown |= self.anaesthetic.show_problems(problems)
        shown |= self.screening.show_problems(problems)
        rest = [text for key, text in problems.items() if key not in shown]
        self.general_error.show_problem("; ".join(rest) or None)


def _minutes_shown(duration_s: int | None) -> str:
    return "" if duration_s is None else short_number_text(duration_s / 60)
