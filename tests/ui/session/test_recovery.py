"""After a crash the next start offers the open draft back, exactly as last saved."""


from models.storage.preferences import Settings
from tests.ui.conftest import RecordedMessages, resume_offered_draft
from tests.ui.session.helpers import (
    consent_signed,
    register_patient,
    screen,
    sign,
    tick_area,
    verify_device,
)
from ui.shell.main_window import MainWindow


def test_the_next_start_offers_the_draft_a_crash_left_open(qtbot, window, database,
                                                           technician):
    form = window.form
    register_patient(qtbot, form, identifier="R-1", name="Rita Rojas")
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    consent_signed(qtbot, database, technician, form)
    form.device.setCurrentIndex(1)
    verify_device(database, technician, form.devices.current_id(), form, qtbot)
    tick_area(form, "Neck")
    qtbot.keyClicks(form.areas.rows["neck"].fields["fluence_j_cm2"], "31.5")
    qtbot.keyClicks(form.duration.minutes, "40")
    screen(qtbot, form)
    form.reactions.set_grade("erythema", 2, "settled in 10 min")
    qtbot.keyClicks(form.notes, "Patient asked about aftercare")
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=10_000)
    draft_id = form.draft_id
    # The app dies here: no close, no last save. A new start follows.

    messages = RecordedMessages()
    again = MainWindow(database, technician, Settings(room="Room 4", autosave_seconds=0.2),
                       messages)
    qtbot.addWidget(again)
    again.show()
    resume_offered_draft(qtbot, again)
    qtbot.waitUntil(lambda: again.form.draft_id == draft_id, timeout=10_000)
    resumed = again.form
    assert "Rita Rojas" in resumed.patient.selected.text()
    assert resumed.areas.rows["neck"].fields["fluence_j_cm2"].text() == "31.5"
    assert resumed.duration.minutes.text() == "40"
    qtbot.waitUntil(lambda: "Signed by Pat Doe" in resumed.screening.consent_note.text(),
                    timeout=10_000)  # the consent on file, looked up again
    qtbot.waitUntil(lambda: all(box.isChecked()  # the device log's verification too
                                for box in resumed.screening.checklist.values()),
                    timeout=10_000)
    assert resumed.notes.toPlainText() == "Patient asked about aftercare"
    assert {r.kind: r.grade for r in resumed.reactions.value()} == {"erythema": 2}
    qtbot.waitUntil(lambda: resumed.device.currentIndex() == 1, timeout=10_000)
    entry, problems = resumed.collect()
    assert problems == {} and entry.duration_s == 40 * 60

    sign(qtbot, resumed)
    qtbot.waitUntil(lambda: "Signed at" in resumed.status.text(), timeout=10_000)
    again.close()
