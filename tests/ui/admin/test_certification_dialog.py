"""The certification dialog says every problem at once and grows to show them: its buttons
stay whole after an error."""

from datetime import date, timedelta

from PySide6.QtWidgets import QDialogButtonBox

from models.clinic import staff_report
from tests.ui.admin.conftest import (
    click,
    click_row,
    open_section,
    press_return,
    shown_dialog,
    type_into,
)


def test_a_certification_is_checked_in_one_round_and_its_buttons_stay_whole(
        qtbot, database, admin, technician, admin_window):
    view = admin_window.admin
    staff = open_section(qtbot, view, "Staff")
    row = [staff.users.item(r, 0).text() for r in range(staff.users.rowCount())].index("tess")
    click_row(qtbot, staff.users, row)
    click(qtbot, staff.certify_button)
    dialog = shown_dialog(qtbot, staff, "certify_dialog")
    type_into(qtbot, dialog.number, "")
    type_into(qtbot, dialog.expires, "2020-01-01")
    press_return(qtbot, dialog.expires)
    qtbot.waitUntil(lambda: dialog.errors["certification_number"].isVisible(), timeout=10_000)
    assert dialog.errors["certification_number"].text() == "Enter the certification number"
    assert dialog.errors["certification_expires"].text() == (
        "This certification expired on 2020-01-01; record the renewed one")
    qtbot.wait(50)  # the dialog has grown
    buttons = dialog.findChild(QDialogButtonBox)
    assert dialog.rect().contains(buttons.geometry()), (dialog.size(), buttons.geometry())
    layout = dialog.layout()
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width()) - 2

    type_into(qtbot, dialog.expires, "in a year")
    press_return(qtbot, dialog.expires)
    qtbot.waitUntil(lambda: "YYYY-MM-DD" in dialog.errors["certification_expires"].text(),
                    timeout=10_000)
    renewed = date.today() + timedelta(days=365)
    type_into(qtbot, dialog.number, "LT-2027")
    type_into(qtbot, dialog.expires, f"{renewed:%Y-%m-%d}")
    press_return(qtbot, dialog.expires)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert view.message.text() == "Recorded the certification of tess."
    with database.read() as db:
        (tess,) = staff_report.technician_report(db, admin, date.today().year)
    assert (tess.certification_number, tess.certification_expires) == ("LT-2027", renewed)
