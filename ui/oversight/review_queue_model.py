"""The review queue as a Qt table model: pages read by key as the supervisor scrolls down.

The rows come from ``models.review.review_queue`` a page at a time, worst reaction first,
then the newest; scrolling to the end asks for the next page (``canFetchMore`` /
``fetchMore``), so a million waiting sessions cost what a hundred do. Rows are coloured by
their worst reaction grade (2 amber, 3 red, 4 purple, each with text that reads on it), and
rows flagged for something else (stray pulses, a setting changed past the limit) pale blue.
"""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from models.review import review_queue
from models.review.review_queue import FLAG_GRADE, QueueCursor, QueueItem, QueuePage
from models.values.rows import Actor
from models.values.vocabulary import ReactionKind
from ui.language import tr, tr_noop
from ui.services.tasks import TaskRunner
from ui.widgets import display

COLUMNS = (tr_noop("Date"), tr_noop("Worst reaction"), tr_noop("Patient"), tr_noop("Areas"),
           tr_noop("Technician"), tr_noop("Status"), tr_noop("Needs a look because"))
#: Background and text of a row by its worst reaction grade; each pair at least 4.5:1.
GRADE_COLOURS = {
    4: (QColor("#6a1b9a"), QColor("#ffffff")),
    3: (QColor("#c62828"), QColor("#ffffff")),
    2: (QColor("#ffd54f"), QColor("#000000")),
}
OTHER_FLAG_COLOURS = (QColor("#dbe7f5"), QColor("#000000"))
Index = QModelIndex | QPersistentModelIndex


def row_colours(item: QueueItem) -> tuple[QColor, QColor] | None:
    """The (background, text) a row is painted in, or None for the palette's own."""
    if item.worst_grade >= FLAG_GRADE:
        return GRADE_COLOURS[min(item.worst_grade, max(GRADE_COLOURS))]
    return OTHER_FLAG_COLOURS if item.flags else None


class ReviewQueueModel(QAbstractTableModel):
    """Signals:
    page_arrived(int): a page was added; how many rows the model holds now.
    counted(int): how many sessions await sign-off in all.
    """

    page_arrived = Signal(int)
    counted = Signal(int)

    def __init__(self, tasks: TaskRunner, actor: Actor,
                 page_size: int = review_queue.PAGE_SIZE) -> None:
        super().__init__()
        self.tasks, self.actor, self.page_size = tasks, actor, page_size
        self.items: list[QueueItem] = []
        self._next: QueueCursor | None = None
        self._reading = False
        self._generation = 0  # answers to questions asked before a reload are dropped

    # --- Qt model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(item, index.column())  # the tip says a cut-off flag whole
        if role == Qt.ItemDataRole.UserRole:
            return item
        colours = row_colours(item)
        if colours is not None and role == Qt.ItemDataRole.BackgroundRole:
            return colours[0]
        if colours is not None and role == Qt.ItemDataRole.ForegroundRole:
            return colours[1]
        return None

    @staticmethod
    def _cell(item: QueueItem, column: int) -> str:
        worst = (f"{ReactionKind(item.worst_kind).label} {item.worst_grade}"
                 if item.worst_kind else "–")
        return (display.local_time(item.started_at), worst, item.patient,
                display.area_labels(item.areas), item.technician,
                display.status_label(item.status), "; ".join(item.flags) or "–")[column]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None and not self._reading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._read(self._next)

    # --- loading --------------------------------------------------------------------------
    @property
    def more_to_read(self) -> bool:
        return self._next is not None

    def reload(self) -> None:
        """Start again from the first page, and count what waits."""
        self._generation += 1
        self.beginResetModel()
        self.items, self._next, self._reading = [], None, False
        self.endResetModel()
        self._read(None)
        generation = self._generation
        self.tasks.read(review_queue.count_awaiting, self.actor).then(
            lambda total: self._counted(generation, total),
            lambda error: self._failed(generation, error))

    def _read(self, after: QueueCursor | None) -> None:
        self._reading = True
        generation, size = self._generation, self.page_size
        self.tasks.read(review_queue.queue_page, self.actor, after, size).then(
            lambda page: self._arrived(generation, page),
            lambda error: self._failed(generation, error))

    def _arrived(self, generation: int, page: QueuePage) -> None:
        if generation != self._generation:
            return
        self._reading = False
        self._next = page.next_cursor
        if page.items:
            first = len(self.items)
            self.beginInsertRows(QModelIndex(), first, first + len(page.items) - 1)
            self.items.extend(page.items)
            self.endInsertRows()
        self.page_arrived.emit(len(self.items))

    def _counted(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.counted.emit(total)

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._reading = False
            self.tasks.report_error(error)
