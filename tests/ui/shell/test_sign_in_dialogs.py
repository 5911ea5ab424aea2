"""Signing in after an administrator reset the password: the temporary password opens two
more fields, the new password is checked as a new account's (every problem at once), and
it replaces the temporary one. The first administrator is validated in one round too."""

from PySide6.QtCore import Qt
from sqlalchemy import select

from models.access import accounts
from models.records.people import User
from ui.shell.sign_in_dialogs import FirstAdminDialog, LoginDialog


def type_into(qtbot, field, text: str) -> None:
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def test_a_reset_password_is_replaced_at_sign_in(qtbot, database, admin, technician):
    with database.write() as db:
        accounts.reset_password(db, admin, "tess", "forgot it", temporary="temporary-1")
    dialog = LoginDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.new_password.isVisible()
    type_into(qtbot, dialog.username, "tess")
    type_into(qtbot, dialog.password, "temporary-1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.new_password.isVisible() and dialog.repeat.isVisible()
    assert dialog.focusWidget() is dialog.new_password and dialog.actor is None
    assert "An administrator reset your password" in dialog.change_note.text()

    type_into(qtbot, dialog.new_password, "short")
    type_into(qtbot, dialog.repeat, "shorts")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert (dialog.new_error.text(), dialog.repeat_error.text()) == (
        "The password needs at least 8 characters", "The two passwords differ")
    assert dialog.new_error.isVisible() and dialog.repeat_error.isVisible()
    assert dialog.isVisible() and dialog.actor is None

    type_into(qtbot, dialog.new_password, "tess-own-password")
    type_into(qtbot, dialog.repeat, "tess-own-password")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.username == "tess"
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    with database.read() as db:
        assert not db.scalar(select(User.must_change_password).where(User.username == "tess"))
    assert accounts.sign_in(database, "tess", "tess-own-password").id == technician.id


def test_the_first_administrator_is_validated_in_one_round(qtbot, tmp_path):
    from models.storage import schema
    from models.storage.database import open_database

    database = open_database(f"sqlite:///{tmp_path / 'new.db'}")
    schema.upgrade(database)
    try:
        dialog = FirstAdminDialog(database)
        qtbot.addWidget(dialog)
        dialog.show()
        type_into(qtbot, dialog.username, "")
        type_into(qtbot, dialog.password, "short")
        type_into(qtbot, dialog.repeat, "other")
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
        shown = {key: error.text() for key, error in dialog.errors.items()
                 if error.isVisible()}
        assert shown == {"username": "Enter a user name",
                         "password": "The password needs at least 8 characters",
                         "repeat": "The two passwords differ"}
        assert dialog.actor is None
    finally:
        database.dispose()
