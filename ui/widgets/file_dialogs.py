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

from PySide6.QtCore import QFileInfo, QStandardPaths
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


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
            return "Folder"
        return f"{info.suffix().upper()} file" if info.suffix() else "File"


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


def choose_files_to_open(parent: QWidget | None, caption: str, name_filters: str = "",
                         folder: Path | None = None) -> list[Path]:
    """The existing files the user picks (none if they cancel)."""
    dialog = SafeFileDialog(parent, caption, folder or documents_folder(), name_filters,
                            QFileDialog.Option(0))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
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
