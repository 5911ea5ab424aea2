"""The administrator's screen: staff accounts (add, disable, unlock) and the device register.

Administrators see no patient data; what they can do here is what their role allows.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

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

from devices.importing.profile_library import add_profile
from models.access import accounts
from models.access.accounts import UserRow
from models.clinic import clinic_settings, device_register, staff_report
from models.clinic.clinic_settings import ClinicRules
from models.clinic.staff_report import TechnicianRow
from models.errors import ValidationFailed
from models.values.rows import Actor, DeviceRow
from models.values.vocabulary import Role
from ui.admin.staff_dialogs import (
    CertificationDialog,
    ClinicSettingsDialog,
    TestPatchRuleDialog,
    TipDialog,
)
from ui.equipment.device_dialog import DeviceDialog
from ui.services.tasks import TaskRunner
from ui.widgets.account_dialog import AccountDialog
from ui.widgets.file_dialogs import choose_file_to_open
from ui.widgets.row_table import row_table

ATTENTION = QBrush(QColor(170, 20, 20))  # a certification expired, expiring or missing


class AddUserDialog(AccountDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Add a user", roles=True, parent=parent)
        self.tasks, self.actor = tasks, actor
        self._add_fields("Save").accepted.connect(self._save)

    def _save(self) -> None:
        if not self.passwords_match():
            return
        role = self.role
        assert role is not None  # built with roles=True
        self.tasks.write(  # every value read here, on the GUI thread
            accounts.create_user, username=self.username.text(),
            full_name=self.full_name.text(), role=role.currentData(),
            password=self.password.text(), created_by=self.actor,
        ).then(lambda _actor: self.accept(), self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self.show_refusal(error)
        else:
            self.tasks.report_error(error)


class AdminView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.users = row_table(["User name", "Full name", "Role", "State", "Certification",
                                "Procedures this year"], stretch_last=False)
        header = self.users.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the certification
        self.add_button = QPushButton("&Add user…")
        self.disable_button = QPushButton("&Disable")
        self.unlock_button = QPushButton("&Unlock")
        self.certify_button = QPushButton("&Certification…")
        self.certify_button.setToolTip("Record the selected technician's certification or its "
                                       "renewal")
        self.device_button = QPushButton("&Register device…")
        self.tip_button = QPushButton("Fit &tip…")
        self.patch_rule_button = QPushButton("Test patc&h rule…")
        self.settings_button = QPushButton("Clinic &settings…")
        self.settings_button.setToolTip("The clinic's name, address and phone, the consent "
                                        "rules, the change limit, late entries, the incident "
                                        "due time and the course plan: the same on every PC")
        self.patch_rule_button.setToolTip("Require a valid test patch before treating with a "
                                          "device, on an area, or both")
        self.profile_button = QPushButton("Add import &profile…")
        self.profile_button.setToolTip("Check a profile file (TOML) for a device model and "
                                       "make it available on every PC")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.unlock_button,
                       self.certify_button, self.settings_button):
            buttons.addWidget(button)
        buttons.addStretch()
        for button in (self.profile_button, self.device_button, self.tip_button,
                       self.patch_rule_button):
            buttons.addWidget(button)
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
        self.certify_button.clicked.connect(self._certify)
        self.tip_button.clicked.connect(lambda: self.tasks.read(
            device_register.list_devices).then(self._fit_tip))
        self.patch_rule_button.clicked.connect(lambda: self.tasks.read(
            device_register.list_devices).then(self._add_patch_rule))
        self.settings_button.clicked.connect(lambda: self.tasks.read(
            clinic_settings.rules).then(self._change_settings))
        self.message = QLabel()
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        year = date.today().year
        self.tasks.read(lambda db, actor: (accounts.list_users(db, actor),
                                           staff_report.technician_report(db, actor, year)),
                        self.actor).then(self._show)

    def _show(self, found: tuple[list[UserRow], list[TechnicianRow]]) -> None:
        users, technicians = found
        by_name = {row.username: row for row in technicians}
        today = date.today()
        self.users.setRowCount(len(users))
        for row, user in enumerate(users):
            state = "active" if user.active else "disabled"
            if user.locked_until is not None:
                state += f", waiting until {user.locked_until.astimezone():%H:%M:%S}"
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
                if technician is not None and technician.needs_attention(today):
                    item.setForeground(ATTENTION)
                self.users.setItem(row, column, item)

    def _certify(self) -> None:
        username = self._selected()
        if username is None:
            self.message.setText("Select the technician first.")
            return
        dialog = CertificationDialog(self.tasks, self.actor, username, self)
        dialog.saved.connect(lambda _result: self.refresh())
        dialog.open()
        self.certify_dialog = dialog

    def _change_settings(self, current: ClinicRules) -> None:
        dialog = ClinicSettingsDialog(self.tasks, self.actor, current, self)
        dialog.saved.connect(lambda _rules: self.message.setText(
            "Clinic settings saved; every PC works to them from the next session."))
        dialog.open()
        self.settings_dialog = dialog

    def _add_patch_rule(self, devices: list[DeviceRow]) -> None:
        dialog = TestPatchRuleDialog(self.tasks, self.actor, devices, self)
        dialog.saved.connect(lambda _result: self.message.setText(
            "From now on those sessions need a valid test patch."))
        dialog.open()
        self.rule_dialog = dialog

    def _fit_tip(self, devices: list[DeviceRow]) -> None:
        dialog = TipDialog(self.tasks, self.actor, devices, self)
        dialog.saved.connect(lambda _result: self.message.setText(
            f"Fitted {dialog.name.text().strip()}; its pulses are counted from now."))
        dialog.open()
        self.tip_dialog = dialog

    def _selected(self) -> str | None:
        item = self.users.item(self.users.currentRow(), 0)
        return None if item is None else item.text()

    def _add(self) -> None:
        dialog = AddUserDialog(self.tasks, self.actor, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.add_dialog = dialog

    def _add_profile(self) -> None:
        path = choose_file_to_open(self, "Import profile", "Import profiles (*.toml)")
        if path is not None:
            self.add_profile(path)

    def add_profile(self, path: Path) -> None:
        self.tasks.run(add_profile, self.actor, path).then(
            lambda profile: self.message.setText(
                f"Added import profile {profile.name}; every PC can use it now."),
            lambda error: self.message.setText(f"Not added: {error}"))

    def _change(self, operation: Callable[[Session, Actor, str], None]) -> None:
        username = self._selected()
        if username is not None:
            self.tasks.write(operation, self.actor, username).then(lambda _r: self.refresh())
