"""First-run administrator set-up and the sign-in dialog."""

from PySide6.QtWidgets import (
    QComboBox,
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
from ui.widgets.field_error import FieldError

DIALOG_WIDTH = 460  # wide enough that a message under a field takes a line or two


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class AccountDialog(QDialog):
    """The fields of a new account, each with its message: user name, full name, the role
    (when there is a choice), and the password typed twice."""

    def __init__(self, title: str, roles: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(DIALOG_WIDTH)
        self.username, self.full_name = QLineEdit(), QLineEdit()
        self.role = QComboBox() if roles else None
        for role in Role if roles else ():
            self.role.addItem(role.label, role.value)
        self.password, self.repeat = _password_field(), _password_field()
        self.errors = {key: FieldError(getattr(self, key))
                       for key in ("username", "password", "repeat")}
        self.form = QFormLayout(self)

    def _add_fields(self, accept_text: str) -> QDialogButtonBox:
        form = self.form
        form.addRow("User name", self.username)
        form.addRow("", self.errors["username"])
        form.addRow("Full name", self.full_name)
        if self.role is not None:
            form.addRow("Role", self.role)
        form.addRow("Password", self.password)
        form.addRow("", self.errors["password"])
        form.addRow("Repeat password", self.repeat)
        form.addRow("", self.errors["repeat"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(accept_text)
        form.addRow(buttons)
        buttons.rejected.connect(self.reject)
        return buttons

    def passwords_match(self) -> bool:
        """Clear the messages; say so under the second password when the two differ."""
        for error in self.errors.values():
            error.show_problem(None)
        if self.password.text() != self.repeat.text():
            self.errors["repeat"].show_problem("The two passwords differ")
            return False
        return True

    def show_refusal(self, refused: ValidationFailed) -> None:
        for key, text in refused.problems.items():
            self.errors.get(key, self.errors["username"]).show_problem(text)


class FirstAdminDialog(AccountDialog):
    """Shown once, on an empty database: creates the first administrator."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__("LaserLog – first start", roles=False, parent=parent)
        self.database = database
        self.actor: Actor | None = None
        self.username.setText("admin")
        self.form.addRow(QLabel(f"This database ({database.display_url}) has no users yet.\n"
                                "Create the administrator who will add the clinic's staff."))
        self._add_fields("Create administrator").accepted.connect(self.create)

    def create(self) -> None:
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
        self.username, self.password = QLineEdit(), _password_field()
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
