"""The simulated device connected from the session form: live pulses, then into the draft."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models.reading import history
from models.workflow import import_recording
from tests.ui.session.test_session_form import register_patient, tick_area
from ui.records.session_detail import session_html


def open_draft(qtbot, form):
    register_patient(qtbot, form)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)


def test_connecting_needs_a_device_and_ticked_areas(qtbot, window):
    form = window.form
    assert not form.connect_button.isEnabled()  # no draft yet
    open_draft(qtbot, form)
    qtbot.mouseClick(form.connect_button, Qt.MouseButton.LeftButton)
    assert form.device_error.text() == "Choose the device to connect"
    assert "Tick the areas to treat first" in form.areas.areas_error.text()
    assert not hasattr(form, "live_dialog")


def test_pulses_are_drawn_live_and_saved_into_the_draft_read_only(qtbot, window, database):
    form = window.form
    open_draft(qtbot, form)
    form.device.setCurrentIndex(1)
    tick_area(form, "Cheeks")
    tick_area(form, "Neck")
    qtbot.mouseClick(form.connect_button, Qt.MouseButton.LeftButton)
    dialog = form.live_dialog
    assert dialog.settings.rowCount() == 2 and dialog.settings.item(0, 0).text() == "Cheeks"
    assert not dialog.save_button.isEnabled()

    dialog.speed.setCurrentIndex(dialog.speed.findText("60× faster"))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plots.points("delivered_fluence_j_cm2") > 5, timeout=10_000)
    assert dialog.playback.finished is False  # drawn while the session is still going
    assert dialog.status.text().startswith("Pulse ")
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    total = dialog.playback.total
    assert dialog.plots.points("skin_temperature_c") == total
    assert "All pulses delivered" in dialog.status.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: set(form.areas.locked) == {"cheeks", "neck"}, timeout=10_000)
    qtbot.waitUntil(lambda: "arameters of 2 areas filled from the device" in
                    form.status.text(), timeout=10_000)
    assert form.areas.rows["neck"].fields["fluence_j_cm2"].isReadOnly()
    assert not form.connect_button.isEnabled()
    with database.read() as db:
        detail = history.load_session(db, form.draft_id)
        traces = import_recording.load_traces(db, form.draft_id)
    assert {a.area: a.source for a in detail.areas} == {"cheeks": "simulated",
                                                        "neck": "simulated"}
    assert sum(a.pulses for a in detail.areas) == total
    assert len(traces["time_s"]) == 4 * total
    assert session_html(detail).count("<td>Simulated device</td>") == 2
    shown = {a.area: form.areas.rows[a.area].fields["fluence_j_cm2"].text()
             for a in detail.areas}
    assert shown == {a.area: f"{a.settings['fluence_j_cm2']:g}" for a in detail.areas}


def test_cancelling_after_pulses_asks_before_discarding_them(qtbot, window, database,
                                                             monkeypatch):
    form = window.form
    open_draft(qtbot, form)
    form.device.setCurrentIndex(1)
    tick_area(form, "Forehead")
    qtbot.mouseClick(form.connect_button, Qt.MouseButton.LeftButton)
    dialog = form.live_dialog
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: answers.pop(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.save_button.isEnabled()  # kept on "Cancel"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    with database.read() as db:
        assert import_recording.load_traces(db, form.draft_id) == {}
    assert form.connect_button.isEnabled()
