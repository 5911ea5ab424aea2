"""What the form does while a technician works: nothing changes by accident, messages follow
the fields, every draft can be finished, signing is signing. Real keys and clicks."""

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from sqlalchemy import func, select

from models.clinic import patients
from models.reading import history
from models.records.treatment import TreatmentSession
from models.values.screening import ChecklistItem, Contraindication
from models.values.session_input import SessionInput
from models.workflow import session_logging
from tests.conftest import ADMIN_PASSWORD
from tests.entries import CONSENTED_AT, sign_consent
from tests.ui.session.helpers import choose, screen, sign, tick_area, verify_device


def add_patient(database, technician, identifier="FR-1", name="Ruth Rahman", skin=3,
                consented_at=CONSENTED_AT):
    """A patient in the register who signed the consent form ``consented_at`` (None: never)."""
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier=identifier, full_name=name,
                                       date_of_birth=None, fitzpatrick=skin)
        if consented_at is not None:
            sign_consent(db, technician, patient.id, signed_at=consented_at)
        return patient


def ready(qtbot, form, database, technician, device, identifier="FR-1"):
    """A draft with everything a completion needs but the password."""
    choose(qtbot, form, identifier)
    form.device.setCurrentIndex(form.device.findData(device.id))
    verify_device(database, technician, device.id, form, qtbot)
    screen(qtbot, form)
    form.duration.minutes.setFocus()
    qtbot.keyClicks(form.duration.minutes, "30")
    tick_area(form, "Cheeks")
    qtbot.keyClicks(form.areas.rows["cheeks"].fields["fluence_j_cm2"], "20")


def stored(database, form_or_id):
    with database.read() as db:
        session_id = form_or_id if isinstance(form_or_id, int) else form_or_id.draft_id
        return history.load_session(db, session_id)


def test_skin_type_follows_the_patient_and_a_different_one_is_flagged(
        qtbot, window, database, technician):
    add_patient(database, technician, skin=3)
    form = window.form
    combo = form.screening.fitzpatrick
    combo.setCurrentIndex(combo.findData(6))  # left from before: the record wins
    choose(qtbot, form, "Ruth")
    assert combo.currentData() == 3 and form.screening.skin_note.text() == ""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == 4
    assert form.screening.skin_note.text() == "Differs from the patient's record (Type III)"
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert form.screening.skin_note.text() == ""


def test_space_in_a_text_field_types_a_space(qtbot, window, database, technician):
    add_patient(database, technician)
    form = window.form
    choose(qtbot, form, "FR-1")
    herpes = form.screening.findings[Contraindication.HERPES]
    qtbot.mouseClick(herpes.box, Qt.MouseButton.LeftButton, pos=QPoint(12, 12))
    qtbot.keyClicks(herpes.reason, "healed years ago")
    qtbot.keyClicks(form.notes, "calm and well")
    screening, _problems = form.screening.value()
    assert herpes.reason.text() == "healed years ago" and form.notes.toPlainText() == \
        "calm and well"
    assert screening.found == {Contraindication.HERPES}  # the spaces ticked nothing else
    assert ChecklistItem.SKIN_CLEAN not in screening.checklist


def test_messages_appear_change_and_clear_as_the_fields_change(
        qtbot, window, database, technician):
    add_patient(database, technician)
    form = window.form
    choose(qtbot, form, "FR-1")
    minutes, error = form.duration.minutes, form.duration_error
    minutes.setFocus()
    qtbot.keyClicks(minutes, "abc")
    assert "not 'abc'" in error.text()  # at once: no Complete pressed
    for _ in range(3):
        qtbot.keyClick(minutes, Qt.Key.Key_Backspace)
    qtbot.keyClicks(minutes, "-5")
    assert "abc" not in error.text() and "more than zero" in error.text()
    minutes.clear()
    qtbot.keyClicks(minutes, "30")
    assert error.text() == ""

    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert "Pick at least one treated area" in form.areas.areas_error.text()
    tick_area(form, "Cheeks")
    assert form.areas.areas_error.text() == ""  # cleared by the tick itself


def test_ticking_areas_and_showing_messages_never_moves_the_buttons(
        qtbot, window, database, technician):
    add_patient(database, technician)
    form = window.form
    window.resize(1366, 768)
    choose(qtbot, form, "FR-1")
    watched = [form.complete_button, form.aftercare_button, form.connect_button,
               form.import_button, form.devices.check_button, form.areas.areas,
               form.areas.body_map, form.patch_button, form.patient.add_button]

    def places():
        return [(w.mapTo(window, QPoint(0, 0)), w.size()) for w in watched]

    before = places()
    for area in ("Cheeks", "Neck", "Forehead", "Hands"):
        tick_area(form, area)
    qtbot.keyClicks(form.areas.rows["neck"].fields["fluence_j_cm2"], "much")
    form.duration.minutes.setFocus()
    qtbot.keyClicks(form.duration.minutes, "zero")
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert form.duration_error.text() and form.areas.rows["neck"].error.text()
    assert places() == before


