"""What a restore needs before it starts: the backup file and the administrator's password,
checked as the command line checks them; and whether to replace a database others still
have open (``--force``). The backup itself is checked, and the replacement confirmed, after."""

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from models.admin.backup import restoring_actor
from models.errors import LaserLogError
from models.values.rows import Actor
from ui.language import tr, tr_noop
from ui.services.tasks import TaskRunner
from ui.widgets import file_dialogs
from ui.widgets.account_dialog import password_field
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH

BACKUP_FILES = tr_noop("LaserLog backups (*.backup *.db *.dump);;All files (*)")


class RestoreDialog(QDialog):
    """Accepted once the password is checked: ``source``, ``restorer`` and ``force`` say
    what to restore, by whom, and whether others' open connections may be cut."""

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Restore from a backup"))
        self.setMinimumWidth(DIALOG_WIDTH + 100)
        self.tasks, self.actor = tasks, actor
        self.source: Path | None = None
        self.restorer: Actor | None = None
        self.file = QLineEdit(placeholderText=tr("the backup file"))
        self.file.setAccessibleName(tr("Backup file"))
        self.choose_button = QPushButton(tr("C&hoose…"))
        self.choose_button.clicked.connect(self._choose)
        self.password = password_field()
        self.password.setAccessibleName(tr("Your password"))
        self.force = QCheckBox(tr("Replace it even if it is open on another PC"))
        force_note = QLabel(tr("LaserLog there then loses its unsaved work."))
        force_note.setWordWrap(True)
        self.errors = {"file": FieldError(self.file), "password": FieldError(self.password)}
        warning = QLabel(tr(
            "Everything in {url} is replaced by the backup's content. The backup is checked "
            "first, and you are asked again, with what each holds, before anything is "
            "replaced. Then LaserLog closes: start it again and sign in to the restored "
            "database.").format(url=tasks.database.display_url))
        warning.setWordWrap(True)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout(self)
        form.addRow(warning)
        form.addRow(tr("Backup file"), file_row)
        form.addRow("", self.errors["file"])
        form.addRow(tr("Password of {username}").format(username=actor.username), self.password)
        form.addRow("", self.errors["password"])
        form.addRow("", self.force)
        form.addRow("", force_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Check and restore…"))
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)

    def _choose(self) -> None:
        path = file_dialogs.choose_file_to_open(self, tr("Restore from a backup"),
                                                tr(BACKUP_FILES))
        if path is not None:
            self.file.setText(str(path))

    def check(self) -> None:
        """Say every missing answer at once; then check the password (off the GUI thread)."""
        problems = {}
        if not self.file.text().strip():
            problems["file"] = tr("Choose the backup file to restore from")
        elif not Path(self.file.text().strip()).is_file():
            problems["file"] = tr("There is no file of that name")
        if not self.password.text():
            problems["password"] = tr("Enter your password: a restore replaces everything")
        self._show(problems)
        if problems:
            return
        source = Path(self.file.text().strip())
        self.buttons.setEnabled(False)
        self.tasks.run(restoring_actor, source, self.actor.username, self.password.text()).then(
            lambda actor: self._checked(source, actor), self._refused, changes_records=False)

    def _checked(self, source: Path, actor: Actor) -> None:
        self.source, self.restorer = source, actor
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, LaserLogError):
            self._show({"password": str(error)})
            self.password.selectAll()
            self.password.setFocus()
        else:
            self.tasks.report_error(error)

    def _show(self, problems: dict[str, str]) -> None:
        for key, error in self.errors.items():
            error.show_problem(problems.get(key))
