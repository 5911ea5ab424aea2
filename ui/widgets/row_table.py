"""The read-only table of rows the lists use (review queue, incidents, courses due, audit
trail, staff): whole rows selected one at a time, no row numbers, nothing editable."""

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QTableView, QTableWidget

#: A row a gloved finger picks: the style sheet's 32 px for every control, and a little.
ROW_HEIGHT = 34


def pickable_rows(table: QTableView) -> None:
    """Rows tall enough to pick with gloves on (a style sheet cannot set a table's rows)."""
    header = table.verticalHeader()
    header.setMinimumSectionSize(ROW_HEIGHT)
    header.setDefaultSectionSize(ROW_HEIGHT)


def row_table(columns: Sequence[str], stretch_last: bool = True) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    pickable_rows(table)
    table.horizontalHeader().setStretchLastSection(stretch_last)
    return table


#: The widest a column grows to fit its text; longer text is cut off with "…" (and the cells
#: say it whole in their tooltips), so a table never scrolls sideways on a 1366 px screen.
MAX_COLUMN_WIDTH = 360


def fit_columns(table: QTableView) -> None:
    """Each column as wide as its text up to ``MAX_COLUMN_WIDTH``; the last one (stretched)
    takes what is left."""
    last = table.model().columnCount() - 1 if table.model() is not None else -1
    for column in range(last):
        table.resizeColumnToContents(column)
        table.setColumnWidth(column, min(table.columnWidth(column), MAX_COLUMN_WIDTH))
