"""The administrator's dialogs for an account: adding one, resetting its password (a
temporary one its owner replaces at their next sign-in) and changing its role. Each says
every problem at once, next to its field."""

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from models.access import accounts
from models.errors import LaserLogError, ValidationFailed
from models.values.rows import Actor
from models.values.vocabulary import Role
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.account_dialog import AccountDialog
from ui.widgets.form_dialog import FormDialog, OperationCall


class AddUserDialog(AccountDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tr("Add a user"), roles=True, parent=parent)
        self.tasks, self.actor = tasks, actor
        self._add_fields(tr("Save")).accepted.connect(self._save)

    def _save(self) -> None:
        """Every problem in one round: the two passwords differing is said at once, and the
        rest (the name taken, the password too short) with it when the core answers."""
        self.passwords_match()
        role = self.role
        assert role is not None  # built with roles=True
        self.tasks.write(  # every value read here, on the GUI thread
            accounts.create_user, username=self.username.text(),
            full_name=self.full_name.text(), role=role.currentData(),
            password=self.password.text(), repeat=self.repeat.text(), created_by=self.actor,
        ).then(lambda _actor: self.accept(), self._refused)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            for field_error in self.errors.values():
                field_error.show_problem(None)
            self.show_refusal(error)
        else:
            self.tasks.report_error(error)


class AccountChangeDialog(FormDialog):
    """A refusal that is about the account, not a field (it is yours, it is disabled), is
    said under the reason."""

    def _failed(self, error: Exception) -> None:
        if isinstance(error, LaserLogError) and not isinstance(error, ValidationFailed):
            self.show_problems({"reason": str(error)})
        else:
            super()._failed(error)

    @property
    def form(self) -> QFormLayout:
        layout = self.layout()
        assert isinstance(layout, QFormLayout)  # FormDialog's
        return layout


class ResetPasswordDialog(AccountChangeDialog):
    """Asks why; then shows the temporary password LaserLog made, to hand over in person.

    Signals (besides FormDialog's): saved(str) carries the temporary password.
    """

    def __init__(self, tasks: TaskRunner, actor: Actor, user: accounts.UserRow,
                 parent: QWidget | None = None) -> None:
        self.reason = QLineEdit(placeholderText=tr("e.g. forgot it; locked out"))
        self.reason.setMaxLength(200)
        self.temporary = QLineEdit(readOnly=True)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.temporary.font().pointSizeF() * 1.4)
        self.temporary.setFont(font)
        super().__init__(tasks, tr("Reset the password of {name}").format(name=user.full_name), [
            (tr("Why"), "reason", self.reason),
            (tr("Temporary password"), "password", self.temporary)], parent,
            note=tr("LaserLog makes a temporary password for {username}. They sign in with it "
                    "once and then choose their own; any wait after failed sign-ins ends."
                    ).format(username=user.username))
        self.actor, self.user = actor, user
        self.handover = QLabel(tr("Give it to {name} in person; it is not shown again.").format(
            name=user.full_name))
        self.handover.setObjectName("formStatus")
        self.handover.setWordWrap(True)
        # Under the password and its message, above FormDialog's note and buttons:
        self.form.insertRow(self.form.rowCount() - 2, "", self.handover)
        self.form.setRowVisible(self.temporary, False)
        self.form.setRowVisible(self.handover, False)

    def values(self) -> OperationCall:
        return accounts.reset_password, (self.actor, self.user.username, self.reason.text())

    def _saved(self, temporary: object) -> None:
        """Stay open showing the password: it is shown here once and stored nowhere."""
        self.show_problems({})
        self.reason.setReadOnly(True)
        self.temporary.setText(str(temporary))
        self.form.setRowVisible(self.temporary, True)
        self.form.setRowVisible(self.handover, True)
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None  # FormDialog makes one
        buttons.button(QDialogButtonBox.StandardButton.Save).hide()
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Close"))
        self.temporary.selectAll()
        self.temporary.setFocus()
        self.resize(self.size().expandedTo(self.sizeHint()))
        self.saved.emit(temporary)


class RoleDialog(AccountChangeDialog):
    """Make someone a technician, a supervisor or an administrator, saying why."""

    def __init__(self, tasks: TaskRunner, actor: Actor, user: accounts.UserRow,
                 parent: QWidget | None = None) -> None:
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(max(0, self.role.findData(user.role)))
        self.reason = QLineEdit(placeholderText=tr("e.g. now leads the evening shift"))
        self.reason.setMaxLength(200)
        super().__init__(tasks, tr("Change the role of {name}").format(name=user.full_name), [
            (tr("Role"), "role", self.role), (tr("Why"), "reason", self.reason)], parent,
            note=tr("What the new role may do applies from their next sign-in."))
        self.actor, self.user = actor, user

    def values(self) -> OperationCall:
        return accounts.change_role, (self.actor, self.user.username, self.role.currentData(),
                                      self.reason.text())