def test_choosing_a_patient_with_an_open_draft_resumes_it(qtbot, window, database, technician):
    patient = add_patient(database, technician)
    with database.write() as db:
        earlier = session_logging.start_draft(
            db, technician, patient.id, SessionInput(duration_s=1500, notes="started at 9"))
        db.execute(TreatmentSession.__table__.update()
                   .where(TreatmentSession.id == earlier.summary.id)
                   .values(started_at=datetime.now(UTC) - timedelta(hours=1)))
    form = window.form
    choose(qtbot, form, "FR-1")
    qtbot.waitUntil(lambda: form.notes.toPlainText() == "started at 9", timeout=10_000)
    assert form.draft_id == earlier.summary.id and form.duration.minutes.text() == "25"
    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(TreatmentSession)) == 1


def test_consent_on_file_is_shown_and_an_expired_one_is_asked_again(
        qtbot, window, database, technician, device):
    signed_at = datetime.now(UTC) - timedelta(days=30)
    add_patient(database, technician, consented_at=signed_at)
    add_patient(database, technician, identifier="FR-2", name="Omar Old",
                consented_at=datetime.now(UTC) - timedelta(days=400))  # twelve months valid
    form = window.form
    panel = form.screening
    consent_valid = panel.checklist[ChecklistItem.CONSENT_VALID]
    ready(qtbot, form, database, technician, device)
    qtbot.waitUntil(lambda: "Signed by Pat Doe" in panel.consent_note.text(), timeout=10_000)
    assert (f"on {signed_at.astimezone():%Y-%m-%d} (version LST-1), valid until"
            in panel.consent_note.text())
    assert consent_valid.isChecked() and not consent_valid.isEnabled()  # not by hand
    assert panel.consent_button.text() == "Sign co&nsent again…"
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    assert not consent_valid.isChecked() and not panel.consent_button.isEnabled()

    choose(qtbot, form, "FR-2")
    qtbot.waitUntil(lambda: "expired on" in panel.consent_note.text(), timeout=10_000)
    assert "the patient signs again" in panel.consent_note.text()
    assert not consent_valid.isChecked() and panel.consent_button.isEnabled()
    assert panel.consent_button.text() == "Sign co&nsent…"
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert "sign it on screen" in panel.consent_error.text() and panel.consent_error.isVisible()
    assert getattr(form, "signing_dialog", None) is None or not form.signing_dialog.isVisible()


def test_daily_verification_follows_the_device_log_not_a_click(
        qtbot, window, database, technician, device):
    add_patient(database, technician)
    form = window.form
    choose(qtbot, form, "FR-1")
    form.device.setCurrentIndex(form.device.findData(device.id))
    box = form.screening.checklist[ChecklistItem.DAILY_VERIFICATION]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))
    assert not box.isChecked()  # not by hand
    verify_device(database, technician, device.id, form, qtbot)
    assert box.isChecked()


def test_a_wrong_password_signs_nothing_and_can_be_typed_again(
        qtbot, window, database, technician, device):
    add_patient(database, technician)
    form = window.form
    ready(qtbot, form, database, technician, device)
    draft_id = form.draft_id
    dialog = sign(qtbot, form, password="not my password")
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert "not your password" in dialog.error.text() and dialog.isVisible()
    assert stored(database, draft_id).summary.status == "draft"
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    assert stored(database, draft_id).summary.status == "completed"


def test_a_session_logged_late_keeps_its_start_and_says_why(
        qtbot, window, database, technician, device):
    add_patient(database, technician)
    form = window.form
    ready(qtbot, form, database, technician, device)
    draft_id = form.draft_id
    start = form.start
    three_days_ago = (datetime.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    start.started.clear()
    qtbot.keyClicks(start.started, f"{three_days_ago:%Y-%m-%d %H:%M}")
    assert start.late_reason.isEnabled()
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: start.reason_error.text() != "", timeout=10_000)
    assert "give the reason" in start.reason_error.text()
    assert getattr(form, "signing_dialog", None) is None  # no password for a refusal
    assert stored(database, draft_id).summary.status == "draft"
    qtbot.keyClicks(start.late_reason, "paper record typed in after the power cut")
    assert start.reason_error.text() == ""  # the message follows the field
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    detail = stored(database, draft_id)
    assert detail.summary.started_at.astimezone().replace(tzinfo=None) == three_days_ago
    assert detail.late_reason == "paper record typed in after the power cut"

    choose(qtbot, form, "FR-1")  # the next session: a start in the future is said at once
    start.started.clear()
    qtbot.keyClicks(start.started, "2999-01-01 10:00")
    assert "cannot start in the future" in start.error.text()


