"""A thin Qt table model over history pages: it loads the next page only when scrolled to."""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from models import history
from models.history import PageCursor, SessionPage
from models.rows import Actor, SessionSummary
from ui import display
from ui.tasks import TaskRunner

COLUMNS = ("Date", "Patient", "Areas", "Technician", "Duration", "Worst reaction", "Status")
Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    def __init__(self, tasks: TaskRunner, actor: Actor,
                 page_size: int = history.DEFAULT_PAGE_SIZE) -> None:
        super().__init__()
        self.tasks, self.actor, self.page_size = tasks, actor, page_size
        self._rows: list[SessionSummary] = []
        self._cursor: PageCursor | None = None
        self._exhausted = True
        self._loading = False
        self._generation = 0  # pages asked for before a reload are dropped

    # --- Qt model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
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

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request(self._cursor)

    # --- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Start again from the newest session."""
        self._generation += 1
        self.beginResetModel()
        self._rows, self._cursor, self._exhausted = [], None, False
        self.endResetModel()
        self._loading = False
        self._request(None)

    def _request(self, cursor: PageCursor | None) -> None:
        self._loading = True
        generation = self._generation
        self.tasks.read(
            lambda s: history.list_sessions(s, self.actor, after=cursor, limit=self.page_size),
            done=lambda page: self._arrived(generation, page),
            failed=lambda error: self._failed(generation, error),
        )

    def _arrived(self, generation: int, page: SessionPage) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._cursor, self._exhausted = page.next_cursor, page.next_cursor is None
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._loading = False
            self.tasks.report_error(error)

    def summary_at(self, row: int) -> SessionSummary:
        return self._rows[row]
