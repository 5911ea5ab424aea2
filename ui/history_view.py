"""The History screen: sessions newest first; Enter or double-click opens one read-only."""

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models import history, import_log
from models.permissions import Action, may
from models.rows import Actor, SessionDetail
from ui.history_model import HistoryModel
from ui.messages import Messages
from ui.session_detail import SessionDetailDialog, session_html
from ui.supervisor_actions import SupervisorActions
from ui.tasks import TaskRunner


def _session_with_traces(db: Session, actor: Actor, session_id: int
                         ) -> tuple[SessionDetail, dict[str, bytes]]:
    return (history.view_session(db, actor, session_id),
            import_log.load_traces(db, session_id))


class HistoryView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.messages = tasks, actor, messages
        self.model = HistoryModel(tasks, actor)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 220, 220, 130, 80, 170)):
            self.table.setColumnWidth(column, width)
        self.refresh_button = QPushButton("&Refresh (F5)")
        self.open_button = QPushButton("&Open session")
        top = QHBoxLayout()
        top.addWidget(QLabel("Newest first. Enter or double-click opens a session."), 1)
        top.addWidget(self.open_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.table.activated.connect(self.open_session)
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(lambda: self.open_session(self.table.currentIndex()))
        self.dialog: SessionDetailDialog | None = None

    def refresh(self) -> None:
        self.model.reload()

    def open_session(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        summary = self.model.data(index, Qt.ItemDataRole.UserRole)
        self.tasks.read(_session_with_traces, self.actor, summary.id, done=self._show)

    def _show(self, found: tuple[SessionDetail, dict[str, bytes]]) -> None:
        detail, traces = found
        actions = None
        if may(self.actor, Action.REVIEW_SESSION):
            actions = SupervisorActions(self.tasks, self.actor, detail, self.messages)
        self.dialog = SessionDetailDialog(detail, traces, self, actions)
        if actions is not None:
            actions.changed.connect(self._changed)
        self.dialog.open()

    def _changed(self, detail: SessionDetail) -> None:
        if self.dialog is not None:
            self.dialog.browser.setHtml(session_html(detail))
        self.refresh()