def test_after_signing_the_form_is_back_at_the_top(qtbot, window, database, technician, device):
    add_patient(database, technician)
    form = window.form
    window.resize(1366, 768)
    ready(qtbot, form, database, technician, device)
    for column in (form.left_column, form.right_column):
        column.verticalScrollBar().setValue(column.verticalScrollBar().maximum())
    assert form.right_column.verticalScrollBar().value() > 0  # the left may fit: no matter
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    assert form.left_column.verticalScrollBar().value() == 0
    assert form.right_column.verticalScrollBar().value() == 0


def test_the_aftercare_sheet_names_the_clinic_and_the_day():
    from models.clinic.clinic_settings import ClinicRules
    from models.workflow import aftercare
    from ui.session.aftercare_sheet import aftercare_html

    clinic = ClinicRules(clinic_name="Clinica Luz", clinic_address="Rua Nova 5, Porto",
                         clinic_phone="+351 22 000 0000")
    html = aftercare_html(aftercare.sheet_for("Ruth Rahman", ["neck"], clinic,
                                              date(2026, 11, 29)))
    for text in ("Clinica Luz", "Rua Nova 5, Porto", "+351 22 000 0000", "29 November 2026",
                 "Ruth Rahman", "Neck"):
        assert text in html


def test_signing_shows_a_severe_reaction_and_the_warnings_before_the_password():
    from models.values.rows import PatientRow
    from models.values.session_input import AreaInput, ReactionInput
    from ui.session.signing_dialog import signing_summary

    patient = PatientRow(1, "FR-1", "Ruth Rahman", None, 3)
    entry = SessionInput(areas=(AreaInput("neck", change_reason="tolerated well"),),
                         reactions=(ReactionInput("blistering", 3, "left side"),),
                         late_reason="power cut")
    text = signing_summary(patient, entry, "Lumen NdYAG", ["Differs from the record"])
    assert "Blistering, grade 3 severe" in text
    assert "an incident report falls due" in text
    assert "Neck: settings changed because tolerated well" in text
    assert "Logged late: power cut" in text and "Differs from the record" in text


def test_choosing_another_patient_keeps_the_first_draft_and_starts_over(
        qtbot, window, database, technician):
    add_patient(database, technician, identifier="SW-1", name="Dan Horvat", skin=5)
    add_patient(database, technician, identifier="SW-2", name="Lucia Novak", skin=6)
    form = window.form
    choose(qtbot, form, "SW-1")
    first = form.draft_id
    tick_area(form, "Abdomen")
    qtbot.keyClicks(form.notes, "for Dan")
    choose_another = form.patient.search
    qtbot.keyClicks(choose_another, "SW-2")
    qtbot.keyClick(choose_another, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.draft_id not in (None, first), timeout=10_000)
    assert "Lucia Novak" in form.patient.selected.text()
    assert form.areas.rows == {} and form.notes.toPlainText() == ""  # nothing of Dan's
    assert form.screening.fitzpatrick.currentData() == 6
    qtbot.waitUntil(lambda: stored(database, first).notes == "for Dan", timeout=10_000)
    kept = stored(database, first)
    assert kept.summary.status == "draft" and [a.area for a in kept.areas] == ["abdomen"]
    assert stored(database, form.draft_id).patient.identifier == "SW-2"


def test_enter_takes_the_only_match_and_of_several_lets_the_list_pick(
        qtbot, window, database, technician):
    add_patient(database, technician, identifier="NV-1", name="Daniel Novak")
    add_patient(database, technician, identifier="NV-2", name="Lucia Novak")
    form = window.form
    picker = form.patient
    qtbot.keyClicks(picker.search, "novak")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.results.count() == 2 and picker.results.hasFocus(),
                    timeout=10_000)
    assert form.draft_id is None  # nobody chosen for the technician
    qtbot.keyClick(picker.results, Qt.Key.Key_Down)
    qtbot.keyClick(picker.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    assert "Lucia Novak" in picker.selected.text() and picker.search.text() == ""
