"""The only file dialogs LaserLog shows: Qt's own, never reading a file to learn its type.

Why: SQLite's locks are POSIX advisory locks, which belong to the process, and any close() of
any descriptor on a database file drops all of them. Qt's file dialogs guess each listed
file's type by opening and reading it (QMimeDatabase, through the icon provider's ``type()``
and ``icon()``; the native GTK dialog does the same through GIO). Shown on the folder that
holds the database, they open and close ``laserlog.db``, ``-wal`` and ``-shm``; another
process that then closes the database believes it is the last one, checkpoints and deletes
the ``-wal`` and ``-shm`` files under the running app, whose later saves are lost.

So every dialog here is Qt's widget dialog (never the platform's, whose code we cannot
constrain), made with no folder until it is told not to be native (a native helper would be
created by the constructor), and given an icon provider that decides by name only.
"""

from pathlib import Path

from PySide6.QtCore import QFileInfo, QSize, QStandardPaths, Qt
from PySide6.QtGui import QAbstractFileIconProvider, QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QGridLayout, QLabel, QWidget

from models.storage.own_files import DatabaseFileRefused, refuse_database_file
from ui.language import tr
from ui.widgets.screen_fit import fit_to_screen

PREVIEW = QSize(280, 280)


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the name and kind of entry alone: no file is opened."""

    def icon(self, what: QAbstractFileIconProvider.IconType | QFileInfo) -> QIcon:
        if isinstance(what, QFileInfo):
            kind = QAbstractFileIconProvider.IconType.Folder if what.isDir() else (
                QAbstractFileIconProvider.IconType.File)
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return tr("Folder")
        return tr("{suffix} file").format(suffix=info.suffix().upper()) if info.suffix() \
            else tr("File")


def documents_folder() -> Path:
    """Where the dialogs start when not told otherwise: the user's Documents folder, made if
    it is missing, else their home; never the folder LaserLog was started from (which may be
    the program's own, or the database's)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if not found:
        return Path.home()
    folder = Path(found)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home, a documents folder on a server that is away
        return Path.home()
    return folder if folder.is_dir() else Path.home()


class SafeFileDialog(QFileDialog):
    """Qt's widget dialog with the name-only icon provider, set up in the safe order."""

    def __init__(self, parent: QWidget | None, caption: str, folder: Path, name_filters: str,
                 options: QFileDialog.Option) -> None:
        super().__init__(parent, caption)  # no folder yet: see the module's docstring
        self.setOptions(options | QFileDialog.Option.DontUseNativeDialog)
        self.icon_provider = NameOnlyIconProvider()  # kept here: the dialog does not own it
        self.setIconProvider(self.icon_provider)
        self.setDirectory(str(folder))
        if name_filters:
            self.setNameFilter(name_filters)


class PhotoFileDialog(SafeFileDialog):
    """Photos to open, the one under the cursor previewed beside the list: decoded scaled by
    Qt's reader, and only once the name says it is a picture and it is no file of the
    database in use (see the module's docstring)."""

    WANTED = QSize(1100, 640)
    PICTURES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"}

    def __init__(self, parent: QWidget | None, caption: str, folder: Path,
                 name_filters: str) -> None:
        super().__init__(parent, caption, folder, name_filters, QFileDialog.Option(0))
        self.setFileMode(QFileDialog.FileMode.ExistingFiles)
        self.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        self.preview = QLabel(tr("Choose a photo to see it here."))
        self.preview.setAccessibleName(tr("Preview"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setFixedWidth(PREVIEW.width())
        grid = self.layout()
        if isinstance(grid, QGridLayout):  # the widget dialog's own layout
            grid.addWidget(self.preview, 0, grid.columnCount(), grid.rowCount(), 1)
        self.currentChanged.connect(self.show_preview)
        fit_to_screen(self, self.WANTED)

    def show_preview(self, name: str) -> None:
        path = Path(name)
        if not name or path.is_dir():
            self.preview.setText(tr("Choose a photo to see it here."))
            return
        if path.suffix.lower() not in self.PICTURES:
            self.preview.setText(
                tr("No preview of {suffix} files here; the photo is read when it is added.")
                .format(suffix=path.suffix) if path.suffix else
                tr("No preview of this file here; the photo is read when it is added."))
            return
        try:
            refuse_database_file(path, "preview")
        except DatabaseFileRefused as refused:
            self.preview.setText(str(refused))
            return
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)  # upright, as it will be kept
        size = reader.size()
        if size.isValid():
            reader.setScaledSize(size.scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if image.isNull():
            self.preview.setText(tr("{name} cannot be shown: {problem}").format(
                name=path.name, problem=reader.errorString()))
            return
        self.preview.setPixmap(QPixmap.fromImage(image))


def _chosen(dialog: SafeFileDialog) -> tuple[Path | None, str]:
    try:
        if dialog.exec() == QFileDialog.DialogCode.Accepted and dialog.selectedFiles():
            return Path(dialog.selectedFiles()[0]), dialog.selectedNameFilter()
        return None, ""
    finally:
        dialog.deleteLater()


def choose_file_to_open(parent: QWidget | None, caption: str, name_filters: str = "",
                        folder: Path | None = None) -> Path | None:
    """An existing file the user picks (starting in ``folder``, else the documents folder), or
    None if they cancel."""
    dialog = SafeFileDialog(parent, caption, folder or documents_folder(), name_filters,
                            QFileDialog.Option(0))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return _chosen(dialog)[0]


def choose_photos(parent: QWidget | None, caption: str, name_filters: str = "",
                  folder: Path | None = None) -> list[Path]:
    """The existing photos the user picks, each previewed as it is chosen (none if they
    cancel)."""
    dialog = PhotoFileDialog(parent, caption, folder or documents_folder(), name_filters)
    try:
        if dialog.exec() == QFileDialog.DialogCode.Accepted:
            return [Path(name) for name in dialog.selectedFiles()]
        return []
    finally:
        dialog.deleteLater()


def choose_folder(parent: QWidget | None, caption: str, folder: Path | None = None
                  ) -> Path | None:
    """A folder the user picks, or None if they cancel."""
    dialog = SafeFileDialog(parent, caption, folder or documents_folder(), "",
                            QFileDialog.Option.ShowDirsOnly)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    return _chosen(dialog)[0]


def choose_file_to_save(parent: QWidget | None, caption: str, suggested_name: str,
                        name_filters: str = "", confirm_overwrite: bool = True,
                        folder: Path | None = None) -> tuple[Path | None, str]:
    """Where to save, starting in ``folder`` (else the documents folder) with
    ``suggested_name``; and the name filter chosen (the format, where there is a choice)."""
    options = QFileDialog.Option(0) if confirm_overwrite else (
        QFileDialog.Option.DontConfirmOverwrite)
    dialog = SafeFileDialog(parent, caption, folder or documents_folder(), name_filters,
                            options)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(suggested_name)
    return _chosen(dialog)
