"""A session's photos in its detail, and the patient's course compared pose by pose.

``PhotoStrip`` shows the session's photos as thumbnails (read after the detail is shown).
``PhotoCompareDialog`` takes one area and pose of the patient: every session's photo side
by side in date order, and the first *before* photo against the latest with a slider that
wipes from one to the other, so a skin-tightening course's 90 to 180 days can be seen.
"""

from functools import partial

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from models.access.permissions import Action, may
from models.language import date_text
from models.values.photo_poses import pose_label
from models.values.rows import Actor
from models.values.vocabulary import Area
from models.workflow import session_photos
from models.workflow.session_photos import PhotoRow
from ui.language import tr, trn
from ui.services.tasks import TaskRunner
from ui.session.patient_picker import PORTRAIT
from ui.widgets.form_dialog import FormDialog, OperationCall
from ui.widgets.photo_thumbnails import (
    PhotoList,
    caption,
    chosen_photo,
    pixmap_of,
    show_photos,
)
from ui.widgets.photo_view import open_chosen
from ui.widgets.screen_fit import fit_to_screen


class VoidPhotoDialog(FormDialog):
    """Void one photo of a signed session: it stays, marked, with the reason."""

    def __init__(self, tasks: TaskRunner, actor: Actor, photo: PhotoRow,
                 parent: QWidget | None = None) -> None:
        self.reason = QLineEdit(
            placeholderText=tr("e.g. another patient's photo, taken by mistake"))
        self.reason.setMaxLength(200)
        day = date_text(photo.session_started_at.astimezone().date())
        super().__init__(tasks, tr("Void a photo"), [(tr("Why"), "reason", self.reason)], parent,
                         note=tr("The photo of {day}, {caption}, stays with the session, "
                                 "marked void; it leaves the comparisons and exports.").format(
                                     day=day, caption=caption(photo)))
        self.actor, self.photo = actor, photo

    def values(self) -> OperationCall:
        return session_photos.void_photo, (self.actor, self.photo.id, self.reason.text())


class PhotoStrip(QWidget):
    """The session's photos, Compare… for the patient's course of one area, and (for who
    may amend sessions) Void photo…"""

    def __init__(self, tasks: TaskRunner, actor: Actor, session_id: int, patient_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.patient_id = tasks, actor, patient_id
        self.session_id = session_id
        self.photos: list[PhotoRow] = []
        self.list = PhotoList(tr("The session's photos"))
        self.list.setToolTip(tr("Double-click a photo, or press Enter, to see it at full size"))
        self.note = QLabel(tr("Reading the photos…"))
        self.compare_button = QPushButton(tr("Co&mpare photos…"))
        self.compare_button.setAutoDefault(False)
        self.compare_button.setEnabled(False)
        self.portrait = QLabel()
        self.portrait.setAccessibleName(tr("The patient's portrait"))
        self.portrait.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.portrait)
        top.addWidget(self.note, 1)
        self.void_button = QPushButton(tr("Vo&id photo…"))
        self.void_button.setAutoDefault(False)  # Enter on a photo opens it, never this
        self.void_button.setEnabled(False)
        self.void_button.setVisible(may(actor, Action.AMEND_SESSION))
        self.void_button.clicked.connect(self.void)
        top.addWidget(self.void_button)
        top.addWidget(self.compare_button)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self.compare_button.clicked.connect(self.compare)
        self.list.itemActivated.connect(lambda _item: self.view())
        tasks.read(session_photos.session_photos, actor, session_id).then(self._show)
        tasks.read(session_photos.portrait_of, actor, patient_id).then(self._show_portrait)

    def _show_portrait(self, thumbnail: bytes | None) -> None:
        if thumbnail:
            self.portrait.setPixmap(pixmap_of(thumbnail, QSize(PORTRAIT, PORTRAIT)))
            self.portrait.setToolTip(tr("The patient's portrait"))
            self.portrait.show()

    def _show(self, photos: list[PhotoRow]) -> None:
        self.photos = photos
        self.list.clear()
        self.void_button.setEnabled(any(not p.voided for p in photos))
        self.list.setVisible(bool(photos))
        self.note.setText(tr("Photos: {count}").format(count=len(photos)) if photos
                          else tr("No photos with this session."))
        self.compare_button.setEnabled(bool(photos))
        show_photos(self.tasks, self.actor, self.list, photos)

    def view(self) -> None:
        """The photo chosen, at full size."""
        if dialog := open_chosen(self.tasks, self.actor, self.list, self.photos, self):
            self.view_dialog = dialog

    def void(self) -> None:
        photo = chosen_photo(self.list, self.photos)
        if photo is None or photo.voided:
            self.note.setText(tr("Choose the photo to void in the list."))
            return
        dialog = VoidPhotoDialog(self.tasks, self.actor, photo, self)
        dialog.saved.connect(lambda _r: self.tasks.read(
            session_photos.session_photos, self.actor, self.session_id).then(self._show))
        dialog.open()
        self.void_dialog = dialog

    def compare(self) -> None:
        photo = chosen_photo(self.list, self.photos) or (self.photos[0] if self.photos
                                                          else None)
        if photo is None:
            return
        self.dialog = PhotoCompareDialog(self.tasks, self.actor, self.patient_id, photo.area,
                                         photo.pose, self)
        self.dialog.open()


