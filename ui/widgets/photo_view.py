"""One photo at the size of the screen: what a thumbnail cannot show (the skin's texture, a
small lesion), with what it is of and, for a voided one, why it was voided."""

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from models.language import date_text
from models.values.rows import Actor
from models.workflow import session_photos
from models.workflow.session_photos import PhotoRow
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.photo_thumbnails import caption, chosen_photo, voided_look
from ui.widgets.screen_fit import fit_to_screen


class ScaledPhoto(QWidget):
    """A photo drawn as large as the widget allows, its proportions kept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap = QPixmap()
        self.setMinimumSize(320, 240)

    def show_pixmap(self, pixmap: QPixmap) -> None:
        self.pixmap = pixmap
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if not self.pixmap.isNull():
            size = self.pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(self.rect().center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(target, self.pixmap)
        painter.end()


class PhotoViewDialog(QDialog):
    """One stored photo, read when the dialog opens, as large as the screen allows."""

    WANTED = QSize(1200, 900)

    def __init__(self, tasks: TaskRunner, actor: Actor, photo: PhotoRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo = photo
        day = date_text(photo.session_started_at.astimezone().date())
        self.setWindowTitle(tr("Photo of {day}: {caption}").format(day=day,
                                                                   caption=caption(photo)))
        self.view = ScaledPhoto()
        self.view.setAccessibleName(tr("The photo"))
        note = tr("{day} · {caption} · {width} × {height} px, added by {user} · VOIDED: "
                  "{reason}") if photo.voided else \
            tr("{day} · {caption} · {width} × {height} px, added by {user}")
        self.note = QLabel(note.format(day=day, caption=caption(photo), width=photo.width,
                                       height=photo.height, user=photo.added_by,
                                       reason=photo.void_reason))
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        fit_to_screen(self, self.WANTED)
        tasks.read(session_photos.image_of, actor, photo.id).then(self._show)

    def _show(self, data: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(data, "JPEG")
        self.view.show_pixmap(voided_look(pixmap) if self.photo.voided else pixmap)


def open_chosen(tasks: TaskRunner, actor: Actor, view: QListWidget, photos: list[PhotoRow],
                parent: QWidget) -> PhotoViewDialog | None:
    """The photo chosen in ``view`` opened at full size over ``parent``; None when no photo
    is chosen."""
    photo = chosen_photo(view, photos)
    if photo is None:
        return None
    dialog = PhotoViewDialog(tasks, actor, photo, parent)
    dialog.open()
    return dialog
