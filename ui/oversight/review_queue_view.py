"""The supervisor's review queue: sessions awaiting sign-off, the worst reactions first
(coloured by grade), then the newest, read a page at a time as the list scrolls.

S signs off the selected session after a confirmation; "Sign off the unflagged shown" signs
off the unflagged rows read so far, each with the version the supervisor saw. Enter opens
the session in full.
"""

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.clinic import staff_report
from models.clinic.staff_report import TechnicianRow
from models.language import number_text
from models.review import supervision
from models.review.review_queue import QueueItem
from models.values.rows import Actor
from ui.language import tr, trn
from ui.oversight.review_queue_model import ReviewQueueModel
from ui.services.messages import Messages
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.row_table import fit_columns, pickable_rows


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
        self.model = ReviewQueueModel(tasks, actor)
        self.total: int | None = None
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Sessions awaiting sign-off"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        pickable_rows(self.table)
        self.summary = QLabel("")
        self.staff_notice = QLabel()  # certifications expired, expiring or missing
        self.staff_notice.setObjectName("fieldError")
        self.staff_notice.setWordWrap(True)
        self.staff_notice.hide()
        self.sign_button = QPushButton(tr("&Sign off selected (S)"))
        self.sign_all_button = QPushButton(tr("Sign off the &unflagged shown"))
        self.refresh_button = QPushButton(tr("Refresh"))
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
            self.model.items[index.row()].session_id))
        self.model.page_arrived.connect(self._page_arrived)
        self.model.counted.connect(self._counted)
        self.model.modelReset.connect(self._summarise)

    @property
    def items(self) -> list[QueueItem]:
        """The rows read so far, in the queue's order."""
        return self.model.items

    def refresh(self) -> None:
        self.total = None
        self.model.reload()
        self.tasks.read(staff_report.technician_report, self.actor, date.today().year).then(
            self._show_staff)

    def _show_staff(self, technicians: list[TechnicianRow]) -> None:
        today = date.today()
        notes = [f"{row.full_name}: {row.certification_state(today)}" for row in technicians
                 if row.needs_attention(today)]
        self.staff_notice.setText(tr("Certifications: {notes}").format(notes="; ".join(notes))
                                  if notes else "")
        self.staff_notice.setVisible(bool(notes))

    def _counted(self, total: int) -> None:
        self.total = total
        self._summarise()

    def _page_arrived(self, rows: int) -> None:
        if rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        if rows <= self.model.page_size:  # the first page: fit the columns to it once
            fit_columns(self.table)
        self._summarise()

    def _summarise(self) -> None:
        items = self.items
        flagged = sum(1 for item in items if item.flags)
        total = self.total if self.total is not None else len(items)
        if self.model.more_to_read or total > len(items):
            self.summary.setText(trn(
                "%n session awaits sign-off, the worst reactions first; {shown} shown (scroll "
                "for more), {flagged} of them flagged.",
                "%n sessions await sign-off, the worst reactions first; {shown} shown (scroll "
                "for more), {flagged} of them flagged.", total).format(
                    shown=number_text(len(items)), flagged=number_text(flagged)))
        else:
            self.summary.setText(trn("%n session awaits sign-off; {flagged} flagged.",
                                     "%n sessions await sign-off; {flagged} flagged.",
                                     total).format(flagged=number_text(flagged)))
        self.sign_all_button.setEnabled(len(items) > flagged)

    def sign_off_selected(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        question = tr("Sign off the session of {patient} as reviewed?").format(
            patient=item.patient)
        if item.flags:
            question += "\n\n" + tr("Flagged: {flags}.").format(flags="; ".join(item.flags))
        if self.messages.confirm(self, question):
            self.tasks.write(supervision.review_session, self.actor, item.session_id,
                             item.version)

    def sign_off_unflagged(self) -> None:
        """Sign off the unflagged rows read so far (as the supervisor saw them: a session
        changed since is refused by its version)."""
        count = sum(1 for item in self.items if not item.flags)
        question = trn("Sign off the %n unflagged session shown as reviewed?",
                       "Sign off the %n unflagged sessions shown as reviewed?", count)
        if self.model.more_to_read:
            question += " " + tr("Sessions further down the queue, not yet shown, are left.")
        if count and self.messages.confirm(self, question):
            self.tasks.write(supervision.sign_off_unflagged, self.actor, list(self.items))
