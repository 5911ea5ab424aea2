"""Photos of the session's areas, on the form: chosen, dropped, or arriving from the room's
camera folder; each kept as before, after or progress with a pose of its area, beside the
patient's previous photo of the same area and pose so distance, angle and light can match.

Every file goes through models/values/images.py on a worker thread (decoded, upright,
scaled, without metadata); a file that is not a photo is refused in one line and nothing
is stored. The camera folder (this PC's setting) is watched: new files appear in the inbox
as they arrive, ready to assign; a folder that goes away (a network share) is said once.
"""

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.clinic import photo_poses
from models.errors import LaserLogError, os_reason
from models.language import date_text
from models.storage.preferences import Settings
from models.values.photo_poses import default_poses, pose_label, with_other
from models.values.rows import Actor
from models.values.vocabulary import Area
from models.workflow import session_photos
from models.workflow.session_photos import PhotoKind, PhotoRow
from ui.language import tr, tr_noop
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError
from ui.widgets.file_dialogs import choose_folder, choose_photos
from ui.widgets.photo_thumbnails import (
    THUMB,
    PhotoList,
    caption,
    pixmap_of,
    show_photos,
)
from ui.widgets.photo_view import open_chosen

PHOTO_FILES = tr_noop("Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)")
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff"}
RESCAN_MS = 2000  # a network share's changes are not always signalled: looked at again


