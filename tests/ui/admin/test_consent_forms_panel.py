"""Consent forms on the administrator's screen: the default version in force in each language,
a new wording added as a new version (in force at once for its language), a version retired;
each said and kept."""

from models.clinic import consent_forms
from tests.ui.admin.conftest import (
    LEFT,
    cells,
    click,
    click_row,
    open_section,
    press_return,
    shown_dialog,
    type_into,
)

WORDING = ("I agree to laser skin-tightening treatment. Redness and swelling for a couple of "
           "days are expected; rarely bruising, blistering or a change in skin colour.")


def test_a_new_version_is_added_in_force_and_the_old_one_retired(qtbot, database,
                                                               admin_window):
    view = admin_window.admin
    forms = open_section(qtbot, view, "Consent forms")
    qtbot.waitUntil(lambda: forms.model.rowCount() == 2, timeout=10_000)
    assert [(row[0], row[1], row[4]) for row in cells(forms.table)] == [
        ("LST-1-de", "Deutsch", "In force"), ("LST-1", "English", "In force")]

    click(qtbot, forms.add_version_button)
    dialog = shown_dialog(qtbot, forms, "version_dialog")
    type_into(qtbot, dialog.version, "LST-1")
    press_return(qtbot, dialog.version)  # taken, and no text: both said at once
    qtbot.waitUntil(lambda: dialog.errors["body"].isVisible(), timeout=10_000)
    assert "exists already" in dialog.errors["version"].text()
    type_into(qtbot, dialog.version, "LST-2")
    qtbot.mouseClick(dialog.body, LEFT)
    qtbot.keyClicks(dialog.body, WORDING)
    press_return(qtbot, dialog.version)
    qtbot.waitUntil(lambda: forms.model.rowCount() == 3, timeout=10_000)
    assert view.message.text() == ("Version LST-2 is in force: patients reading English sign "
                                   "it from now on.")
    assert [(row[0], row[4]) for row in cells(forms.table)] == [
        ("LST-2", "In force"), ("LST-1-de", "In force"),
        ("LST-1", "Kept (a newer one is in force)")]
    with database.read() as db:
        assert consent_forms.in_force(db).body == WORDING
        assert consent_forms.in_force(db, "de").version == "LST-1-de"

    click_row(qtbot, forms.table, 0)
    click(qtbot, forms.retire_button)
    retire = shown_dialog(qtbot, forms, "retire_dialog")
    type_into(qtbot, retire.reason, "wording replaced by the solicitor")
    press_return(qtbot, retire.reason)
    qtbot.waitUntil(lambda: cells(forms.table)[0][4].startswith("Retired"), timeout=10_000)
    with database.read() as db:  # the earlier version is in force again
        assert consent_forms.in_force(db).version == "LST-1"



def test_a_version_in_german_is_in_force_for_patients_reading_german(qtbot, database,
                                                                    admin_window):
    from PySide6.QtCore import Qt

    view = admin_window.admin
    forms = open_section(qtbot, view, "Consent forms")
    qtbot.waitUntil(lambda: forms.model.rowCount() == 2, timeout=10_000)
    click(qtbot, forms.add_version_button)
    dialog = shown_dialog(qtbot, forms, "version_dialog")
    assert dialog.language.currentText() == "English"  # the screen's
    type_into(qtbot, dialog.version, "LST-2-de")
    dialog.language.setFocus()
    qtbot.keyClick(dialog.language, Qt.Key.Key_Down)
    qtbot.mouseClick(dialog.body, LEFT)
    qtbot.keyClicks(dialog.body, "Ich willige in die Laser-Hautstraffung ein. " * 2)
    press_return(qtbot, dialog.version)
    qtbot.waitUntil(lambda: forms.model.rowCount() == 3, timeout=10_000)
    assert cells(forms.table)[0][:3] == ["LST-2-de", "Deutsch",
                                         "Einwilligung in eine Laser-Hautstraffung"]
    with database.read() as db:
        assert consent_forms.in_force(db, "de").version == "LST-2-de"
        assert consent_forms.in_force(db, "en").version == "LST-1"
