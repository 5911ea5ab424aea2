"""The history as a Qt table model that never loads every session.

The row count comes from one COUNT; rows are read in blocks by key when they come into view.
The first block starts at the top, the last is read backwards from the end, and a block in
between starts from a cursor that one indexed pass finds for every block; so any depth costs
about what the first page costs. Only the blocks near what was last shown are kept.
"""

from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from sqlalchemy.orm import Session

from models.reading import history
from models.reading.history import PageCursor, SessionPage
from models.reading.history_filter import HistoryFilter, count_sessions
from models.values.rows import Actor, SessionSummary
from ui.language import tr, tr_noop
from ui.services.tasks import TaskRunner
from ui.widgets import display

COLUMNS = (tr_noop("Date"), tr_noop("Patient"), tr_noop("Areas"), tr_noop("Technician"),
           tr_noop("Duration"), tr_noop("Worst reaction"), tr_noop("Status"))
LOADING = "…"
KEPT_BLOCKS = 64
Index = QModelIndex | QPersistentModelIndex


def _cursor_after(row: SessionSummary) -> PageCursor:
    return PageCursor(row.started_at, row.id)


class HistoryModel(QAbstractTableModel):
    """Signals:
    counted(int): how many sessions the current filter finds.
    """

    counted = Signal(int)

    def __init__(self, tasks: TaskRunner, actor: Actor,
                 block_size: int = history.DEFAULT_PAGE_SIZE) -> None:
        super().__init__()
        self.tasks, self.actor, self.block_size = tasks, actor, block_size
        self.filters = HistoryFilter()
        self._total = 0
        self._counted_total: int | None = None
        self._blocks: dict[int, tuple[SessionSummary, ...]] = {}
        self._requested: set[int] = set()
        self._cursors: list[PageCursor] | None = None
        self._cursors_requested = False
        self._generation = 0  # answers to questions asked before a reload are dropped

    # --- Qt model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if section == 0:
                return tr("Date ↑") if self.filters.oldest_first else tr("Date ↓")
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self._total:
            return None
        row = self.summary_at(index.row())
        if row is None:
            return LOADING if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 \
                else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    @staticmethod
    def _cell(row: SessionSummary, column: int) -> str:
        return (
            display.local_time(row.started_at),
            f"{row.patient_name} ({row.patient_identifier})",
            display.area_labels(row.areas),
            row.technician,
            display.minutes(row.duration_s),
            display.reaction_text(row.worst_reaction),
            display.status_label(row.status),
        )[column]

    @property
    def total_known(self) -> bool:
        """Whether the COUNT for the current filters has come back."""
        return self._counted_total is not None

    def summary_at(self, row: int) -> SessionSummary | None:
        """The session on ``row``, or None while its block is being read (it is asked for)."""
        block, offset = divmod(row, self.block_size)
        rows = self._blocks.get(block)
        if rows is None:
            self._want(block)
            return None
        return rows[offset] if offset < len(rows) else None

    # --- loading --------------------------------------------------------------------------
    def reload(self, filters: HistoryFilter | None = None) -> None:
        """Start again, with new filters if given: count, then read what comes into view."""
        if filters is not None:
            self.filters = filters
        self._generation += 1
        self.beginResetModel()
        self._total, self._counted_total = 0, None
        self._blocks.clear()
        self._requested.clear()
        self._cursors, self._cursors_requested = None, False
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self._read(0, None)  # the first rows show before the count is known
        generation, filters = self._generation, self.filters
        self.tasks.read(count_sessions, self.actor, filters).then(
            lambda total: self._counted(generation, total),
            lambda error: self._failed(generation, error))

    def _set_total(self, total: int) -> None:
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()

    def _counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._counted_total = total
        self._set_total(total)
        self.counted.emit(total)

    def _last_block(self) -> int:
        return max(0, (self._total - 1) // self.block_size)

    def _want(self, block: int) -> None:
        if block in self._requested:
            return
        if block == 0:
            self._read(block, None)
        elif block == self._last_block():
            self._read_last(block)
        elif (previous := self._blocks.get(block - 1)) and len(previous) == self.block_size:
            self._read(block, _cursor_after(previous[-1]))
        elif self._cursors is not None:
            self._read(block, self._cursors[block - 1])
        elif not self._cursors_requested:
            self._cursors_requested = True
            generation = self._generation
            self.tasks.read(history.block_cursors, self.actor, self.filters, self.block_size).then(
                lambda cursors: self._cursors_found(generation, cursors),
                lambda error: self._failed(generation, error))

    def _read(self, block: int, cursor: PageCursor | None) -> None:
        self._requested.add(block)
        generation, filters, size = self._generation, self.filters, self.block_size
        self.tasks.read(
            lambda db: history.list_sessions(db, self.actor, after=cursor, limit=size,
                                             filters=filters)).then(
            lambda page: self._arrived(generation, block, page.rows),
            lambda error: self._failed(generation, error))

    def _read_last(self, block: int) -> None:
        """The last block, read backwards from the end: no cursor needed."""
        self._requested.add(block)
        generation, size = self._generation, self._total - block * self.block_size
        reverse = replace(self.filters, oldest_first=not self.filters.oldest_first)

        def read(db: Session) -> SessionPage:
            return history.list_sessions(db, self.actor, limit=size, filters=reverse)

        self.tasks.read(read).then(
            lambda page: self._arrived(generation, block, tuple(reversed(page.rows))),
            lambda error: self._failed(generation, error))

    def _cursors_found(self, generation: int, cursors: list[PageCursor]) -> None:
        if generation != self._generation:
            return
        self._cursors = cursors
        self._refresh_rows(0, self._total - 1)  # the view asks again for what it shows

    def _arrived(self, generation: int, block: int, rows: tuple[SessionSummary, ...]) -> None:
        if generation != self._generation:
            return
        self._blocks[block] = rows
        if self._counted_total is None:  # the first block, before the count: show it now
            self._set_total(len(rows))
        self._forget_far_blocks(block)
        first = block * self.block_size
        self._refresh_rows(first, min(self._total, first + self.block_size) - 1)

    def _forget_far_blocks(self, near: int) -> None:
        while len(self._blocks) > KEPT_BLOCKS:
            farthest = max(self._blocks, key=lambda b: abs(b - near))
            del self._blocks[farthest]
            self._requested.discard(farthest)

    def _refresh_rows(self, first: int, last: int) -> None:
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self.tasks.report_error(error)
