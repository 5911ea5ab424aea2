"""A file dialog shown on the database's folder must not cost a single save.

Qt's file dialogs used to open and close each listed file to guess its type. For SQLite's
``laserlog.db``, ``-wal`` and ``-shm`` that dropped this process's POSIX locks, so the next
process to close the database deleted the WAL under the running app and its later saves
were lost (they went to a deleted file). The test goes through the app's own import window
and its Browse button, as a technician does.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from models.clinic import patients
from models.records.people import Patient

ROOT = Path(__file__).resolve().parents[3]


def _outside_count(path: Path) -> int:
    """Open the database in another process, count the patients, close it again (what a
    plain ``sqlite3`` read or ``main.py backup`` does)."""
    code = textwrap.dedent(f"""
        import sqlite3
        conn = sqlite3.connect({str(path)!r})
        print(conn.execute("SELECT count(*) FROM patients").fetchone()[0])
        conn.close()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def _deleted_database_files(path: Path) -> list[str]:
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path)) and target.endswith("(deleted)"):
            found.append(target)
    return found


def _save_patient(database, technician, identifier: str, name: str) -> None:
    """A save the app reports as done; the first one leaves the app's connection holding
    the WAL open."""
    with database.write() as db:
        patients.add_patient(db, technician, identifier=identifier, full_name=name,
                             date_of_birth=None, fitzpatrick=3)


def _browse_the_database_folder(qtbot, window, folder: Path) -> list[str]:
    """Browse… in the import window, show the database's folder in detail, close it."""
    window.open_import()
    import_window = window.import_dialog
    listed: list[str] = []

    def in_the_file_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        dialog.setNameFilter("All files (*)")
        dialog.setDirectory(str(folder))
        qtbot.waitUntil(lambda: "laserlog.db" in _names(dialog), timeout=10_000)
        qtbot.wait(1500)  # the file system model fills in each file's size and type
        listed.extend(_names(dialog))
        dialog.reject()

    QTimer.singleShot(0, in_the_file_dialog)
    qtbot.mouseClick(import_window.browse, Qt.MouseButton.LeftButton)
    import_window.reject()
    return listed


def _names(dialog: QFileDialog) -> list[str]:
    from PySide6.QtWidgets import QFileSystemModel

    model = dialog.findChild(QFileSystemModel)
    root = model.index(dialog.directory().absolutePath())
    return [model.index(row, 0, root).data() for row in range(model.rowCount(root))]


def test_browsing_the_database_folder_keeps_every_later_save(qtbot, window, database,
                                                             technician):
    if not database.is_sqlite:
        pytest.skip("POSIX locks on a database file are SQLite's; PostgreSQL has none here")
    path = database.sqlite_path
    _save_patient(database, technician, "P-1", "Ann Early")
    assert _outside_count(path) == 1

    listed = _browse_the_database_folder(qtbot, window, path.parent)
    assert "laserlog.db" in listed  # the dialog did show the database's files

    assert _outside_count(path) == 1  # another process opens and closes the database
    assert _deleted_database_files(path) == []
    _save_patient(database, technician, "P-2", "Ben Later")  # a save reported as done...
    assert _outside_count(path) == 2  # ...is there for everyone else
    with database.read() as db:
        assert db.query(Patient).count() == 2


def test_the_same_holds_on_a_real_x_server(tmp_path):
    """The xcb platform under Xvfb takes other code paths (the icon theme's icons)."""
    xvfb = subprocess.run(["which", "Xvfb"], capture_output=True, text=True).stdout.strip()
    if not xvfb:
        pytest.skip("Xvfb is not installed (Debian: xvfb); .ci/run installs it")
    display = f":{90 + os.getpid() % 50}"
    server = subprocess.Popen([xvfb, display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        env = {**os.environ, "DISPLAY": display, "LASERLOG_TEST_PLATFORM": "xcb"}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             f"{__file__}::test_browsing_the_database_folder_keeps_every_later_save"
             "[sqlite]"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.terminate()
        server.wait()
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout[-3000:]


def _click_file(qtbot, dialog, name: str) -> None:
    """Click the file's entry in the dialog's list, as a person does."""
    from PySide6.QtWidgets import QListView

    view = dialog.findChild(QListView, "listView")
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) > 0, timeout=10_000)
    index = next(view.model().index(row, 0, view.rootIndex())
                 for row in range(view.model().rowCount(view.rootIndex()))
                 if view.model().index(row, 0, view.rootIndex()).data() == name)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())


def test_the_photo_chooser_previews_a_photo_but_never_the_databases_own_file(
        qtbot, database, technician, tmp_path):
    from tests.photos import jpeg
    from ui.widgets.file_dialogs import PREVIEW, PhotoFileDialog

    if not database.is_sqlite:
        pytest.skip("a SQLite database's own file")
    path = database.sqlite_path
    _save_patient(database, technician, "P-1", "Ann Early")
    folder = tmp_path / "camera"
    folder.mkdir()
    (folder / "neck front.jpg").write_bytes(jpeg(width=1200, height=800))
    (folder / "from a phone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    os.symlink(path, folder / "disguised.jpg")
    dialog = PhotoFileDialog(None, "Add photos", folder, "Photos (*.jpg *.heic)")
    qtbot.addWidget(dialog)
    dialog.show()
    _click_file(qtbot, dialog, "neck front.jpg")
    qtbot.waitUntil(lambda: dialog.preview.pixmap() is not None
                    and not dialog.preview.pixmap().isNull(), timeout=10_000)
    assert dialog.preview.pixmap().width() == PREVIEW.width()  # scaled as it was read
    _click_file(qtbot, dialog, "disguised.jpg")
    assert "a file of the LaserLog database in use" in dialog.preview.text()
    _click_file(qtbot, dialog, "from a phone.heic")
    assert dialog.preview.text().startswith("No preview of .heic files here")

    assert _outside_count(path) == 1  # another process opens and closes the database
    _save_patient(database, technician, "P-2", "Ben Later")  # a save reported as done...
    assert _outside_count(path) == 2  # ...is there for everyone else: no lock was dropped
