"""The administrator's screen: staff accounts (add, disable, unlock) and the device register.

Administrators see no patient data; what they can do here is what their role allows.
"""

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.profile_library import add_profile
from models import accounts
from models.accounts import UserRow
from models.errors import ValidationFailed
from models.rows import Actor
from models.vocabulary import Role
from ui.account_dialogs import AccountDialog
from ui.device_dialog import DeviceDialog
from ui.tasks import TaskRunner


class AddUserDialog(AccountDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Add a user", roles=True, parent=parent)
        self.tasks, self.actor = tasks, actor
        self._add_fields("Save").accepted.connect(self._save)

    def _save(self) -> None:
        if not self.passwords_match():
            return
        self.tasks.write(
            lambda db: accounts.create_user(
                db, username=self.username.text(), full_name=self.full_name.text(),
                role=self.role.currentData(), password=self.password.text(),
                created_by=self.actor),
            done=lambda _actor: self.accept(), failed=self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self.show_refusal(error)
        else:
            self.tasks.report_error(error)


class AdminView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.users = QTableWidget(0, 4)
        self.users.setHorizontalHeaderLabels(["User name", "Full name", "Role", "State"])
        self.users.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users.verticalHeader().hide()
        header = self.users.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the state
        self.add_button = QPushButton("&Add user…")
        self.disable_button = QPushButton("&Disable")
        self.unlock_button = QPushButton("&Unlock")
        self.device_button = QPushButton("&Register device…")
        self.profile_button = QPushButton("Add import &profile…")
        self.profile_button.setToolTip("Check a profile file (TOML) for a device model and "
                                       "make it available on every PC")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.unlock_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.profile_button)
        buttons.addWidget(self.device_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Staff accounts. Accounts are never deleted: disable one to "
                                "stop it signing in; its records stay."))
        layout.addWidget(self.users)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._add)
        self.disable_button.clicked.connect(lambda: self._change(accounts.disable_user))
        self.unlock_button.clicked.connect(lambda: self._change(accounts.unlock_user))
        self.device_button.clicked.connect(lambda: DeviceDialog(tasks, actor, self).open())
        self.profile_button.clicked.connect(self._add_profile)
        self.message = QLabel()
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        self.tasks.read(accounts.list_users, self.actor, done=self._show)

    def _show(self, users: list[UserRow]) -> None:
        self.users.setRowCount(len(users))
        for row, user in enumerate(users):
            state = "active" if user.active else "disabled"
            if user.locked_until is not None:
                state += f", waiting until {user.locked_until.astimezone():%H:%M:%S}"
            for column, text in enumerate((user.username, user.full_name,
                                           Role(user.role).label, state)):
                self.users.setItem(row, column, QTableWidgetItem(text))

    def _selected(self) -> str | None:
        item = self.users.item(self.users.currentRow(), 0)
        return None if item is None else item.text()

    def _add(self) -> None:
        dialog = AddUserDialog(self.tasks, self.actor, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.add_dialog = dialog

    def _add_profile(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "Import profile", "",
                                                    "Import profiles (*.toml)")
        if name:
            self.add_profile(Path(name))

    def add_profile(self, path: Path) -> None:
        self.tasks.submit(
            lambda: add_profile(self.tasks.database, self.actor, path),
            done=lambda profile: self.message.setText(
                f"Added import profile {profile.name}; every PC can use it now."),
            failed=lambda error: self.message.setText(f"Not added: {error}"))

    def _change(self, operation) -> None:
        username = self._selected()
        if username is not None:
            self.tasks.write(operation, self.actor, username, done=lambda _r: self.refresh())
