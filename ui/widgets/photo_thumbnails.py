"""Photos as thumbnails in a list: their captions at once, their thumbnails read in one go."""

from contextlib import suppress
from functools import partial

from PySide6.QtCore import QBuffer, QByteArray, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QImage,
    QImageReader,
    QKeyEvent,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from models.language import date_text
from models.values.photo_poses import pose_label
from models.values.rows import Actor
from models.values.vocabulary import Area
from models.workflow import session_photos
from models.workflow.session_photos import PhotoRow
from ui.language import tr
from ui.services.tasks import TaskRunner

THUMB = QSize(120, 90)
#: A thumbnail's cell: the picture and three lines of caption (day, what, voided), wrapped.
CELL = QSize(THUMB.width() + 64, THUMB.height() + 58)


class PhotoList(QListWidget):
    """Photos as thumbnails in a row, each in a cell of its own with its caption wrapped.
    Enter on one opens it (``itemActivated``, as a double-click does) and goes no further:
    the dialog around the list does not take it for its default button."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setGridSize(CELL)
        self.setWordWrap(True)
        self.setWrapping(False)
        self.setMovement(QListWidget.Movement.Static)
        self.setFixedHeight(CELL.height() + 24)  # and the scroll bar under a long row

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.itemActivated.emit(item)
            event.accept()
            return
        super().keyPressEvent(event)


def kind_word(kind: str) -> str:
    """A photo's kind as a caption reads it, inside a line: before, after, progress."""
    words = {"before": tr("before", "photo kind"), "after": tr("after", "photo kind"),
             "progress": tr("progress", "photo kind")}
    return words.get(kind, kind)


def caption(photo: PhotoRow) -> str:
    return f"{Area(photo.area).label} · {kind_word(photo.kind)} · {pose_label(photo.pose)}"


def pixmap_of(data: bytes, size: QSize = THUMB) -> QPixmap:
    """A stored JPEG decoded straight at the size shown (the decoder scales as it reads)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    reader = QImageReader(buffer, b"JPEG")
    shown = reader.size().scaled(size, Qt.AspectRatioMode.KeepAspectRatio)
    if shown.isValid() and shown.width() < reader.size().width():
        reader.setScaledSize(shown)
    return QPixmap.fromImage(reader.read())


def voided_look(pixmap: QPixmap) -> QPixmap:
    """A voided photo as it is shown: grey, faded and stamped VOID across, so it is never
    taken for a live one."""
    grey = QPixmap.fromImage(pixmap.toImage().convertToFormat(QImage.Format.Format_Grayscale8))
    painter = QPainter(grey)
    painter.fillRect(grey.rect(), QColor(255, 255, 255, 110))
    painter.setPen(QPen(QColor(190, 0, 0), max(2, grey.width() // 40)))
    painter.drawLine(grey.rect().bottomLeft(), grey.rect().topRight())
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(12, grey.height() // 4))
    painter.setFont(font)
    painter.drawText(grey.rect(), Qt.AlignmentFlag.AlignCenter, tr("VOID"))
    painter.end()
    return grey


def photo_item(photo: PhotoRow, dated: bool = True) -> QListWidgetItem:
    """A photo's entry: its day (when ``dated``), area, kind and pose; voided said too."""
    day = f"{date_text(photo.session_started_at.astimezone().date())}\n" if dated else ""
    voided = "\n" + tr("voided: {reason}").format(reason=photo.void_reason) \
        if photo.voided else ""
    item = QListWidgetItem(day + caption(photo) + voided)
    item.setData(Qt.ItemDataRole.UserRole, photo.id)
    tip = tr("{caption}, {width} × {height}, added by {user}; voided: {reason}") \
        if photo.voided else tr("{caption}, {width} × {height}, added by {user}")
    item.setToolTip(tip.format(caption=caption(photo), width=photo.width, height=photo.height,
                               user=photo.added_by, reason=photo.void_reason))
    return item


def true_colour_icon(pixmap: QPixmap) -> QIcon:
    """An icon drawn the same chosen or not: Qt tints a selected item's icon with the
    highlight colour, which would change the skin's colour on the photo."""
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


def chosen_photo(view: QListWidget, photos: list[PhotoRow]) -> PhotoRow | None:
    """The photo of the list's current item, if any."""
    chosen = view.currentItem()
    if chosen is None:
        return None
    return next((p for p in photos if p.id == chosen.data(Qt.ItemDataRole.UserRole)), None)


def _set_icons(items: dict[int, QListWidgetItem], voided: set[int],
               thumbnails: dict[int, bytes]) -> None:
    with suppress(RuntimeError):  # the list was filled again meanwhile: the items are gone
        for photo_id, item in items.items():
            if photo_id in thumbnails:
                pixmap = pixmap_of(thumbnails[photo_id])
                item.setIcon(true_colour_icon(voided_look(pixmap) if photo_id in voided
                                              else pixmap))


def show_photos(tasks: TaskRunner, actor: Actor, view: QListWidget, photos: list[PhotoRow],
                dated: bool = True) -> None:
    """The photos listed at once, their thumbnails read in one go and set when they come."""
    items = {}
    for photo in photos:
        items[photo.id] = photo_item(photo, dated)
        view.addItem(items[photo.id])
    if items:
        tasks.read(session_photos.thumbnails_of, actor, list(items)).then(
            partial(_set_icons, items, {p.id for p in photos if p.voided}))
