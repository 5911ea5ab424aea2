"""Patients whose next course session is due within a week or overdue, most overdue first."""

from datetime import date

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.values.rows import Actor
from models.values.vocabulary import Area
from models.workflow import courses
from models.workflow.courses import CourseRow
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.row_table import fit_columns, row_table

COLUMNS = ("Patient", "Area", "Next session", "Plan", "Last session", "Due")
OVERDUE = QBrush(QColor(170, 20, 20))


def next_due(row: CourseRow) -> date:
    """When the course's next session is due: every course ``due_courses`` lists has one."""
    due = row.next_due
    assert due is not None, "due_courses lists unfinished courses only"
    return due


def due_text(row: CourseRow, today: date) -> str:
    days = (next_due(row) - today).days
    if days < 0:
        return f"{-days} day(s) overdue"
    return "today" if days == 0 else f"in {days} day(s)"


class DueCoursesView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)
        self.rows: list[CourseRow] = []
        self.summary = QLabel("")
        self.refresh_button = QPushButton("Refresh")
        self.table = row_table(COLUMNS)
        self.table.setAccessibleName("Course sessions due or overdue")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.refresh_button.clicked.connect(self.refresh)

    def refresh(self) -> None:
        self.tasks.read(courses.due_courses, self.actor).then(self._show)

    def _show(self, rows: list[CourseRow]) -> None:
        today = date.today()
        self.rows = rows
        overdue = sum(1 for row in rows if next_due(row) < today)
        self.summary.setText(f"{len(rows)} course session(s) due within "
                             f"{courses.DUE_SOON_DAYS} days or overdue; {overdue} overdue.")
        self.table.setRowCount(len(rows))
        for line, row in enumerate(rows):
            cells = (row.patient, Area(row.area).label,
                     f"{row.done + 1} of {row.planned_sessions}",
                     f"every {row.interval_days} days",
                     f"{row.last_on:%Y-%m-%d}" if row.last_on else "none yet",
                     f"{row.next_due:%Y-%m-%d} ({due_text(row, today)})")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if next_due(row) < today:
                    item.setForeground(OVERDUE)
                self.table.setItem(line, column, item)
        fit_columns(self.table)
