"""The fields of a new account: the first administrator's, and each one an administrator adds."""

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from models.errors import ValidationFailed
from models.values.vocabulary import Role
from ui.language import tr
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH


def password_field() -> QLineEdit:
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
        self.role: QComboBox | None = None
        if roles:
            self.role = QComboBox()
            for role in Role:
                self.role.addItem(role.label, role.value)
        self.password, self.repeat = password_field(), password_field()
        self.errors = {key: FieldError(getattr(self, key))
                       for key in ("username", "password", "repeat")}
        self.form = QFormLayout(self)

    def _add_fields(self, accept_text: str) -> QDialogButtonBox:
        form = self.form
        form.addRow(tr("User name"), self.username)
        form.addRow("", self.errors["username"])
        form.addRow(tr("Full name"), self.full_name)
        if self.role is not None:
            form.addRow(tr("Role"), self.role)
        form.addRow(tr("Password"), self.password)
        form.addRow("", self.errors["password"])
        form.addRow(tr("Repeat password"), self.repeat)
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
            self.errors["repeat"].show_problem(tr("The two passwords differ"))
            return False
        return True

    def show_refusal(self, refused: ValidationFailed) -> None:
        for key, text in refused.problems.items():
            self.errors.get(key, self.errors["username"]).show_problem(text)
