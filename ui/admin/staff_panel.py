"""Staff accounts: added, their password reset, their role changed, disabled, unlocked, their
certification recorded. Accounts are never deleted."""

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.access import accounts
from models.access.accounts import UserRow
from models.access.permissions import a_role
from models.clinic import staff_report
from models.clinic.staff_report import TechnicianRow
from models.errors import LaserLogError
from models.values.rows import Actor
from models.values.vocabulary import Role
from ui.admin.account_dialogs import AddUserDialog, ResetPasswordDialog, RoleDialog
from ui.admin.staff_dialogs import CertificationDialog
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.row_table import row_table

ATTENTION = QBrush(QColor(170, 20, 20))  # a certification expired, expiring or missing


class StaffPanel(QWidget):
    """Signals:
    said(str): what was just done (or why not), for the screen's status line.
    """

    said = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.rows: list[UserRow] = []
        self.users = row_table(["User name", "Full name", "Role", "State", "Certification",
                                "Procedures this year"], stretch_last=False)
        header = self.users.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the certification
        self.add_button = QPushButton("&Add user…")
        self.reset_button = QPushButton("Reset pass&word…")
        self.reset_button.setToolTip("Give the selected person a temporary password; they "
                                     "choose their own when they next sign in")
        self.role_button = QPushButton("Change &role…")
        self.role_button.setToolTip("Make the selected person a technician, a supervisor or "
                                    "an administrator")
        self.disable_button = QPushButton("&Disable")
        self.disable_button.setToolTip("Stop the selected account signing in; it and its "
                                       "records stay")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setToolTip("End the wait that failed sign-ins put on the account")
        self.certify_button = QPushButton("&Certification…")
        self.certify_button.setToolTip("Record the selected technician's certification or its "
                                       "renewal")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.role_button,
                       self.disable_button, self.unlock_button, self.certify_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Staff accounts. Accounts are never deleted: disable one to "
                                "stop it signing in; its records stay."))
        layout.addWidget(self.users, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._add)
        self.reset_button.clicked.connect(self._reset)
        self.role_button.clicked.connect(self._change_role)
        self.disable_button.clicked.connect(lambda: self._change(
            accounts.disable_user, "Disabled {}; the account and its records stay."))
        self.unlock_button.clicked.connect(lambda: self._change(
            accounts.unlock_user, "Unlocked {}; they may sign in again now."))
        self.certify_button.clicked.connect(self._certify)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        year = date.today().year
        self.tasks.read(lambda db, actor: (accounts.list_users(db, actor),
                                           staff_report.technician_report(db, actor, year)),
                        self.actor).then(self._show)

    def _show(self, found: tuple[list[UserRow], list[TechnicianRow]]) -> None:
        users, technicians = found
        self.rows = users
        by_name = {row.username: row for row in technicians}
        today = date.today()
        self.users.setRowCount(len(users))
        for row, user in enumerate(users):
            state = "active" if user.active else "disabled"
            if user.locked_until is not None:
                state += f", waiting until {user.locked_until.astimezone():%H:%M:%S}"
            if user.active and user.must_change_password:
                state += ", temporary password"
            technician = by_name.get(user.username)
            certification = procedures = ""
            if technician is not None:
                number = technician.certification_number
                certification = (f"{number}: " if number else "") + \
                    technician.certification_state(today)
                procedures = str(technician.procedures)
            for column, text in enumerate((user.username, user.full_name,
                                           Role(user.role).label, state, certification,
                                           procedures)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if technician is not None and technician.needs_attention(today):
                    item.setForeground(ATTENTION)
                self.users.setItem(row, column, item)

    def _selected(self) -> UserRow | None:
        item = self.users.item(self.users.currentRow(), 0)
        if item is None:
            return None
        return next((user for user in self.rows if user.username == item.text()), None)

    def _chosen(self, what: str = "the person") -> UserRow | None:
        user = self._selected()
        if user is None:
            self.said.emit(f"Choose {what} in the list first.")
        return user

    def _add(self) -> None:
        dialog = AddUserDialog(self.tasks, self.actor, self)
        dialog.accepted.connect(lambda: self.said.emit(
            f"Added {Role(dialog.role.currentData()).label.lower() if dialog.role else ''} "
            f"{dialog.username.text().strip()}; they can sign in now."))
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.add_dialog = dialog

    def _reset(self) -> None:
        user = self._chosen()
        if user is None:
            return
        dialog = ResetPasswordDialog(self.tasks, self.actor, user, self)
        dialog.saved.connect(lambda _password: self.said.emit(
            f"Reset the password of {user.username}; they choose a new one when they next "
            "sign in."))
        dialog.open()
        self.reset_dialog = dialog

    def _change_role(self) -> None:
        user = self._chosen()
        if user is None:
            return
        dialog = RoleDialog(self.tasks, self.actor, user, self)
        dialog.saved.connect(lambda _result: self.said.emit(
            f"{user.username} is now {a_role(dialog.role.currentData()).lower()}; the new role "
            "applies from their next sign-in."))
        dialog.open()
        self.role_dialog = dialog

    def _certify(self) -> None:
        user = self._chosen("the technician")
        if user is None:
            return
        dialog = CertificationDialog(self.tasks, self.actor, user.username, self)
        dialog.saved.connect(lambda _result: self.said.emit(
            f"Recorded the certification of {user.username}."))
        dialog.open()
        self.certify_dialog = dialog

    def _change(self, operation: Callable[[Session, Actor, str], None], done: str) -> None:
        user = self._chosen()
        if user is not None:
            self.tasks.write(operation, self.actor, user.username).then(
                lambda _result: self.said.emit(done.format(user.username)), self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, LaserLogError):
            self.said.emit(f"Not done: {error}")
        else:
            self.tasks.report_error(error)
