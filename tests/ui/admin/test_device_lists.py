"""The device register and the tips on the administrator's screen: each device with its tip
and last daily verification; registered, corrected, retired (never deleted) and tips fitted,
corrected and retired, each said on the status line and kept in the database."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from models.clinic import device_register, device_upkeep
from models.values.vocabulary import LogKind
from tests.ui.admin.conftest import (
    cells,
    click,
    click_row,
    double_click_row,
    open_section,
    press_return,
    settle,
    shown_dialog,
    type_into,
)


def registered(database, admin):
    with database.read() as db:
        return device_register.register(db, admin)


def test_devices_are_registered_corrected_and_retired(qtbot, database, admin, technician,
                                                      device, admin_window):
    with database.write() as db:
        device_upkeep.fit_tip(db, admin, device.id, "Tip 10 mm", 50_000)
        device_upkeep.log_device(db, technician, device.id, LogKind.VERIFICATION_PASSED)
    view = admin_window.admin
    devices = open_section(qtbot, view, "Devices")
    qtbot.waitUntil(lambda: devices.model.rowCount() == 1, timeout=10_000)
    (row,) = cells(devices.table)
    assert row[:4] == ["Lumen NdYAG 1064", "SN-77", "Laser", "Tip 10 mm"]
    assert row[4].endswith("passed (Tess Tech)") and row[5] == "In use"

    click(qtbot, devices.register_button)  # a new device: said once registered
    dialog = shown_dialog(qtbot, devices, "device_dialog")
    type_into(qtbot, dialog.make, "Solace")
    type_into(qtbot, dialog.model, "IPL 640")
    type_into(qtbot, dialog.serial, "SN-640")
    press_return(qtbot, dialog.serial)
    qtbot.waitUntil(lambda: devices.model.rowCount() == 2, timeout=10_000)
    assert view.message.text() == ("Registered Solace IPL 640 (SN-640); technicians can "
                                   "choose it for new sessions now.")

    first = [r[1] for r in cells(devices.table)].index("SN-77")
    double_click_row(qtbot, devices.table, first)  # edits it
    dialog = shown_dialog(qtbot, devices, "edit_dialog")
    assert (dialog.make.text(), dialog.model.text(), dialog.serial.text()) == (
        "Lumen", "NdYAG 1064", "SN-77")
    type_into(qtbot, dialog.make, "")
    type_into(qtbot, dialog.serial, "SN-640")
    press_return(qtbot, dialog.serial)  # both problems at once
    qtbot.waitUntil(lambda: dialog.errors["serial"].isVisible(), timeout=10_000)
    assert dialog.errors["make"].text() == "Enter the device's make"
    assert dialog.errors["serial"].text() == "A device with serial SN-640 is already registered"
    type_into(qtbot, dialog.make, "Lumen Aesthetics")
    type_into(qtbot, dialog.serial, "SN-77")
    press_return(qtbot, dialog.serial)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert view.message.text() == ("Saved Lumen Aesthetics NdYAG 1064 (SN-77); its sessions "
                                   "show the corrected details.")
    qtbot.waitUntil(lambda: "Lumen Aesthetics NdYAG 1064" in [r[0] for r in cells(
        devices.table)], timeout=10_000)

    first = [r[1] for r in cells(devices.table)].index("SN-77")
    click_row(qtbot, devices.table, first)
    click(qtbot, devices.retire_button)
    dialog = shown_dialog(qtbot, devices, "retire_dialog")
    press_return(qtbot, dialog.reason)  # no reason
    qtbot.waitUntil(lambda: dialog.errors["reason"].isVisible(), timeout=10_000)
    assert "Say why the device is retired" in dialog.errors["reason"].text()
    type_into(qtbot, dialog.reason, "sold")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert view.message.text() == ("Retired Lumen Aesthetics NdYAG 1064 (SN-77); it is no "
                                   "longer offered for new sessions.")
    settle(qtbot, view)
    rows = cells(devices.table)
    assert [(r[1], r[5]) for r in rows] == [("SN-640", "In use"), ("SN-77", "Retired")]
    retired = devices.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(retired, QBrush)  # greyed out
    assert [(d.device.serial, d.active) for d in registered(database, admin)] == [
        ("SN-640", True), ("SN-77", False)]
    with database.read() as db:
        assert [d.serial for d in device_register.list_devices(db)] == ["SN-640"]


def test_tips_are_fitted_corrected_and_retired(qtbot, database, admin, device, admin_window):
    view = admin_window.admin
    tips = open_section(qtbot, view, "Tips")
    assert tips.model.rowCount() == 0
    click(qtbot, tips.fit_button)
    dialog = shown_dialog(qtbot, tips, "tip_dialog")
    press_return(qtbot, dialog.name)  # no name, no rated life: both said
    qtbot.waitUntil(lambda: dialog.errors["rated_pulses"].isVisible(), timeout=10_000)
    assert dialog.errors["name"].isVisible()
    type_into(qtbot, dialog.name, "Tip 15 mm")
    type_into(qtbot, dialog.rated, "40000")
    press_return(qtbot, dialog.name)
    qtbot.waitUntil(lambda: tips.model.rowCount() == 1, timeout=10_000)
    assert view.message.text() == "Fitted Tip 15 mm; its pulses are counted from now."
    assert cells(tips.table)[0][1:3] == ["Tip 15 mm", "0 of 40,000"]
    assert cells(tips.table)[0][4] == "Fitted now"

    double_click_row(qtbot, tips.table, 0)
    dialog = shown_dialog(qtbot, tips, "tip_dialog")
    assert not dialog.device.isEnabled() and dialog.name.text() == "Tip 15 mm"
    type_into(qtbot, dialog.rated, "45000")
    press_return(qtbot, dialog.name)
    qtbot.waitUntil(lambda: cells(tips.table)[0][2] == "0 of 45,000", timeout=10_000)
    assert view.message.text() == "Saved Tip 15 mm."

    click_row(qtbot, tips.table, 0)
    click(qtbot, tips.retire_button)
    dialog = shown_dialog(qtbot, tips, "retire_dialog")
    type_into(qtbot, dialog.reason, "cracked window")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: cells(tips.table)[0][4].startswith("Retired"), timeout=10_000)
    assert view.message.text() == ("Retired Tip 15 mm; Lumen NdYAG 1064 (SN-77) has no tip "
                                   "fitted now.")
    with database.read() as db:
        (tip,) = device_upkeep.list_tips(db, admin)
        assert (tip.rated_pulses, tip.retired) == (45_000, True)
        assert device_upkeep.current_tip(db, device.id) is None
