"""Steps a technician takes on the Log session form, with real keys and clicks."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models.clinic import consent_forms, device_upkeep
from models.values.screening import ChecklistItem
from models.values.vocabulary import LogKind
from tests.conftest import ADMIN_PASSWORD
from tests.entries import CONSENTED_AT, sign_consent
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


def consent_signed(qtbot, database, technician, form, signed_at=CONSENTED_AT):
    """The patient on the form signed the consent form in force, witnessed by the technician:
    kept in the database as Sign consent keeps it, and shown as the form shows a consent just
    signed. (tests/ui/session/test_consent_signing.py signs through the dialog itself.)"""
    patient_id = form.draft.patient.id
    # What the form looked up when the patient was chosen is shown first, not after this.
    qtbot.waitUntil(form.screening.consent_button.isEnabled, timeout=10_000)
    with database.write() as db:
        sign_consent(db, technician, patient_id, signed_at=signed_at)
        on_file = consent_forms.consent_on_file(db, patient_id, date.today())
    form.screening.show_consent_on_file(on_file)
    qtbot.waitUntil(form.screening.checklist[ChecklistItem.CONSENT_VALID].isChecked,
                    timeout=10_000)


def screen(qtbot, form):
    """Screen as a technician does: nothing found, the three checks ticked by hand with their
    Alt shortcuts (the consent is the one on file: see ``consent_signed``)."""
    panel = form.screening
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
