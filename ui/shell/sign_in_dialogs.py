"""First-run administrator set-up and the sign-in dialog, which asks for a new password when
an administrator has reset it.

Neither loads SQLAlchemy before it is needed: the sign-in is shown as LaserLog starts, while
the database opens behind it (``ui.shell.opening``).
"""

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from models.errors import LaserLogError, ValidationFailed
from models.values.vocabulary import Role
from ui.language import tr
from ui.widgets.account_dialog import AccountDialog, password_field
from ui.widgets.elided import elided_middle
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH

if TYPE_CHECKING:
    from models.storage.database import Database
    from models.values.rows import Actor

FIRST_USERNAME = "admin"  # offered for the first administrator

#: At most this wide, a database's name (a long path) is cut in the middle.
URL_WIDTH = 320


class FirstAdminDialog(AccountDialog):
    """Shown once, on an empty database: creates the first administrator."""

    def __init__(self, database: "Database", parent: QWidget | None = None) -> None:
        super().__init__(tr("LaserLog – first start"), roles=False, parent=parent)
        self.database = database
        self.actor: Actor | None = None
        self.username.setText(FIRST_USERNAME)
        first = QLabel(tr("This database ({url}) has no users yet.\nCreate the administrator "
                          "who will add the clinic's staff.").format(url=elided_middle(
                              self.fontMetrics(), database.display_url, URL_WIDTH)))
        first.setWordWrap(True)
        first.setToolTip(database.display_url)
        self.form.addRow(first)
        self._add_fields(tr("Create administrator")).accepted.connect(self.create_admin)

    def create_admin(self) -> None:
        """Every problem at once: the name, the password's length, the two passwords."""
        for error in self.errors.values():
            error.show_problem(None)
        from models.access import accounts

        try:
            with self.database.write() as db:
                self.actor = accounts.create_user(
                    db, username=self.username.text(), full_name=self.full_name.text(),
                    role=Role.ADMIN, password=self.password.text(), repeat=self.repeat.text(),
                    created_by=None,
                )
        except ValidationFailed as refused:
            self.show_refusal(refused)
            return
        self.accept()


class LoginDialog(QDialog):
    """The user name and password. After an administrator reset the password, the right
    (temporary) one opens two more fields: the person's own new password, typed twice,
    checked as a new account's is; it replaces the temporary one as they sign in.

    Given no database (``url_shown`` names it), it is shown while the database opens: *Sign
    in* pressed before then signs in once it is open (``database_opened``)."""

    def __init__(self, database: "Database | None", parent: QWidget | None = None,
                 url_shown: str = "") -> None:
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
        self.waiting_to_sign_in = False
        self.setWindowTitle(tr("LaserLog – sign in"))
        self.setMinimumWidth(DIALOG_WIDTH)
        self.username, self.password = QLineEdit(), password_field()
        self.new_password, self.repeat = password_field(), password_field()
        for field, name in ((self.username, tr("User name")), (self.password, tr("Password")),
                            (self.new_password, tr("New password")),
                            (self.repeat, tr("Repeat new password"))):
            field.setAccessibleName(name)
        self.error = FieldError(self.password)
        self.new_error, self.repeat_error = FieldError(self.new_password), FieldError(self.repeat)
        self.change_note = QLabel()  # its text when shown: the accounts' rules load later
        self.change_note.setWordWrap(True)
        self.form = form = QFormLayout(self)
        self.database_label = QLabel()
        self.show_url(database.display_url if database else url_shown)
        form.addRow(self.database_label)
        form.addRow(tr("User name"), self.username)
        form.addRow(tr("Password"), self.password)
        form.addRow("", self.error)
        form.addRow(self.change_note)
        form.addRow(tr("New password"), self.new_password)
        form.addRow("", self.new_error)
        form.addRow(tr("Repeat new password"), self.repeat)
        form.addRow("", self.repeat_error)
        self.buttons = QDialogButtonBox()
        # Added one by one: OR-ing the two flags loads the whole Qt namespace (20 ms of the
        # sign-in's start) in PySide6 6.12.
        for button in (QDialogButtonBox.StandardButton.Ok,
                       QDialogButtonBox.StandardButton.Cancel):
            self.buttons.addButton(button)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Sign in"))
        form.addRow(self.buttons)
        self._show_change(False)
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)

    @property
    def changing(self) -> bool:
        """Whether the new-password fields are shown."""
        return self.form.isRowVisible(self.new_password)

    def show_url(self, shown: str) -> None:
        """Name the database, its path cut in the middle when long (whole in the tooltip)."""
        self.database_label.setText(tr("Database: {url}").format(
            url=elided_middle(self.database_label.fontMetrics(), shown, URL_WIDTH)))
        self.database_label.setToolTip(shown)

    def database_opened(self, database: "Database") -> None:
        self.database = database
        if self.waiting_to_sign_in:
            self.waiting_to_sign_in = False
            self.error.show_problem(None)
            self.sign_in()

    def _show_change(self, shown: bool) -> None:
        if shown:
            from models.access import accounts

            self.change_note.setText(tr(
                "An administrator reset your password. Choose your own (at least {length} "
                "characters) and type it twice; the temporary one stops working.").format(
                    length=accounts.MIN_PASSWORD_LENGTH))
        for widget in (self.change_note, self.new_password, self.new_error, self.repeat,
                       self.repeat_error):
            self.form.setRowVisible(widget, shown)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            tr("Change password and sign in") if shown else tr("Sign in"))
        if not shown:
            for error in (self.new_error, self.repeat_error):
                error.show_problem(None)

    def sign_in(self) -> None:
        if self.database is None:
            self.waiting_to_sign_in = True
            self.error.show_problem(tr("Opening the database…"))  # then signs in by itself
            return
        from models.access import accounts

        for error in (self.error, self.new_error, self.repeat_error):
            error.show_problem(None)
        changing = self.changing
        try:
            self.actor = accounts.sign_in(
                self.database, self.username.text(), self.password.text(),
                new_password=self.new_password.text() if changing else None,
                repeat=self.repeat.text() if changing else None)
        except accounts.PasswordChangeNeeded:
            self._show_change(True)
            self.resize(self.size().expandedTo(self.sizeHint()))
            self.new_password.setFocus()
            return
        except ValidationFailed as refused:
            self.new_error.show_problem(refused.problems.get("new_password"))
            self.repeat_error.show_problem(refused.problems.get("repeat"))
            (self.new_password if "new_password" in refused.problems else self.repeat
             ).setFocus()
            return
        except LaserLogError as refused:
            if changing:  # another account, or the temporary password mistyped
                self._show_change(False)
            self.error.show_problem(str(refused))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
