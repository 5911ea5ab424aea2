"""First-run administrator set-up and the sign-in dialog."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from models.access import accounts
from models.errors import LaserLogError, ValidationFailed
from models.storage.database import Database
from models.values.rows import Actor
from models.values.vocabulary import Role
from ui.widgets.account_dialog import AccountDialog, password_field
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH


class FirstAdminDialog(AccountDialog):
    """Shown once, on an empty database: creates the first administrator."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__("LaserLog – first start", roles=False, parent=parent)
        self.database = database
        self.actor: Actor | None = None
        self.username.setText("admin")
        self.form.addRow(QLabel(f"This database ({database.display_url}) has no users yet.\n"
                                "Create the administrator who will add the clinic's staff."))
        self._add_fields("Create administrator").accepted.connect(self.create_admin)

    def create_admin(self) -> None:
        if not self.passwords_match():
            return
        try:
            with self.database.write() as db:
                self.actor = accounts.create_user(
                    db, username=self.username.text(), full_name=self.full_name.text(),
                    role=Role.ADMIN, password=self.password.text(), created_by=None,
                )
        except ValidationFailed as refused:
            self.show_refusal(refused)
            return
        self.accept()


class LoginDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
        self.setWindowTitle("LaserLog – sign in")
        self.setMinimumWidth(DIALOG_WIDTH)
        self.username, self.password = QLineEdit(), password_field()
        self.username.setAccessibleName("User name")
        self.password.setAccessibleName("Password")
        self.error = FieldError(self.password)
        form = QFormLayout(self)
        form.addRow(QLabel(f"Database: {database.display_url}"))
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        form.addRow(buttons)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)

    def sign_in(self) -> None:
        try:
            self.actor = accounts.sign_in(self.database, self.username.text(),
                                          self.password.text())
        except LaserLogError as refused:
            self.error.show_problem(str(refused))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
