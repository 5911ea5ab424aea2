"""Staff accounts on the administrator's screen: a new account validated in one round, a
password reset to a temporary one, a role changed, each said on the status line and kept
in the database; the administrator's own account is protected."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from models.access import accounts
from models.records.audit_events import AuditEvent
from models.records.people import User
from tests.ui.admin.conftest import (
    click,
    click_row,
    open_section,
    press_return,
    settle,
    shown_dialog,
    type_into,
)


def user(database, username) -> User:
    with database.read() as db:
        found = db.scalar(select(User).where(User.username == username))
        db.expunge(found)
    return found


def staff_row(staff, username) -> int:
    return [staff.users.item(r, 0).text() for r in range(staff.users.rowCount())].index(
        username)


def test_a_new_account_is_validated_in_one_round(qtbot, admin_window, database):
    view = admin_window.admin
    staff = open_section(qtbot, view, "Staff")
    click(qtbot, staff.add_button)
    dialog = shown_dialog(qtbot, staff, "add_dialog")
    type_into(qtbot, dialog.username, "ADMIN")
    type_into(qtbot, dialog.password, "short")
    type_into(qtbot, dialog.repeat, "shorter")
    press_return(qtbot, dialog.repeat)
    settle(qtbot, view)
    shown = {key: error.text() for key, error in dialog.errors.items() if error.isVisible()}
    assert shown == {"username": "The user name 'ADMIN' is already taken",
                     "password": "The password needs at least 8 characters",
                     "repeat": "The two passwords differ"}
    type_into(qtbot, dialog.username, "nora")
    type_into(qtbot, dialog.full_name, "Nora Night")
    type_into(qtbot, dialog.password, "nightshift-1")
    type_into(qtbot, dialog.repeat, "nightshift-1")
    press_return(qtbot, dialog.repeat)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: staff.users.rowCount() == 2, timeout=10_000)
    assert view.message.text() == "Added technician nora; they can sign in now."
    assert user(database, "nora").full_name == "Nora Night"


def test_a_password_is_reset_to_a_temporary_one_the_owner_must_change(
        qtbot, database, technician, admin_window):
    view = admin_window.admin
    staff = open_section(qtbot, view, "Staff")
    qtbot.waitUntil(lambda: staff.users.rowCount() == 2, timeout=10_000)
    click(qtbot, staff.reset_button)
    assert view.message.text() == "Choose the person in the list first."
    click_row(qtbot, staff.users, staff_row(staff, "tess"))
    click(qtbot, staff.reset_button)
    dialog = shown_dialog(qtbot, staff, "reset_dialog")
    press_return(qtbot, dialog.reason)  # no reason
    settle(qtbot, view)
    assert dialog.errors["reason"].text() == ("Say why the password is reset (it is kept in "
                                              "the audit trail)")
    assert not user(database, "tess").must_change_password
    type_into(qtbot, dialog.reason, "forgot it")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: dialog.temporary.isVisible(), timeout=10_000)
    temporary = dialog.temporary.text()
    assert len(temporary) == 14 and not dialog.errors["reason"].isVisible()
    assert dialog.handover.text() == "Give it to Tess Tech in person; it is not shown again."
    buttons = dialog.findChild(QDialogButtonBox)
    close = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert close.text() == "Close"
    assert not buttons.button(QDialogButtonBox.StandardButton.Save).isVisible()
    assert view.message.text() == ("Reset the password of tess; they choose a new one when "
                                   "they next sign in.")
    click(qtbot, close)
    qtbot.waitUntil(lambda: "temporary password" in staff.users.item(
        staff_row(staff, "tess"), 3).text(), timeout=10_000)
    assert user(database, "tess").must_change_password
    with database.read() as db:
        event = db.scalars(select(AuditEvent).where(
            AuditEvent.action == "user.password_reset")).one()
        assert (event.actor_id, event.reason) == (view.actor.id, "forgot it")
    try:
        accounts.sign_in(database, "tess", temporary)
    except accounts.PasswordChangeNeeded:
        pass
    else:
        raise AssertionError("the temporary password signed in without a change")


def test_a_role_is_changed_with_a_reason_and_never_one_s_own(qtbot, database, technician,
                                                             admin_window):
    view = admin_window.admin
    staff = open_section(qtbot, view, "Staff")
    qtbot.waitUntil(lambda: staff.users.rowCount() == 2, timeout=10_000)
    click_row(qtbot, staff.users, staff_row(staff, "admin"))
    click(qtbot, staff.role_button)
    dialog = shown_dialog(qtbot, staff, "role_dialog")
    type_into(qtbot, dialog.reason, "stepping down")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: dialog.errors["reason"].isVisible(), timeout=10_000)
    assert dialog.errors["reason"].text() == ("You cannot change your own role; ask another "
                                              "administrator")
    dialog.reject()

    click_row(qtbot, staff.users, staff_row(staff, "tess"))
    click(qtbot, staff.role_button)
    qtbot.waitUntil(lambda: staff.role_dialog is not dialog, timeout=10_000)
    dialog = shown_dialog(qtbot, staff, "role_dialog")
    assert dialog.role.currentData() == "technician"
    press_return(qtbot, dialog.reason)  # the same role, and no reason: both said at once
    qtbot.waitUntil(lambda: dialog.errors["reason"].isVisible(), timeout=10_000)
    assert dialog.errors["role"].text() == "tess is a technician already; choose another role"
    dialog.role.setFocus()
    qtbot.keyClick(dialog.role, Qt.Key.Key_Down)  # Supervisor
    type_into(qtbot, dialog.reason, "leads the evening shift")
    press_return(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert view.message.text() == ("tess is now a supervisor; the new role applies from their "
                                   "next sign-in.")
    qtbot.waitUntil(lambda: staff.users.item(staff_row(staff, "tess"), 2).text()
                    == "Supervisor", timeout=10_000)
    assert user(database, "tess").role == "supervisor"

    click_row(qtbot, staff.users, staff_row(staff, "admin"))
    click(qtbot, staff.disable_button)
    qtbot.waitUntil(lambda: view.message.text().startswith("Not done"), timeout=10_000)
    assert view.message.text() == "Not done: You cannot disable your own account"
    assert user(database, "admin").active
