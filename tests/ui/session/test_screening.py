"""Screening, checklist and carried-forward settings on the real form: what stops a session,
said next to its field, with everything typed kept."""

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QPoint, Qt

from models.access import accounts
from models.clinic import patients
from models.reading import history
from models.values.screening import ChecklistItem, Contraindication
from models.values.session_input import AreaInput, SessionInput
from models.workflow import patch_tests, session_logging
from tests.conftest import ADMIN_PASSWORD
from tests.entries import CONSENTED_AT, SCREENED, sign_consent
from tests.ui.session.helpers import (
    consent_signed,
    register_patient,
    screen,
    sign,
    tick_area,
    verify_device,
)


def ready_to_complete(qtbot, form, identifier="SC-1", consented=True):
    """A new patient's draft with everything but the screening; ``consented``: the patient
    signed the consent form (in the database)."""
    register_patient(qtbot, form, identifier=identifier)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    window = form.window()
    if consented:
        consent_signed(qtbot, window.tasks.database, window.actor, form)
    form.device.setCurrentIndex(1)
    verify_device(window.tasks.database, window.actor, form.devices.current_id(), form, qtbot)
    qtbot.keyClicks(form.duration.minutes, "30")
    tick_area(form, "Cheeks")
    qtbot.keyClicks(form.areas.rows["cheeks"].fields["fluence_j_cm2"], "20")


def status(database, form):
    with database.read() as db:
        return history.load_session(db, form.draft_id)


def test_pregnancy_stops_the_session_and_says_so(qtbot, window, database):
    form = window.form
    ready_to_complete(qtbot, form)
    screen(qtbot, form)
    pregnancy = form.screening.findings[Contraindication.PREGNANCY]
    qtbot.mouseClick(pregnancy.box, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    assert form.screening.hard_stop.isVisible()
    assert "Do not treat" in form.screening.hard_stop.text()
    assert not pregnancy.reason.isVisible()  # no reason lifts a hard stop

    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert "cannot be completed" in form.screening.hard_stop.text()
    assert "1 thing to correct" in form.status.text()
    qtbot.wait(300)
    assert status(database, form).summary.status == "draft"


def test_a_warning_needs_its_reason_and_a_missing_consent_is_refused(qtbot, window, database,
                                                                      technician):
    form = window.form
    ready_to_complete(qtbot, form, "SC-2", consented=False)
    screen(qtbot, form)
    herpes = form.screening.findings[Contraindication.HERPES]
    herpes.box.setFocus()
    qtbot.keyClick(herpes.box, Qt.Key.Key_Space)
    assert herpes.reason.isVisible()

    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert "Give the reason" in herpes.error.text() and herpes.error.isVisible()
    consent_error = form.screening.consent_error
    assert "has not signed the consent" in consent_error.text() and consent_error.isVisible()
    assert not form.screening.checklist[ChecklistItem.CONSENT_VALID].isChecked()
    assert getattr(form, "signing_dialog", None) is None  # no password for a refusal

    consent_signed(qtbot, database, technician, form)
    assert not consent_error.isVisible()  # the message leaves with the consent signed
    qtbot.keyClicks(herpes.reason, "No outbreak for two years; antiviral cover started")
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    with database.read() as db:
        done = history.list_sessions(db).rows[0]
        screening = history.load_session(db, done.id).screening
    assert screening.found == {Contraindication.HERPES}
    assert screening.reasons == {
        Contraindication.HERPES: "No outbreak for two years; antiviral cover started"}
    assert screening.consent_id is not None and screening.consent_version == "LST-1"


def test_the_form_starts_from_the_last_settings_and_asks_why_they_moved(
        qtbot, window, database, technician, device):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="SC-3", full_name="Noa Park",
                                       date_of_birth=None, fitzpatrick=2)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        entry = SessionInput(device_id=device.id, duration_s=1800, screening=SCREENED,
                             late_reason="typed in from the paper record",
                             started_at=datetime.now(UTC) - timedelta(days=21),
                             areas=(AreaInput("cheeks", {"fluence_j_cm2": 20.0,
                                                         "wavelength_nm": 1064.0}, 80, 2),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        signature = accounts.confirm_signature(db, technician, ADMIN_PASSWORD)
        session_logging.complete_session(db, technician, draft.summary.id, entry, signature)
    form = window.form
    qtbot.keyClicks(form.patient.search, "SC-3")
    qtbot.waitUntil(lambda: form.patient.results.count() == 1, timeout=10_000)
    qtbot.keyClick(form.patient.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    form.device.setCurrentIndex(1)
    verify_device(database, technician, device.id, form, qtbot)
    qtbot.waitUntil(lambda: "cheeks" in form.areas.last, timeout=10_000)
    tick_area(form, "Cheeks")
    fields = form.areas.rows["cheeks"].fields
    assert fields["fluence_j_cm2"].text() == "20" and fields["wavelength_nm"].text() == "1064"
    assert fields["passes"].text() == "2"
    row = form.areas.rows["cheeks"]
    assert not row.reason.isVisible()

    fields["fluence_j_cm2"].clear()
    qtbot.keyClicks(fields["fluence_j_cm2"], "26")
    assert row.change.isVisible() and "Fluence up 30% from 20" in row.change.text()
    assert row.reason.isVisible()
    qtbot.keyClicks(form.duration.minutes, "30")
    screen(qtbot, form)
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Give the reason for the change" in row.error.text(),
                    timeout=10_000)
    assert status(database, form).summary.status == "draft"

    qtbot.keyClicks(row.reason, "No reaction at 20; patient's tolerance good")
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    with database.read() as db:
        done = history.load_session(db, history.list_sessions(db).rows[0].id)
    assert done.areas[0].settings["fluence_j_cm2"] == 26.0
    assert done.areas[0].change_reason == "No reaction at 20; patient's tolerance good"


def test_a_required_test_patch_is_recorded_and_read_from_the_form(qtbot, window, database,
                                                                   admin, device):
    with database.write() as db:
        patch_tests.require_test_patch(db, admin, device.id, None)
    form = window.form
    ready_to_complete(qtbot, form, "SC-4")
    screen(qtbot, form)
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    row = form.areas.rows["cheeks"]
    qtbot.waitUntil(lambda: "needs a test patch" in row.error.text(), timeout=10_000)

    qtbot.mouseClick(form.patch_button, Qt.MouseButton.LeftButton)
    dialog = form.patch_dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=10_000)
    dialog.done_on.setText(f"{date.today() + timedelta(days=1):%Y-%m-%d}")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.new_errors["done_on"].isVisible(), timeout=10_000)
    assert "future" in dialog.new_errors["done_on"].text()
    assert "fluence or energy" in dialog.new_errors["settings"].text()
    dialog.done_on.setText(f"{date.today() - timedelta(days=3):%Y-%m-%d}")
    qtbot.keyClicks(dialog.fluence, "14")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "to read from" in dialog.list.item(0).text(), timeout=10_000)
    assert dialog.read_button.isEnabled()
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no reaction" in dialog.list.item(0).text(), timeout=10_000)
    dialog.accept()

    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)


