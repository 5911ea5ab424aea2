"""One of the administrator's lists: a short line saying what it holds, the table, and the
buttons that act on the row chosen. Double-click or Enter on a row edits it."""

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.errors import LaserLogError
from ui.admin.listing_model import Column, ListingModel
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.row_table import fit_columns, pickable_rows


class RecordList(QWidget):
    """Signals:
    said(str): what was just done (or why it was not), for the screen's status line.
    """

    said = Signal(str)

    def __init__(self, tasks: TaskRunner, intro: str, columns: Sequence[Column],
                 retired: Callable[[Any], bool] = lambda _row: False,
                 key: Callable[[Any], object] = lambda row: row,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.key = tasks, key
        self.model = ListingModel(columns, retired)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        pickable_rows(self.table)
        self.buttons = QHBoxLayout()
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)

    def add_button(self, text: str, tooltip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tooltip)
        button.clicked.connect(lambda _checked=False: slot())
        self.buttons.addWidget(button)
        return button

    def on_row_chosen(self, slot: Callable[[], object]) -> None:
        """What a double-click, or Enter, on a row does."""
        self.table.activated.connect(lambda _index: slot())

    def show_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``, the row chosen before (by its key) still chosen."""
        chosen = self.selected()
        self.model.show_rows(rows)
        fit_columns(self.table)
        keys = [self.key(row) for row in self.model.rows]
        if chosen is not None and self.key(chosen) in keys:
            self.table.selectRow(keys.index(self.key(chosen)))

    def selected(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def chosen(self, ask: str) -> Any | None:
        """The row chosen; with none, the status line asks for one (``ask``)."""
        row = self.selected()
        if row is None:
            self.said.emit(ask)
        return row

    def refused(self, error: Exception) -> None:
        """An expected refusal goes to the status line; anything else is a bug, reported."""
        if isinstance(error, LaserLogError):
            self.said.emit(tr("Not done: {error}").format(error=error))
        else:
            self.tasks.report_error(error)
