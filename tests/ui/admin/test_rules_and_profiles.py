"""Test-patch rules and import profiles on the administrator's screen: added, corrected or
replaced, and retired (they stay listed, greyed out, and no longer apply), each said on the
status line and kept in the database."""

from datetime import date

from PySide6.QtCore import Qt

from devices.importing.profile_library import clinic_profiles
from models.workflow import patch_tests
from tests.devices.importing.test_profile_library import CLINIC_PROFILE
from tests.ui.admin.conftest import (
    cells,
    click,
    click_row,
    double_click_row,
    open_section,
    press_return,
    settle,
    shown_dialog,
    type_into,
)
from ui.admin import profiles_panel


def choose_in(qtbot, combo, text: str) -> None:
    """Pick an entry of a drop-down with the keyboard, as a person without a mouse does."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{text!r} is not offered"


def test_a_rule_is_added_corrected_and_retired(qtbot, database, admin, device, admin_window):
    view = admin_window.admin
    rules = open_section(qtbot, view, "Test patch rules")
    click(qtbot, rules.add_rule_button)
    dialog = shown_dialog(qtbot, rules, "rule_dialog")
    press_return(qtbot, dialog.area)  # neither device nor area
    qtbot.waitUntil(lambda: dialog.errors["rule"].isVisible(), timeout=10_000)
    choose_in(qtbot, dialog.device, "Lumen NdYAG 1064 (SN-77)")
    press_return(qtbot, dialog.device)
    qtbot.waitUntil(lambda: rules.model.rowCount() == 1, timeout=10_000)
    assert view.message.text() == "From now on those sessions need a valid test patch."
    assert cells(rules.table)[0][:2] == ["Lumen NdYAG 1064 (SN-77)", "Any area"]

    double_click_row(qtbot, rules.table, 0)
    dialog = shown_dialog(qtbot, rules, "rule_dialog")
    assert dialog.device.currentData() == device.id
    choose_in(qtbot, dialog.area, "Neck")
    press_return(qtbot, dialog.area)
    qtbot.waitUntil(lambda: cells(rules.table)[0][1] == "Neck", timeout=10_000)
    assert view.message.text() == "Saved the rule; sessions are checked against it from now on."
    with database.read() as db:
        assert list(patch_tests.patches_missing(db, 1, device.id, ["neck", "hands"],
                                                date.today())) == ["neck"]

    click_row(qtbot, rules.table, 0)
    click(qtbot, rules.retire_button)
    dialog = shown_dialog(qtbot, rules, "retire_dialog")
    type_into(qtbot, dialog.reason, "new tips need none")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: cells(rules.table)[0][3] == "Retired", timeout=10_000)
    assert view.message.text() == ("Retired the rule for Lumen NdYAG 1064 (SN-77), Neck; it no "
                                   "longer applies.")
    with database.read() as db:
        assert patch_tests.patches_missing(db, 1, device.id, ["neck"], date.today()) == {}


def test_a_clinic_profile_is_added_replaced_and_retired_a_shipped_one_is_kept(
        qtbot, database, admin, admin_window, tmp_path, monkeypatch):
    first = tmp_path / "glowtek-g2.toml"
    first.write_text(CLINIC_PROFILE, encoding="utf-8")
    newer = tmp_path / "g2-firmware-3.toml"
    newer.write_text(CLINIC_PROFILE.replace("Glowtek G2, CSV export", "Glowtek G2 fw3"),
                     encoding="utf-8")
    chosen = [first]
    monkeypatch.setattr(profiles_panel.file_dialogs, "choose_file_to_open",
                        lambda *_args, **_kw: chosen.pop(0))
    view = admin_window.admin
    profiles = open_section(qtbot, view, "Import profiles")
    shipped = profiles.model.rowCount()
    assert shipped > 0 and all(r[3] == "Shipped with LaserLog" for r in cells(profiles.table))
    click_row(qtbot, profiles.table, 0)
    click(qtbot, profiles.retire_button)
    assert view.message.text() == (f"{cells(profiles.table)[0][0]} is shipped with LaserLog; "
                                   "only the clinic's own profiles can be retired.")

    click(qtbot, profiles.profile_button)
    qtbot.waitUntil(lambda: profiles.model.rowCount() == shipped + 1, timeout=10_000)
    assert view.message.text() == "Added import profile glowtek-g2; every PC can use it now."
    own = [r[0] for r in cells(profiles.table)].index("glowtek-g2")
    click_row(qtbot, profiles.table, own)
    chosen.append(newer)
    click(qtbot, profiles.replace_button)
    qtbot.waitUntil(lambda: "Glowtek G2 fw3" in [r[1] for r in cells(profiles.table)],
                    timeout=10_000)
    assert view.message.text() == ("Replaced import profile glowtek-g2 with "
                                   "g2-firmware-3.toml; every PC reads files with it from "
                                   "now on.")

    own = [r[0] for r in cells(profiles.table)].index("glowtek-g2")
    click_row(qtbot, profiles.table, own)
    click(qtbot, profiles.retire_button)
    dialog = shown_dialog(qtbot, profiles, "retire_dialog")
    type_into(qtbot, dialog.reason, "the G2 went back to the supplier")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: "Retired" in [r[4] for r in cells(profiles.table)], timeout=10_000)
    settle(qtbot, view)
    assert view.message.text() == "Retired import profile glowtek-g2; it stays on record."
    assert profiles.model.rowCount() == shipped + 1
    with database.read() as db:
        assert "glowtek-g2" not in clinic_profiles(db)
