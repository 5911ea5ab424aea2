"""Open and save dialogs start in the user's Documents folder (made when missing; their home
when it cannot be), never in the folder LaserLog was started from."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A home folder of the test's own, with no Documents folder yet; LaserLog started from
    another folder (as when run from its install folder)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    program = tmp_path / "program"
    program.mkdir()
    monkeypatch.chdir(program)
    return home


def _starting_folder(qtbot, button) -> Path:
    """Click ``button`` (or trigger a menu action); the folder the file dialog it opens
    starts in (then Escape)."""
    seen: list[Path] = []

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        seen.append(Path(dialog.directory().absolutePath()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, in_the_dialog)
    if isinstance(button, QAction):
        button.trigger()
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    return seen[0]


def test_the_open_dialog_starts_in_documents_made_when_missing(qtbot, window, home):
    window.open_import()
    folder = _starting_folder(qtbot, window.import_dialog.browse)
    window.import_dialog.reject()
    assert folder == home / "Documents" and folder.is_dir()


def test_the_save_dialog_starts_in_documents_made_when_missing(qtbot, window, home):
    window.tabs.setCurrentWidget(window.history)
    folder = _starting_folder(qtbot, window.history.export_menu.actions()[0])
    assert folder == home / "Documents" and folder.is_dir()


def test_home_when_documents_cannot_be_made(qtbot, window, home):
    (home / "Documents").write_text("a file where the folder would be")
    window.tabs.setCurrentWidget(window.history)
    assert _starting_folder(qtbot, window.history.export_menu.actions()[0]) == home