def test_the_device_check_logs_the_verification_and_ticks_the_checklist(qtbot, window,
                                                                         database):
    form = window.form
    box = form.screening.checklist[ChecklistItem.DAILY_VERIFICATION]
    form.device.setCurrentIndex(1)
    qtbot.waitUntil(lambda: form.devices.note.isVisible(), timeout=10_000)
    assert "not logged today" in form.devices.note.text() and not box.isChecked()

    qtbot.mouseClick(form.devices.check_button, Qt.MouseButton.LeftButton)
    dialog = form.devices.check_dialog
    qtbot.mouseClick(dialog.fault_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.note_error.isVisible(), timeout=10_000)
    assert dialog.note_error.text() == "Describe what was found or done"
    qtbot.mouseClick(dialog.passed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.isChecked(), timeout=10_000)
    assert "Daily verification passed – Tess Tech" in dialog.log.item(0).text()
    assert not form.devices.note.isVisible()


def test_the_aftercare_sheet_is_saved_and_recorded_as_given(qtbot, window, database,
                                                           tmp_path):
    form = window.form
    ready_to_complete(qtbot, form, "SC-6")
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=10_000)
    sheet = tmp_path / "aftercare.pdf"
    form.give_aftercare(sheet)
    qtbot.waitUntil(lambda: "recorded as given" in form.status.text(), timeout=10_000)
    assert sheet.read_bytes().startswith(b"%PDF")
    assert status(database, form).aftercare_given_at is not None
    screen(qtbot, form)  # the form carries on: later saves and completing are not refused
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
