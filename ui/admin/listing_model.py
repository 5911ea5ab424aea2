"""A list the administrator keeps (devices, tips, test-patch rules, import profiles) as a Qt
table model: a thin adapter over the plain rows the core hands out, each column a title and
how a row reads in it. Retired rows stay listed, in grey."""

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.language import tr

#: A column: its title (marked with ``tr_noop``), and the text a row shows in it.
Column = tuple[str, Callable[[Any], str]]
RETIRED = QBrush(QColor("#6b7780"))  # grey that still reads on white (4.7:1)
Index = QModelIndex | QPersistentModelIndex



class ListingModel(QAbstractTableModel):
    """Rows of one kind, shown in ``columns``; ``retired(row)`` greys a row out."""

    def __init__(self, columns: Sequence[Column],
                 retired: Callable[[Any], bool] = lambda _row: False) -> None:
        super().__init__()
        self.columns, self.retired = list(columns), retired
        self.rows: list[Any] = []

    def show_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.columns):
            return tr(self.columns[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[index.column()][1](row)  # the tip says a cut-off text whole
        if role == Qt.ItemDataRole.ForegroundRole and self.retired(row):
            return RETIRED
        return None
