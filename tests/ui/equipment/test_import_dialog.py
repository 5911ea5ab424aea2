"""Import through the real windows: check, preview, import, and see the pulses afterwards."""

from PySide6.QtCore import Qt

from devices.simulated.treatment_device import SIMULATED_MODELS
from models.reading import history
from tests.devices.conftest import SERIAL, simulate
from tests.ui.session.test_session_form import register_patient
from ui.equipment.import_dialog import ImportDialog


def test_a_file_with_problems_is_previewed_and_cannot_be_imported(qtbot, window, database,
                                                                   tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("session,serial,patient,time,area,fluence [J/cm2]\n"
                   "S1,SN-77,P-1,2026-01-01 10:00,Neck,abc\n", encoding="utf-8")
    dialog = ImportDialog(window.tasks, window.form.actor)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(bad))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Correct the problems" in dialog.status.text(), timeout=10_000)
    shown = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert "line 2: Fluence (fluence) 'abc' is not a number" in shown
    assert not dialog.import_button.isEnabled()


def test_technician_imports_a_device_file_into_the_open_draft(qtbot, window, database, admin,
                                                              tmp_path):
    from models.clinic import device_register

    model = SIMULATED_MODELS[2]
    with database.write() as db:
        device_register.add_device(db, admin, make=model.make, model=model.model,
                                   serial=SERIAL, kind=model.kind)
    form = window.form
    register_patient(qtbot, form, identifier="P-100", name="Ines Duarte")
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    path, plan, pulses = simulate(tmp_path, "json", sessions=1)

    qtbot.mouseClick(form.import_button, Qt.MouseButton.LeftButton)
    dialog = form.import_dialog
    dialog.path.setText(str(path))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
    assert dialog.sessions.rowCount() == 1
    assert dialog.sessions.item(0, 0).text() == plan[0].reference
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "filled from the device" in form.status.text(), timeout=10_000)

    imported = {a.area for a in plan[0].areas}
    assert set(form.areas.locked) == imported
    some_area = next(iter(imported))
    assert form.areas.rows[some_area].fields["spot_size_mm"].isReadOnly()

    # The next autosave keeps the device's parameters exactly.
    qtbot.keyClicks(form.notes, "Imported from the handpiece log")
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=10_000)
    with database.read() as db:
        detail = history.load_session(db, form.draft_id)
    assert {a.area: a.source for a in detail.areas} == dict.fromkeys(imported, "import")
    assert sum(a.pulses for a in detail.areas) == len(pulses[0])
    assert detail.imports[0].file_name == path.name
    assert detail.device.serial == SERIAL and form.device.currentData() == detail.device.id


def test_a_file_cut_off_is_imported_only_when_the_technician_says_so(qtbot, window, database,
                                                                     admin, tmp_path):
    from models.clinic import device_register

    model = SIMULATED_MODELS[2]
    with database.write() as db:
        device_register.add_device(db, admin, make=model.make, model=model.model,
                                   serial=SERIAL, kind=model.kind)
    form = window.form
    register_patient(qtbot, form, identifier="P-101", name="Ivo Duarte")
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    path, _plan, pulses = simulate(tmp_path, "csv", sessions=1)
    data = path.read_bytes()
    path.write_bytes(data[: data.rstrip(b"\r\n").rfind(b",") + 3])  # cut in the last value

    qtbot.mouseClick(form.import_button, Qt.MouseButton.LeftButton)
    dialog = form.import_dialog
    dialog.path.setText(str(path))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.accept_cut_off.isVisible, timeout=10_000)
    shown = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert any("seems cut off at line" in line for line in shown), shown
    assert not dialog.import_button.isEnabled()

    dialog.accept_cut_off.setChecked(True)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "filled from the device" in form.status.text(), timeout=10_000)
    with database.read() as db:
        detail = history.load_session(db, form.draft_id)
    assert sum(a.pulses for a in detail.areas) == len(pulses[0]) - 1  # the incomplete end left
