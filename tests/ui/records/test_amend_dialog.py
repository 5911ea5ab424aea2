"""A supervisor amends a signed session from its detail, with real keys and clicks: any field,
checked as completion is, the changes shown before the password signs them, the device's
values read only until explicitly corrected, and the session back in the review queue."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from models.admin.integrity import verify
from models.clinic import patients
from models.reading import history
from models.review import supervision
from models.values.session_input import AreaInput, PassSettings, ReactionInput, SessionInput
from models.values.vocabulary import ParameterSource, ReactionOnset
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, PASSWORD, SCREENED, complete, sign_consent
from tests.ui.conftest import RecordedMessages
from ui.records.amend_dialog import EDIT, SIGN
from ui.records.history_view import HistoryView
from ui.services.tasks import TaskRunner

NECK = AreaInput("neck", {"wavelength_nm": 1064.0, "fluence_j_cm2": 30.0}, 100, 1)
#: Logged pass by pass by the simulated device.
CHEEKS = AreaInput("cheeks", {"fluence_j_cm2": 12.0, "spot_size_mm": 10.0}, 200, 2,
                   source=ParameterSource.SIMULATED,
                   per_pass=(PassSettings(1, {"fluence_j_cm2": 12.0, "spot_size_mm": 10.0}),
                             PassSettings(2, {"fluence_j_cm2": 12.5, "spot_size_mm": 10.0})))


def _log(database, technician, patient_id, device, days_ago: float):
    """Sign a session started ``days_ago``, to the second, its anaesthetic 40 minutes and 5
    seconds before."""
    started = (datetime.now(UTC) - timedelta(days=days_ago)).replace(second=17)
    entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1830, room="R1",
                         started_at=started, areas=(NECK, CHEEKS), anaesthetic_agent="EMLA 5%",
                         anaesthetic_applied_at=started - timedelta(minutes=40, seconds=5),
                         reactions=(ReactionInput("erythema", 1, "faint",
                                                  ReactionOnset.IMMEDIATELY),),
                         notes="Tolerated well")
    with database.write() as db:
        draft = session_logging.create_draft(db, technician, patient_id, entry)
        return complete(db, technician, draft.summary.id, entry)


@pytest.fixture
def patient(database, technician):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="A-1", full_name="Ann Amend",
                                       date_of_birth=None, fitzpatrick=3)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        return patient


@pytest.fixture
def signed(database, technician, device, patient):
    """A session signed three days ago: a typed area, one the device logged pass by pass,
    an anaesthetic applied at a time with seconds, a reaction noticed right after."""
    return _log(database, technician, patient.id, device, days_ago=3)


@pytest.fixture
def history_view(qtbot, database, supervisor):
    messages = RecordedMessages()
    tasks = TaskRunner(database, lambda error: messages.error(None, str(error)))
    view = HistoryView(tasks, supervisor, messages)
    qtbot.addWidget(view)
    view.show()
    yield view
    if view.dialog is not None:
        view.dialog.reject()
    tasks.shutdown()
    assert messages.shown == []


def open_amendment(qtbot, view, session_id):
    """Open the session from the History, click Amend…; the amendment dialog it opens."""
    view.open_session_id(session_id)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(),
                    timeout=10_000)
    actions = view.supervisor_actions
    qtbot.mouseClick(actions.amend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(actions, "amend_dialog", None) is not None
                    and actions.amend_dialog.isVisible(), timeout=10_000)
    qtbot.waitExposed(actions.amend_dialog)
    return actions.amend_dialog


def retype(qtbot, field, text: str) -> None:
    """Select what a field holds and type over it, as a person does."""
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(field, text)


def review(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.review_button.isEnabled(), timeout=10_000)


def sign(qtbot, dialog, reason: str, password: str = PASSWORD) -> None:
    qtbot.keyClicks(dialog.reason, reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # on to the password
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def stored(database, session_id):
    with database.read() as db:
        return history.load_session(db, session_id)


def test_every_kind_of_field_is_amended_seen_before_and_after_then_signed(
        qtbot, database, history_view, signed):
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    form = dialog.form
    retype(qtbot, form.duration.minutes, "45")
    retype(qtbot, form.areas.rows["neck"].fields["fluence_j_cm2"], "28")
    qtbot.keyClick(form.reactions.grades["oedema"], Qt.Key.Key_Down)  # grade 1
    qtbot.keyClicks(form.reactions.notes["oedema"], "around the jaw")
    form.anaesthetic.agent.setFocus()
    qtbot.keyClick(form.anaesthetic.agent.lineEdit(), Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.anaesthetic.agent.lineEdit(), "Lidocaine 4%")
    qtbot.mouseClick(form.screening.findings["sun_exposure"].box, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.screening.findings["sun_exposure"].reason, "tan noted late")
    form.notes.setFocus()
    qtbot.keyClick(form.notes, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.notes, "; heat on the left cheek")
    retype(qtbot, form.room, "R2")
    review(qtbot, dialog)

    assert dialog.pages.currentIndex() == SIGN  # nothing is saved before the signature
    shown = dialog.changes_view.toPlainText()
    for expected in ("Duration", "30.5 min", "45 min", "Area: Neck", "Fluence 30 J/cm²",
                     "Fluence 28 J/cm²", "Reaction: Swelling / oedema", "around the jaw",
                     "Anaesthetic", "Lidocaine 4%", "Screening: contraindications",
                     "tan noted late", "Notes", "Room"):
        assert expected in shown, expected
    assert "Cheeks" not in shown and "Erythema" not in shown  # what is left alone is not
    assert stored(database, signed.summary.id).amendments == ()

    sign(qtbot, dialog, "Read again from the paper record")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    detail = stored(database, signed.summary.id)
    assert detail.summary.status == "amended" and detail.summary.duration_s == 2700
    (amendment,) = detail.amendments
    assert set(amendment.new) == {"duration_s", "areas", "reactions", "anaesthetic",
                                  "screening", "notes", "room"}
    assert amendment.reason == "Read again from the paper record"
    neck, cheeks = detail.areas
    assert neck.settings["fluence_j_cm2"] == 28.0 and neck.settings["wavelength_nm"] == 1064.0
    assert cheeks.source == ParameterSource.SIMULATED and len(cheeks.per_pass) == 2
    assert detail.anaesthetic_applied_at == signed.anaesthetic_applied_at
    browser = history_view.dialog.browser
    qtbot.waitUntil(lambda: "Read again from the paper record" in browser.toPlainText(),
                    timeout=10_000)
    assert verify(database).ok


def test_a_field_left_alone_is_kept_exactly_as_recorded(qtbot, database, history_view,
                                                        signed):
    """Seconds, a duration of 30.5 minutes, per-pass device values, an onset: a change to
    the notes alone changes the notes alone."""
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    qtbot.keyClicks(dialog.form.notes, "Checked: ")
    review(qtbot, dialog)
    assert dialog.changes_view.toPlainText().count("Notes") == 1
    sign(qtbot, dialog, "typo")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    (amendment,) = stored(database, signed.summary.id).amendments
    assert set(amendment.new) == {"notes"}


def test_nothing_changed_is_said_and_nothing_asked(qtbot, history_view, signed):
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == EDIT
    assert "Nothing is changed" in dialog.status.text()


def test_what_stops_completion_is_said_next_to_its_field(qtbot, database, history_view,
                                                         signed):
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    retype(qtbot, dialog.form.duration.minutes, "")
    retype(qtbot, dialog.form.areas.rows["neck"].fields["fluence_j_cm2"], "abc")
    review(qtbot, dialog)
    assert dialog.pages.currentIndex() == EDIT
    assert "how long the session took" in dialog.form.duration_error.text()
    assert "Fluence must be a number" in dialog.form.areas.rows["neck"].error.text()
    assert stored(database, signed.summary.id).amendments == ()


def test_a_start_before_the_previous_session_is_refused_from_the_records(
        qtbot, database, technician, device, patient, history_view):
    earlier = _log(database, technician, patient.id, device, days_ago=10)
    later = _log(database, technician, patient.id, device, days_ago=3)
    dialog = open_amendment(qtbot, history_view, later.summary.id)
    before = (earlier.summary.started_at - timedelta(days=1)).astimezone()
    retype(qtbot, dialog.form.start.started, f"{before:%Y-%m-%d %H:%M}")
    review(qtbot, dialog)
    assert dialog.pages.currentIndex() == EDIT
    assert "previous session" in dialog.form.start.error.text()


def test_a_wrong_password_signs_nothing_and_can_be_typed_again(qtbot, database,
                                                               history_view, signed):
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    retype(qtbot, dialog.form.duration.minutes, "40")
    review(qtbot, dialog)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # no reason: on to the password,
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # and no password either
    assert dialog.reason_error.text() == "Give the reason for the amendment"
    sign(qtbot, dialog, "timer stopped late", password="not my password")
    qtbot.waitUntil(lambda: dialog.password_error.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.sign_button.isEnabled(), timeout=10_000)
    assert dialog.isVisible() and dialog.password.text() == ""
    assert stored(database, signed.summary.id).amendments == ()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert stored(database, signed.summary.id).summary.duration_s == 2400


def test_the_devices_values_are_read_only_until_explicitly_corrected(
        qtbot, database, history_view, signed):
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    field = dialog.form.areas.rows["cheeks"].fields["fluence_j_cm2"]
    assert field.isReadOnly()
    retype(qtbot, field, "11")
    assert field.text() == "12"  # typing does nothing
    box = dialog.form.correct_device
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: not field.isReadOnly(), timeout=2_000)
    retype(qtbot, field, "11")
    review(qtbot, dialog)
    assert "Area: Cheeks" in dialog.changes_view.toPlainText()
    sign(qtbot, dialog, "the device logged the wrong handpiece")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    cheeks = stored(database, signed.summary.id).areas[1]
    assert (cheeks.source, cheeks.settings["fluence_j_cm2"]) == (ParameterSource.MANUAL, 11.0)


def test_an_amended_session_is_no_longer_shown_reviewed_and_can_be_signed_off_again(
        qtbot, database, supervisor, history_view, signed):
    with database.write() as db:
        supervision.review_session(db, supervisor, signed.summary.id)
    dialog = open_amendment(qtbot, history_view, signed.summary.id)
    actions = history_view.supervisor_actions
    assert not actions.review_button.isEnabled()
    retype(qtbot, dialog.form.duration.minutes, "40")
    review(qtbot, dialog)
    sign(qtbot, dialog, "timer stopped late")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    browser = history_view.dialog.browser
    qtbot.waitUntil(lambda: "awaiting review again" in browser.toPlainText(),
                    timeout=10_000)
    text = browser.toPlainText()
    assert "not since amendment 1: awaiting review again" in text
    amendments = text.split("Amendments", 1)[1]  # the review it withdrew is kept there
    assert "Review" in amendments and "by Sam Supervisor" in amendments
    assert actions.review_button.isEnabled()
    detail = stored(database, signed.summary.id)
    assert (detail.summary.status, detail.reviewed_at) == ("amended", None)


def test_an_amendment_that_added_photos_says_which():
    from ui.records.amend_changes import changes

    added = {"area": "neck", "kind": "after", "pose": "left 45°", "sha256": "ab" * 32}
    found = changes({"photos": []}, {"photos": [added, added | {"kind": "before"}]})
    assert [(c.what, c.before, c.after) for c in found] == [
        ("Photos", "none added", "Neck, after, left 45°; Neck, before, left 45°")]
