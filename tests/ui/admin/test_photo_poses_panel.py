"""Photo poses on the administrator's screen: an area's list changed by typing one pose a line,
a list that cannot be offered refused in the dialog with what was typed kept, and the
defaults brought back; each said on the status line and kept for every PC."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from models.clinic import photo_poses
from models.values.vocabulary import Area
from tests.ui.admin.conftest import (
    cells,
    click,
    click_row,
    double_click_row,
    open_section,
    shown_dialog,
)


def _type_lines(qtbot, field, lines: list[str]) -> None:
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    for number, line in enumerate(lines):
        if number:
            qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.keyClicks(field, line)


def test_an_areas_poses_are_changed_and_brought_back_to_the_defaults(qtbot, database,
                                                                     admin_window):
    view = admin_window.admin
    poses = open_section(qtbot, view, "Photo poses")
    qtbot.waitUntil(lambda: poses.model.rowCount() == len(Area), timeout=10_000)
    neck = next(i for i, row in enumerate(cells(poses.table)) if row[0] == "Neck")
    assert cells(poses.table)[neck][1:] == ["LaserLog's default",
                                            "front · left 45° · right 45°"]

    double_click_row(qtbot, poses.table, neck)
    dialog = shown_dialog(qtbot, poses, "poses_dialog")
    assert dialog.poses.toPlainText() == "front\nleft 45°\nright 45°"
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    _type_lines(qtbot, dialog.poses, ["front", "chin up", "Front"])
    click(qtbot, save)
    qtbot.waitUntil(lambda: dialog.errors["poses"].isVisible(), timeout=10_000)
    assert dialog.errors["poses"].text() == "Front is listed twice"
    assert dialog.poses.toPlainText() == "front\nchin up\nFront"  # nothing typed is lost
    for _ in range(len("\nFront")):
        qtbot.keyClick(dialog.poses, Qt.Key.Key_Backspace)
    click(qtbot, save)
    qtbot.waitUntil(lambda: cells(poses.table)[neck][1] == "Changed by the clinic",
                    timeout=10_000)
    assert cells(poses.table)[neck][2] == "front · chin up"
    assert view.message.text() == ("Neck: photos are taken as front, chin up or other from "
                                   "now on.")
    with database.read() as db:
        assert photo_poses.poses_of(db, "neck") == ("front", "chin up", "other")

    click_row(qtbot, poses.table, neck)
    click(qtbot, poses.default_button)  # asked first: the clinic's list would be gone
    assert admin_window.messages.shown[-1] == (
        "Offer the poses for Neck as LaserLog lists them (front, left 45°, right 45°)? The "
        "clinic's list (front, chin up) stays in the audit trail only.")
    qtbot.waitUntil(lambda: cells(poses.table)[neck][1] == "LaserLog's default", timeout=10_000)
    assert view.message.text() == ("Neck has the default poses again: front, left 45°, "
                                   "right 45°.")
    click(qtbot, poses.default_button)
    assert view.message.text() == "Neck already has the default poses."
    with database.read() as db:
        assert photo_poses.poses_of(db, "neck") == ("front", "left 45°", "right 45°", "other")
