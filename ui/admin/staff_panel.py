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
from models.clinic import staff_report
from models.clinic.staff_report import TechnicianRow
from models.errors import LaserLogError
from models.language import number_text
from models.values.rows import Actor
from models.values.vocabulary import Role
from ui.admin.account_dialogs import AddUserDialog, ResetPasswordDialog, RoleDialog
from ui.admin.staff_dialogs import CertificationDialog
from ui.language import tr, tr_noop
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.row_table import row_table

ATTENTION = QBrush(QColor(170, 20, 20))  # a certification expired, expiring or missing
#: What is said for each role: a user added with it, and a user given it.
ADDED = {Role.TECHNICIAN: tr_noop("Added technician {username}; they can sign in now."),
         Role.SUPERVISOR: tr_noop("Added supervisor {username}; they can sign in now."),
         Role.ADMIN: tr_noop("Added administrator {username}; they can sign in now.")}
NOW = {Role.TECHNICIAN: tr_noop("{username} is now a technician; the new role applies from "
                                "their next sign-in."),
       Role.SUPERVISOR: tr_noop("{username} is now a supervisor; the new role applies from "
                                "their next sign-in."),
       Role.ADMIN: tr_noop("{username} is now an administrator; the new role applies from "
                           "their next sign-in.")}


class StaffPanel(QWidget):
    """Signals:
    said(str): what was just done (or why not), for the screen's status line.
    """

    said = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.rows: list[UserRow] = []
        self.users = row_table([tr("User name"), tr("Full name"), tr("Role"), tr("State"),
                                tr("Certification"), tr("Procedures this year")],
                               stretch_last=False)
        header = self.users.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the certification
        self.add_button = QPushButton(tr("&Add user…"))
        self.reset_button = QPushButton(tr("Reset pass&word…"))
        self.reset_button.setToolTip(tr("Give the selected person a temporary password; they "
                                        "choose their own when they next sign in"))
        self.role_button = QPushButton(tr("Change &role…"))
        self.role_button.setToolTip(tr("Make the selected person a technician, a supervisor or "
                                       "an administrator"))
        self.disable_button = QPushButton(tr("&Disable"))
        self.disable_button.setToolTip(tr("Stop the selected account signing in; it and its "
                                          "records stay"))
        self.unlock_button = QPushButton(tr("&Unlock"))
        self.unlock_button.setToolTip(tr("End the wait that failed sign-ins put on the account"))
        self.certify_button = QPushButton(tr("&Certification…"))
        self.certify_button.setToolTip(tr("Record the selected technician's certification or "
                                          "its renewal"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.role_button,
                       self.disable_button, self.unlock_button, self.certify_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Staff accounts. Accounts are never deleted: disable one to "
                                   "stop it signing in; its records stay.")))
        layout.addWidget(self.users, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._add)
        self.reset_button.clicked.connect(self._reset)
        self.role_button.clicked.connect(self._change_role)
        self.disable_button.clicked.connect(lambda: self._change(
            accounts.disable_user, tr("Disabled {username}; the account and its records stay.")))
        self.unlock_button.clicked.connect(lambda: self._change(
            accounts.unlock_user, tr("Unlocked {username}; they may sign in again now.")))
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
            states = [tr("active") if user.active else tr("disabled")]
            if user.locked_until is not None:
                states.append(tr("waiting until {time}").format(
                    time=f"{user.locked_until.astimezone():%H:%M:%S}"))
            if user.active and user.must_change_password:
                states.append(tr("temporary password"))
            state = ", ".join(states)
            technician = by_name.get(user.username)
            certification = procedures = ""
            if technician is not None:
                number = technician.certification_number
                certification = (f"{number}: " if number else "") + \
                    technician.certification_state(today)
                procedures = number_text(technician.procedures)
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

    def _chosen(self, ask: str = "") -> UserRow | None:
        """The person chosen; with none, the status line asks for one (``ask``, or the
        person)."""
        user = self._selected()
        if user is None:
            self.said.emit(ask or tr("Choose the person in the list first."))
        return user

    def _add(self) -> None:
        dialog = AddUserDialog(self.tasks, self.actor, self)
        role = dialog.role
        assert role is not None  # built with roles=True
        dialog.accepted.connect(lambda: self.said.emit(tr(ADDED[Role(role.currentData())]).format(
            username=dialog.username.text().strip())))
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.add_dialog = dialog

    def _reset(self) -> None:
        user = self._chosen()
        if user is None:
            return
        dialog = ResetPasswordDialog(self.tasks, self.actor, user, self)
        dialog.saved.connect(lambda _password: self.said.emit(
            tr("Reset the password of {username}; they choose a new one when they next sign "
               "in.").format(username=user.username)))
        dialog.open()
        self.reset_dialog = dialog

    def _change_role(self) -> None:
        user = self._chosen()
        if user is None:
            return
        dialog = RoleDialog(self.tasks, self.actor, user, self)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr(NOW[Role(dialog.role.currentData())]).format(username=user.username)))
        dialog.open()
        self.role_dialog = dialog

    def _certify(self) -> None:
        user = self._chosen(tr("Choose the technician in the list first."))
        if user is None:
            return
        dialog = CertificationDialog(self.tasks, self.actor, user.username, self)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Recorded the certification of {username}.").format(username=user.username)))
        dialog.open()
        self.certify_dialog = dialog

    def _change(self, operation: Callable[[Session, Actor, str], None], done: str) -> None:
        user = self._chosen()
        if user is not None:
            self.tasks.write(operation, self.actor, user.username).then(
                lambda _result: self.said.emit(done.format(username=user.username)),
                self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, LaserLogError):
            self.said.emit(tr("Not done: {error}").format(error=error))
        else:
            self.tasks.report_error(error)
