"""Log a session through the real form, keyboard and mouse, and find it where it belongs."""

from PySide6.QtCore import Qt
from sqlalchemy import select

from models.reading import history
from models.records.treatment import TreatmentSession
from tests.ui.session.helpers import (
    consent_signed,
    register_patient,
    screen,
    sign,
    tick_area,
    verify_device,
)
from ui.records.history_model import COLUMNS

__all__ = ["register_patient", "screen", "tick_area"]  # steps other screens' tests take


def test_technician_logs_a_complete_session(qtbot, window, database, technician, device):
    form = window.form
    register_patient(qtbot, form)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    assert "Lucia Costa" in form.patient.selected.text()
    consent_signed(qtbot, database, technician, form)

    form.device.setCurrentIndex(1)
    verify_device(database, technician, device.id, form, qtbot)
    form.duration.minutes.setFocus()
    qtbot.keyClicks(form.duration.minutes, "45")
    assert form.screening.fitzpatrick.currentData() == 4  # the patient's, as registered
    screen(qtbot, form)
    tick_area(form, "Neck")
    tick_area(form, "Jawline / jowls")
    neck = form.areas.rows["neck"].fields
    qtbot.keyClicks(neck["wavelength_nm"], "1064")
    qtbot.keyClicks(neck["fluence_j_cm2"], "32,5")
    qtbot.keyClicks(neck["pulses"], "300")
    qtbot.keyClicks(neck["passes"], "2")
    qtbot.keyClicks(form.areas.rows["jawline"].fields["fluence_j_cm2"], "28")
    form.anaesthetic.kind.setCurrentIndex(1)
    form.anaesthetic.agent.setCurrentText("Lidocaine 5% cream")
    qtbot.keyClicks(form.anaesthetic.applied_at, "00:00")
    form.reactions.grades["erythema"].setCurrentIndex(2)
    qtbot.keyClicks(form.reactions.notes["erythema"], "faded within the hour")
    qtbot.keyClicks(form.notes, "Tolerated well")

    # The draft is saved on its own while typing.
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=10_000)
    with database.read() as s:
        draft = history.load_session(s, form.draft_id)
    assert draft.summary.status == "draft" and draft.summary.duration_s == 45 * 60

    dialog = sign(qtbot, form)
    summary = dialog.summary.text()
    assert "Lucia Costa (P-2001)" in summary and "Jawline / jowls, Neck" in summary
    assert "Redness / erythema, grade 2 moderate" in summary
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    assert form.draft_id is None and form.duration.minutes.text() == ""

    with database.read() as s:
        (session_id,) = s.scalars(select(TreatmentSession.id)).all()
        detail = history.load_session(s, session_id)
    assert detail.summary.status == "completed"
    assert detail.patient.identifier == "P-2001" and detail.patient.fitzpatrick == 4
    assert detail.room == "Room 4" and detail.device.serial == "SN-77"
    assert [a.area for a in detail.areas] == ["jawline", "neck"]
    neck_row = detail.areas[1]
    assert neck_row.settings["fluence_j_cm2"] == 32.5 and neck_row.settings["wavelength_nm"] == 1064
    assert (neck_row.pulses, neck_row.passes) == (300, 2)
    assert detail.anaesthetic_agent == "Lidocaine 5% cream"
    assert [(r.kind, r.grade, r.note) for r in detail.reactions] == [
        ("erythema", 2, "faded within the hour")
    ]
    assert detail.notes == "Tolerated well"

    window.tabs.setCurrentWidget(window.history)
    model = window.history.model
    qtbot.waitUntil(lambda: model.rowCount() == 1
                    and model.index(0, COLUMNS.index("Status")).data() == "Completed",
                    timeout=10_000)
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[1] == "Lucia Costa (P-2001)"
    assert cells[2] == "Jawline / jowls, Neck"
    assert cells[3] == "Tess Tech"
    assert cells[4] == "45 min"
    assert cells[5] == "Redness / erythema 2"

    window.tabs.setCurrentWidget(window.history)
    window.history.open_session(model.index(0, 0))
    qtbot.waitUntil(lambda: window.history.dialog is not None, timeout=10_000)
    text = window.history.dialog.browser.toPlainText()
    assert "Lidocaine 5% cream" in text and "32.5" in text and "faded within the hour" in text
    assert window.history.dialog.browser.isReadOnly()


def test_bad_input_is_named_next_to_the_field_and_kept(qtbot, window, database):
    form = window.form
    dialog = register_patient(qtbot, form, born="2999-01-01")
    qtbot.waitUntil(lambda: dialog.errors["date_of_birth"].isVisible(), timeout=10_000)
    assert "future" in dialog.errors["date_of_birth"].text()
    assert dialog.date_of_birth.text() == "2999-01-01" and dialog.isVisible()
    dialog.date_of_birth.clear()
    dialog.identifier.clear()
    qtbot.keyClick(dialog.full_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.errors["identifier"].isVisible(), timeout=10_000)
    assert "needs an identifier" in dialog.errors["identifier"].text()
    assert dialog.full_name.text() == "Lucia Costa"

    qtbot.keyClicks(dialog.identifier, "P-9")
    qtbot.keyClick(dialog.identifier, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    assert not dialog.isVisible()
    form.device.setCurrentIndex(1)
    qtbot.keyClicks(form.duration.minutes, "0")
    tick_area(form, "Forehead")
    qtbot.keyClicks(form.areas.rows["forehead"].fields["fluence_j_cm2"], "strong")
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)

    assert "more than zero" in form.duration_error.text() and form.duration_error.isVisible()
    row_error = form.areas.rows["forehead"].error
    assert "Fluence must be a number" in row_error.text() and row_error.isVisible()
    assert form.duration.minutes.text() == "0"
    assert form.areas.rows["forehead"].fields["fluence_j_cm2"].text() == "strong"

    form.duration.minutes.setText("400")
    form.areas.rows["forehead"].fields["fluence_j_cm2"].setText("-2")
    qtbot.mouseClick(form.complete_button, Qt.MouseButton.LeftButton)
    assert "6 hours" in form.duration_error.text()
    assert "positive" in row_error.text()
    with database.read() as s:
        statuses = s.scalars(select(TreatmentSession.status)).all()
    assert statuses == ["draft"]


def test_tab_order_follows_the_form(qtbot, window):
    form = window.form
    tick_area(form, "Neck")
    chain = form.focus_chain()
    assert chain.index(form.areas.areas) < chain.index(form.areas.rows["neck"].fields["pulses"])
    start = chain.index(form.duration.minutes)
    for current, following in zip(chain[start:], chain[start + 1:], strict=False):
        if current.isEnabled() and following.isEnabled():
            assert current.nextInFocusChain() is not None
            assert _next_enabled_focus(current) is following, current.accessibleName()


def _next_enabled_focus(widget):
    candidate = widget.nextInFocusChain()
    while not (candidate.isEnabled() and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus):
        candidate = candidate.nextInFocusChain()
    return candidate


def test_keyboard_switches_between_log_and_history(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window.form.patient.search, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.history
    qtbot.keyClick(window.history.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.form
