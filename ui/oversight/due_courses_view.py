"""Patients whose next course session is due within a week or overdue, most overdue first,
a page at a time; filtered by when, technician, area and room. Lapsed courses are not listed.
Enter (or a double-click) opens the patient's sessions in the History."""

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.language import date_text, number_text
from models.reading.history_filter import FilterChoices, filter_choices
from models.values.rows import Actor
from models.values.vocabulary import Area
from models.workflow import courses
from models.workflow.courses import CourseRow, DueFilter, DuePage
from ui.language import tr, tr_noop, trn
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.row_table import fit_columns, row_table

COLUMNS = (tr_noop("Patient"), tr_noop("Area"), tr_noop("Next session"), tr_noop("Plan"),
           tr_noop("Last session"), tr_noop("Due"))
OVERDUE = QBrush(QColor(170, 20, 20))
WHEN = ((tr_noop("Overdue or due within a week"), "due"), (tr_noop("Overdue"), "overdue"),
        (tr_noop("Due within a week"), "week"))


def next_due(row: CourseRow) -> date:
    """When the course's next session is due: every course listed has one."""
    due = row.next_due
    assert due is not None, "the due list holds unfinished courses only"
    return due


def due_text(row: CourseRow, today: date) -> str:
    days = (next_due(row) - today).days
    if days < 0:
        return trn("%n day overdue", "%n days overdue", -days)
    return tr("today") if days == 0 else trn("in %n day", "in %n days", days)


def _combo(name: str, everything: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    if everything is not None:
        combo.addItem(everything, None)
    return combo


class DueCoursesView(QWidget):
    """Signals:
    open_patient(str): the identifier of the patient whose sessions to show.
    """

    open_patient = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)
        self.rows: list[CourseRow] = []
        self.after: tuple[date, int] | None = None
        self.reads = 0  # pages of a list read before the filters changed are dropped
        self.when = _combo(tr("When"))
        for text, value in WHEN:
            self.when.addItem(tr(text), value)
        self.technician = _combo(tr("Technician"), tr("Every technician"))
        self.area = _combo(tr("Area"), tr("Every area"))
        for area in Area:
            self.area.addItem(area.label, area.value)
        self.room = _combo(tr("Room"), tr("Every room"))
        self.summary = QLabel("")
        self.more_button = QPushButton(tr("&More"))
        self.more_button.setEnabled(False)
        self.open_button = QPushButton(tr("&Open the patient's sessions"))
        self.refresh_button = QPushButton(tr("Refresh"))
        self.table = row_table([tr(column) for column in COLUMNS])
        self.table.setAccessibleName(tr("Course sessions due or overdue"))
        filters = QHBoxLayout()
        for combo in (self.when, self.technician, self.area, self.room):
            filters.addWidget(combo, 1)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.more_button)
        for combo in (self.when, self.technician, self.area, self.room):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.more_button.clicked.connect(self.more)
        self.open_button.clicked.connect(self._open_current)
        self.table.activated.connect(lambda _index: self._open_current())
        self.tasks.read(filter_choices).then(self._set_choices)

    def _set_choices(self, choices: FilterChoices) -> None:
        for combo, items in ((self.technician, [(n, i) for i, n in choices.technicians]),
                             (self.room, [(r, r) for r in choices.rooms])):
            combo.blockSignals(True)
            for text, value in items:
                combo.addItem(text, value)
            combo.blockSignals(False)

    def filters(self) -> DueFilter:
        return DueFilter(when=self.when.currentData(), technician_id=self.technician.currentData(),
                         area=self.area.currentData(), room=self.room.currentData())

    def refresh(self) -> None:
        """The first page for the filters set now."""
        self.reads += 1
        self.rows, self.after = [], None
        self.table.setRowCount(0)
        self.summary.setText(tr("Reading…"))
        self._read(None)

    def more(self) -> None:
        if self.after is not None:
            self.more_button.setEnabled(False)
            self._read(self.after)

    def _read(self, after: tuple[date, int] | None) -> None:
        reads = self.reads
        self.tasks.read(courses.due_page, self.actor, self.filters(), after).then(
            lambda page: self._show(page, reads))

    def _show(self, page: DuePage, reads: int) -> None:
        if reads != self.reads:
            return  # the filters changed since this page was asked for
        today = date.today()
        first = len(self.rows)
        self.rows += page.rows
        self.after = page.after
        self.more_button.setEnabled(page.after is not None)
        overdue = sum(1 for row in self.rows if next_due(row) < today)
        self.summary.setText(
            (trn("%n course session shown, {overdue} overdue; More reads on.",
                 "%n course sessions shown, {overdue} overdue; More reads on.", len(self.rows))
             if page.after is not None else
             trn("%n course session shown, {overdue} overdue.",
                 "%n course sessions shown, {overdue} overdue.", len(self.rows)))
            .format(overdue=number_text(overdue)))
        self.table.setRowCount(len(self.rows))
        for line, row in enumerate(page.rows, start=first):
            cells = (row.patient, Area(row.area).label,
                     tr("{number} of {planned}").format(number=row.done + 1,
                                                        planned=row.planned_sessions),
                     trn("every %n day", "every %n days", row.interval_days),
                     date_text(row.last_on) if row.last_on else tr("none yet"),
                     f"{date_text(next_due(row))} ({due_text(row, today)})")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if next_due(row) < today:
                    item.setForeground(OVERDUE)
                self.table.setItem(line, column, item)
        if first == 0:
            fit_columns(self.table)
            if self.rows:
                self.table.selectRow(0)

    def _open_current(self) -> None:
        line = self.table.currentRow()
        if 0 <= line < len(self.rows):
            self.open_patient.emit(self.rows[line].identifier)
