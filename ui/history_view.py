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

from models import history
from models.rows import SessionDetail
from ui.history_model import HistoryModel
from ui.session_detail import SessionDetailDialog
from ui.tasks import TaskRunner


class HistoryView(QWidget):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.model = HistoryModel(tasks)
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
        self.tasks.read(history.load_session, summary.id, done=self._show)

    def _show(self, detail: SessionDetail) -> None:
        self.dialog = SessionDetailDialog(detail, self)
        self.dialog.open()