class PhotoPanel(QGroupBox):
    """Signals:
    photos_changed(): a photo was added to or taken out of the draft.
    portrait_chosen(): a photo was made the patient's portrait.
    """

    photos_changed = Signal()
    portrait_chosen = Signal()

    def __init__(self, tasks: TaskRunner, actor: Actor, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(tr("Photos"), parent)
        self.tasks, self.actor, self.settings = tasks, actor, settings
        self.session_id: int | None = None
        self.offered = {area: with_other(poses) for area, poses in default_poses().items()}
        self.setAcceptDrops(True)
        self.area = QComboBox()
        self.area.setAccessibleName(tr("Photo of area"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(tr("Photo taken"))
        for kind in PhotoKind:
            self.kind.addItem(kind.label, kind.value)
        self.pose = QComboBox()
        self.pose.setAccessibleName(tr("Pose"))
        self.add_button = QPushButton(tr("Add p&hotos…"))
        self.add_button.setToolTip(tr("Choose photo files (or drop them on this box) for the "
                                      "area, kind and pose chosen (Alt+H)"))
        self.folder_button = QPushButton(tr("Camera folder…"))
        self.folder_button.setToolTip(tr("The folder this room's camera or phone writes into: "
                                         "new photos appear below as they arrive"))
        self.inbox = QListWidget()
        self.inbox.setAccessibleName(tr("New photos in the camera folder"))
        self.inbox.setViewMode(QListWidget.ViewMode.IconMode)
        self.inbox.setIconSize(THUMB)
        self.inbox.setFixedHeight(THUMB.height() + 40)
        self.inbox.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.assign_button = QPushButton(tr("Assign selected"))
        self.assign_button.setToolTip(tr("Keep the photos selected in the camera folder as the "
                                         "area, kind and pose chosen"))
        self.kept = PhotoList(tr("This session's photos"))
        self.kept.setToolTip(tr("Double-click a photo, or press Enter, to see it at full size"))
        self.kept_photos: list[PhotoRow] = []
        self.empty_note = QLabel(tr("No photos yet: choose files with Add photos, drop them on "
                                    "this box, or assign them from the camera folder."))
        self.empty_note.setWordWrap(True)
        self.empty_note.setFixedHeight(self.kept.height())
        self.remove_button = QPushButton(tr("Take out"))
        self.remove_button.setToolTip(tr("Take the selected photo out of this draft"))
        self.portrait_button = QPushButton(tr("Use as portrait"))
        self.portrait_button.setToolTip(tr("Show the selected photo beside the patient's name, "
                                           "here and in the session detail"))
        self.patient_id: int | None = None
        self.previous = QLabel(
            tr("The patient's previous photo of this area and pose shows here."))
        self.previous.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.previous.setWordWrap(True)
        self.previous.setFixedSize(THUMB.width() + 60, THUMB.height() + 40)
        self.previous.setObjectName("previousPhoto")
        self.previous_day = QLabel()  # whose day the previous photo is of
        self.previous_day.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.folder_note = QLabel()
        self.folder_note.setWordWrap(True)
        self.error = FieldError()
        self._lay_out()

        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self.scan_folder())
        self.rescan = QTimer(self, interval=RESCAN_MS)
        self.rescan.timeout.connect(self.scan_folder)
        self.seen: set[str] = set()  # camera files assigned or dismissed this session
        self.area.currentIndexChanged.connect(self._area_changed)
        self.pose.currentIndexChanged.connect(self._look_up_previous)
        self.add_button.clicked.connect(self._choose_files)
        self.folder_button.clicked.connect(self._choose_folder)
        self.assign_button.clicked.connect(self._assign_selected)
        self.inbox.itemDoubleClicked.connect(lambda _i: self._assign_selected())
        self.kept.itemActivated.connect(lambda _i: self._view_selected())
        self.remove_button.clicked.connect(self._remove_selected)
        self.portrait_button.clicked.connect(self._use_as_portrait)
        self.show_areas([])
        self.inbox.hide()  # until this PC has a camera folder
        self.assign_button.hide()
        if settings.camera_folder:
            self.watch(Path(settings.camera_folder))

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        choose = QHBoxLayout()
        for label, field in ((tr("Area"), self.area), (tr("Taken"), self.kind),
                             (tr("Pose"), self.pose)):
            choose.addWidget(QLabel(label))
            choose.addWidget(field, 1)
        layout.addLayout(choose)
        grid = QGridLayout()
        grid.addWidget(self.kept, 0, 0)
        grid.addWidget(self.empty_note, 0, 0)
        grid.addWidget(self.previous, 0, 1)
        grid.addWidget(self.previous_day, 1, 1)
        grid.setColumnStretch(0, 1)
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.portrait_button,
                       self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.folder_note)
        inbox = QHBoxLayout()
        inbox.addWidget(self.inbox, 1)
        inbox.addWidget(self.assign_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(inbox)

    # --- the draft --------------------------------------------------------------------------
    def show_draft(self, session_id: int | None, patient_id: int | None = None) -> None:
        """The open draft's photos (none when no draft is open)."""
        self.session_id = session_id
        if patient_id is not None or session_id is None:
            self.patient_id = patient_id
        self._show_kept([])
        self.error.show_problem(None)
        self._enable()
        if session_id is not None:
            self.tasks.read(photo_poses.poses).then(self._offer)  # as the clinic keeps them
            self.tasks.read(session_photos.session_photos, self.actor, session_id).then(
                self._show_kept)

    def show_areas(self, areas: list[str]) -> None:
        """The areas ticked on the form: photos are of one of them."""
        current = self.area.currentData()
        self.area.blockSignals(True)
        self.area.clear()
        for code in areas:
            self.area.addItem(Area(code).label, code)
        self.area.setCurrentIndex(max(0, self.area.findData(current)))
        self.area.blockSignals(False)
        self._area_changed()

    def reset(self) -> None:
        self.show_draft(None)
        self.show_areas([])

    def _enable(self) -> None:
        ready = self.session_id is not None and self.area.count() > 0
        for widget in (self.add_button, self.assign_button):
            widget.setEnabled(ready)
        for widget in (self.remove_button, self.portrait_button):  # they act on a photo kept
            widget.setEnabled(ready and bool(self.kept_photos))
        if self.session_id is not None and not self.area.count():
            self.previous.setText(tr("Tick an area to add its photos."))

    def _offer(self, offered: dict[str, tuple[str, ...]]) -> None:
        if offered != self.offered:
            self.offered, chosen = offered, self._pose()
            self._area_changed()
            if (found := self.pose.findData(chosen)) >= 0:
                self.pose.setCurrentIndex(found)

    def _pose(self) -> str:
        """The pose chosen, as it is stored."""
        return str(self.pose.currentData() or "")

    def _area_changed(self) -> None:
        self.pose.blockSignals(True)
        self.pose.clear()
        area = self.area.currentData()
        for pose in self.offered.get(area, ()) if area else ():
            self.pose.addItem(pose_label(pose), pose)
        self.pose.blockSignals(False)
        self._enable()
        self._look_up_previous()

    def _look_up_previous(self) -> None:
        area, pose = self.area.currentData(), self._pose()
        self.previous_day.clear()
        if self.session_id is None or not area:
            self.previous.clear()
            self.previous.setText(
                tr("The patient's previous photo of this area and pose shows here."))
            return
        self.tasks.read(session_photos.previous_photo, self.actor, self.session_id, area,
                        pose).then(self._show_previous)

    def _show_previous(self, photo: PhotoRow | None) -> None:
        if photo is None:
            self.previous.setText(tr("No earlier photo of this area and pose."))
            self.previous_day.clear()
            return
        day = date_text(photo.session_started_at.astimezone().date())
        self.previous.setToolTip(tr("Last time: {photo}, {day}").format(photo=caption(photo),
                                                                        day=day))
        self.previous_day.setText(tr("Last time, {day}").format(day=day))
        self.tasks.read(session_photos.image_of, self.actor, photo.id, True).then(
            lambda data: self.previous.setPixmap(pixmap_of(data)))

    def _show_kept(self, photos: list[PhotoRow]) -> None:
        self.kept_photos = photos
        self.kept.clear()
        self.kept.setVisible(bool(photos))
        self.empty_note.setVisible(not photos)
        self._enable()
        show_photos(self.tasks, self.actor, self.kept, photos, dated=False)

    # --- adding -----------------------------------------------------------------------------
    def _choose_files(self) -> None:
        folder = Path(self.settings.camera_folder) if self.settings.camera_folder else None
        self.add_files(choose_photos(self, tr("Add photos"), tr(PHOTO_FILES), folder))

    def add_files(self, paths: list[Path], source: str = "file") -> None:
        """Keep each file as a photo of the area, kind and pose chosen, one after the other."""
        if self.session_id is None or not self.area.count() or not paths:
            if paths:
                self.error.show_problem(tr("Choose the patient and tick an area first"))
            return
        self.error.show_problem(None)
        area, kind, pose = self.area.currentData(), self.kind.currentData(), self._pose()
        for path in paths:
            self.tasks.run(session_photos.add_photo_file, self.actor, self.session_id, area,
                           kind, pose, path, source).then(self._added_or_removed,
                                                          self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, LaserLogError):
            self.error.show_problem(str(error))
        else:
            self.tasks.report_error(error)

    def _remove_selected(self) -> None:
        item = self.kept.currentItem()
        if item is None or self.session_id is None:
            return
        self.tasks.write(session_photos.remove_photo, self.actor,
                         item.data(Qt.ItemDataRole.UserRole)).then(
            self._added_or_removed, self._refused)

    def _view_selected(self) -> None:
        if dialog := open_chosen(self.tasks, self.actor, self.kept, self.kept_photos, self):
            self.view_dialog = dialog

    def _use_as_portrait(self) -> None:
        item = self.kept.currentItem()
        if item is None or self.patient_id is None:
            self.error.show_problem(tr("Select the photo to show as the patient's portrait"))
            return
        self.tasks.write(session_photos.set_portrait, self.actor, self.patient_id,
                         item.data(Qt.ItemDataRole.UserRole)).then(
            lambda _none: self.portrait_chosen.emit(), self._refused)

    def _added_or_removed(self, _result: object = None) -> None:
        self.show_draft(self.session_id)
        self.photos_changed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.add_files(paths)

    # --- the camera folder ------------------------------------------------------------------
    def _choose_folder(self) -> None:
        current = Path(self.settings.camera_folder) if self.settings.camera_folder else None
        folder = choose_folder(self, tr("The folder this room's camera writes into"), current)
        if folder is None:
            return
        self.settings.camera_folder = str(folder)
        self.settings.save()
        self.watch(folder)

    def watch(self, folder: Path) -> None:
        """Watch ``folder`` for new photos (the files already there count as new too)."""
        for path in self.watcher.directories():
            self.watcher.removePath(path)
        self.folder = folder
        self.inbox.show()
        self.assign_button.show()
        self.watcher.addPath(str(folder))
        self.rescan.start()
        self.scan_folder()

    def scan_folder(self) -> None:
        """List the photo files in the camera folder not yet assigned."""
        folder = getattr(self, "folder", None)
        if folder is None:
            return
        try:
            names = sorted((p for p in folder.iterdir()
                            if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file()),
                           key=lambda p: p.stat().st_mtime)
        except OSError as error:
            self.folder_note.setText(tr("The camera folder {folder} cannot be read: {reason}. "
                                        "Photos can still be added from files.").format(
                folder=folder, reason=os_reason(error)))
            return
        self.folder_note.setText(tr("Camera folder: {folder}").format(folder=folder))
        listed = {self.inbox.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.inbox.count())}
        for path in names:
            key = str(path)
            if key in listed or key in self.seen:
                continue
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(key)
            self.inbox.addItem(item)
        if str(folder) not in self.watcher.directories():  # it came back
            self.watcher.addPath(str(folder))

    def _assign_selected(self) -> None:
        items = self.inbox.selectedItems()
        if not items:
            self.error.show_problem(tr("Select the photos to assign in the camera folder's list"))
            return
        paths = [Path(item.data(Qt.ItemDataRole.UserRole)) for item in items]
        if self.session_id is None or not self.area.count():
            self.error.show_problem(tr("Choose the patient and tick an area first"))
            return
        for item in items:
            self.seen.add(item.data(Qt.ItemDataRole.UserRole))
            self.inbox.takeItem(self.inbox.row(item))
        self.add_files(paths, source="camera folder")
