"""Steps a technician takes on the Log session form, with real keys and clicks."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models.clinic import device_upkeep
from models.values.vocabulary import LogKind
from tests.conftest import ADMIN_PASSWORD
from ui.session.screening_panel import BY_HAND


def register_patient(qtbot, form, identifier="P-2001", name="Lucia Costa", born="1979-04-12",
                     skin=4):
    """New patient (Alt+W), the dialog filled in and saved."""
    qtbot.mouseClick(form.patient.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(form.patient, "new_patient_dialog", None) is not None
                    and form.patient.new_patient_dialog.isVisible(), timeout=10_000)
    dialog = form.patient.new_patient_dialog
    qtbot.keyClicks(dialog.identifier, identifier)
    qtbot.keyClicks(dialog.full_name, name)
    qtbot.keyClicks(dialog.date_of_birth, born)
    dialog.fitzpatrick.setCurrentIndex(dialog.fitzpatrick.findData(skin))
    qtbot.keyClick(dialog.date_of_birth, Qt.Key.Key_Return)
    return dialog


def verify_device(database, technician, device_id, form=None, qtbot=None):
    """Today's verification logged, as the device check does; the form sees it."""
    with database.write() as db:
        device_upkeep.log_device(db, technician, device_id, LogKind.VERIFICATION_PASSED)
    if form is not None:
        form.devices.look_up_care()
        qtbot.waitUntil(lambda: form.screening.checklist["daily_verification"].isChecked(),
                        timeout=10_000)


def screen(qtbot, form, consent_on="2026-01-05", version="LL-consent v3"):
    """Screen as a technician does: nothing found, consent typed, the three checks ticked
    by hand with their Alt shortcuts."""
    panel = form.screening
    panel.consent_version.clear()
    qtbot.keyClicks(panel.consent_version, version)
    panel.consent_signed_on.clear()
    qtbot.keyClicks(panel.consent_signed_on, consent_on)
    for letter in (Qt.Key.Key_E, Qt.Key.Key_P, Qt.Key.Key_O):
        alt(qtbot, form, letter)
    by_hand = [panel.checklist[item] for item in BY_HAND]
    qtbot.waitUntil(lambda: all(box.isChecked() for box in by_hand), timeout=10_000)


def alt(qtbot, form, key):
    """Alt+key, as a technician presses it, to wherever the focus is (in the form's window,
    made the active one as it is on screen)."""
    window = form.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    target = QApplication.focusWidget() or form
    qtbot.keyClick(target, key, Qt.KeyboardModifier.AltModifier)


def tick_area(form, label):
    for index in range(form.areas.areas.count()):
        item = form.areas.areas.item(index)
        if item.text() == label:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(label)


def sign(qtbot, form, password=ADMIN_PASSWORD):
    """Complete (a click), then the password in the signing dialog and Enter."""
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(form, "signing_dialog", None) is not None
                    and form.signing_dialog.isVisible(), timeout=10_000)
    dialog = form.signing_dialog
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    return dialog


def choose(qtbot, form, query):
    """Type part of the name or the identifier in the search, Enter takes the first match."""
    qtbot.keyClicks(form.patient.search, query)
    qtbot.keyClick(form.patient.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
