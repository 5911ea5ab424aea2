"""The supervisor's review queue: sessions awaiting sign-off, flagged ones first in red.

S signs off the selected session after a confirmation; "Sign off all unflagged" does the
rest in one go. Enter opens the session in full.
"""

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.clinic import staff_report
from models.clinic.staff_report import TechnicianRow
from models.review import review_queue, supervision
from models.review.review_queue import QueueItem
from models.values.rows import Actor
from ui.services.messages import Messages
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets import display
from ui.widgets.row_table import fit_columns, row_table

COLUMNS = ("Date", "Patient", "Areas", "Technician", "Status", "Needs a look because")
FLAGGED = QBrush(QColor(170, 20, 20))


class ReviewQueueView(QWidget):
    """Signals:
    open_requested(int): the id of a session to open in full.
    """

    open_requested = Signal(int)

    def __init__(self, tasks: TaskRunner, actor: Actor, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.messages = tasks, actor, messages
        follow_changes(self, tasks, self.refresh)
        self.items: list[QueueItem] = []
        self.table = row_table(COLUMNS)
        self.summary = QLabel("")
        self.staff_notice = QLabel()  # certifications expired, expiring or missing
        self.staff_notice.setObjectName("fieldError")
        self.staff_notice.setWordWrap(True)
        self.staff_notice.hide()
        self.sign_button = QPushButton("&Sign off selected (S)")
        self.sign_all_button = QPushButton("Sign off all &unflagged")
        self.refresh_button = QPushButton("Refresh")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for button in (self.sign_button, self.sign_all_button, self.refresh_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.staff_notice)
        layout.addLayout(top)
        layout.addWidget(self.table)
        QShortcut(QKeySequence("S"), self.table, self.sign_off_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.sign_button.clicked.connect(self.sign_off_selected)
        self.sign_all_button.clicked.connect(self.sign_off_unflagged)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.activated.connect(lambda index: self.open_requested.emit(
            self.items[index.row()].session_id))

    def refresh(self) -> None:
        self.tasks.read(review_queue.review_queue, self.actor).then(self._show)
        self.tasks.read(staff_report.technician_report, self.actor, date.today().year).then(
            self._show_staff)

    def _show_staff(self, technicians: list[TechnicianRow]) -> None:
        today = date.today()
        notes = [f"{row.full_name}: {row.certification_state(today)}" for row in technicians
                 if row.needs_attention(today)]
        self.staff_notice.setText("Certifications: " + "; ".join(notes) if notes else "")
        self.staff_notice.setVisible(bool(notes))

    def _show(self, items: list[QueueItem]) -> None:
        self.items = items
        flagged = sum(1 for item in items if item.flags)
        self.summary.setText(f"{len(items)} session(s) await sign-off; {flagged} flagged.")
        self.sign_all_button.setEnabled(len(items) > flagged)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (display.local_time(item.started_at), item.patient,
                     display.area_labels(item.areas), item.technician,
                     display.status_label(item.status), "; ".join(item.flags) or "–")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)  # long flags are cut off in the column
                if item.flags:
                    cell.setForeground(FLAGGED)
                self.table.setItem(row, column, cell)
        fit_columns(self.table)
        if items:
            self.table.selectRow(0)

    def sign_off_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        warning = f"\n\nFlagged: {'; '.join(item.flags)}." if item.flags else ""
        if self.messages.confirm(self, f"Sign off the session of {item.patient} as reviewed?"
                                       f"{warning}"):
            self.tasks.write(supervision.review_session, self.actor, item.session_id,
                             item.version)

    def sign_off_unflagged(self) -> None:
        count = sum(1 for item in self.items if not item.flags)
        if count and self.messages.confirm(
                self, f"Sign off the {count} unflagged session(s) as reviewed?"):
            self.tasks.write(supervision.sign_off_unflagged, self.actor, list(self.items))