class WipeView(QWidget):
    """Two photos over each other: left of the slider the first, right of it the second."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first, self.second = QPixmap(), QPixmap()
        self.split = 0.5
        self.setMinimumSize(360, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_pair(self, first: QPixmap, second: QPixmap) -> None:
        self.first, self.second = first, second
        self.update()

    def set_split(self, percent: int) -> None:
        self.split = percent / 100
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self.first.isNull() or self.second.isNull():
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             tr("A before photo and a later one of this pose are needed"))
            painter.end()
            return
        size = self.first.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(self.rect().center())
        cut = target.left() + int(target.width() * self.split)
        painter.setClipRect(QRect(target.left(), target.top(), cut - target.left(),
                                  target.height()))
        painter.drawPixmap(target, self.first)
        painter.setClipRect(QRect(cut, target.top(), target.right() - cut + 1, target.height()))
        painter.drawPixmap(target, self.second)
        painter.setClipping(False)
        painter.setPen(Qt.GlobalColor.white)
        painter.drawLine(cut, target.top(), cut, target.bottom())
        painter.end()


class PhotoCompareDialog(QDialog):
    """A patient's photos of one area and pose over their sessions."""

    WANTED = QSize(1000, 720)

    def __init__(self, tasks: TaskRunner, actor: Actor, patient_id: int, area: str, pose: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.patient_id = tasks, actor, patient_id
        self.photos: list[PhotoRow] = []
        self.setWindowTitle(tr("Compare photos"))
        self.area = QComboBox()
        self.area.setAccessibleName(tr("Area"))
        for code in Area:
            self.area.addItem(code.label, code.value)
        self.area.setCurrentIndex(self.area.findData(area))
        self.pose = QComboBox()
        # as wide as its longest pose ("front, eyes closed"), not cut short
        self.pose.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pose.setAccessibleName(tr("Pose"))
        self.series = PhotoList(tr("Every session's photo of this pose, oldest first"))
        self.wipe = WipeView()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(50)
        self.slider.setAccessibleName(tr("Latest ← → before"))
        self.pair_note = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        choose = QHBoxLayout()
        for label, field in ((tr("Area"), self.area), (tr("Pose"), self.pose)):
            choose.addWidget(QLabel(label))
            choose.addWidget(field)
        choose.addStretch()
        layout.addLayout(choose)
        layout.addWidget(self.series)
        layout.addWidget(self.pair_note)
        layout.addWidget(self.wipe, 1)
        slide = QHBoxLayout()  # left of the line the before photo: the slider's right end
        slide.addWidget(QLabel(tr("All latest")))  # shows all of it, its left end all the latest
        slide.addWidget(self.slider, 1)
        slide.addWidget(QLabel(tr("All before")))
        layout.addLayout(slide)
        layout.addWidget(buttons)
        self.slider.valueChanged.connect(self.wipe.set_split)
        self.area.currentIndexChanged.connect(lambda _i: self._fill_poses(None))
        self.pose.currentIndexChanged.connect(lambda _i: self.read_series())
        self.series.setToolTip(tr("Double-click a photo, or press Enter, to see it at full size"))
        self.series.itemActivated.connect(lambda _item: self._view())
        self._fill_poses(pose)
        fit_to_screen(self, self.WANTED)

    def _fill_poses(self, pose: str | None) -> None:
        self.tasks.read(session_photos.poses_to_compare, self.actor, self.patient_id,
                        self.area.currentData()).then(lambda poses: self._show_poses(poses,
                                                                                     pose))

    def _show_poses(self, poses: tuple[str, ...], pose: str | None) -> None:
        self.pose.blockSignals(True)
        self.pose.clear()
        for offered in poses:
            self.pose.addItem(pose_label(offered), offered)
        if pose is not None:
            self.pose.setCurrentIndex(max(0, self.pose.findData(pose)))
        self.pose.blockSignals(False)
        self.read_series()

    def _view(self) -> None:
        if dialog := open_chosen(self.tasks, self.actor, self.series, self.photos, self):
            self.view_dialog = dialog

    def read_series(self) -> None:
        self.series.clear()
        self.tasks.read(session_photos.series, self.actor, self.patient_id,
                        self.area.currentData(), str(self.pose.currentData() or "")
                        ).then(self._show)

    def _show(self, photos: list[PhotoRow]) -> None:
        self.photos = photos
        show_photos(self.tasks, self.actor, self.series, photos)
        before = next((p for p in photos if p.kind == "before"), photos[0] if photos else None)
        latest = photos[-1] if photos else None
        if before is None or latest is None or before.id == latest.id:
            self.pair_note.setText(trn("%n photo of this pose: a later one is needed to compare.",
                                       "%n photos of this pose: a later one is needed to "
                                       "compare.", len(photos)) if photos else
                                   tr("No photos of this area and pose yet."))
            self.wipe.show_pair(QPixmap(), QPixmap())
            self.slider.setEnabled(False)
            return
        self.slider.setEnabled(True)
        days = (latest.session_started_at - before.session_started_at).days
        self.pair_note.setText(trn(
            "Before ({before}) against the latest ({latest}, %n day later): move the slider.",
            "Before ({before}) against the latest ({latest}, %n days later): move the slider.",
            days).format(before=date_text(before.session_started_at.astimezone().date()),
                         latest=date_text(latest.session_started_at.astimezone().date())))
        self.pair: dict[str, QPixmap] = {}
        for key, photo in (("first", before), ("second", latest)):
            self.tasks.read(session_photos.image_of, self.actor, photo.id).then(
                partial(self._pair_read, key))

    def _pair_read(self, key: str, data: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(data, "JPEG")
        self.pair[key] = pixmap
        if len(self.pair) == 2:
            self.wipe.show_pair(self.pair["first"], self.pair["second"])
