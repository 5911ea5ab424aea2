"""A small dialog of labelled fields, each with its message, that saves through one
operation: bad input is said next to its field and everything typed stays."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from models.errors import ValidationFailed
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError

DIALOG_WIDTH = 460  # wide enough that a message under a field takes a line or two
#: What ``FormDialog.values`` gives: an operation and its arguments after the session.
OperationCall = tuple[Callable[..., Any], tuple[object, ...]]


class FormDialog(QDialog):
    """Signals:
    saved(object): what the operation returned.
    """

    saved = Signal(object)

    def __init__(self, tasks: TaskRunner, title: str, fields: list[tuple[str, str, QWidget]],
                 parent: QWidget | None = None, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(DIALOG_WIDTH)
        self.tasks = tasks
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout(self)
        for label, key, field in fields:
            field.setAccessibleName(label)
            self.errors[key] = FieldError(field)
            form.addRow(label, field)
            form.addRow("", self.errors[key])
        if note:
            note_label = QLabel(note)
            note_label.setWordWrap(True)
            form.addRow(note_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        form.addRow(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        # A minimum set by hand stops the layout setting its own: no narrower than its labels
        self.setMinimumWidth(max(DIALOG_WIDTH, form.minimumSize().width()))

    def save(self) -> None:
        """Read the fields (``values``) and run the operation, or show what cannot be read."""
        try:
            operation, args = self.values()
        except ValidationFailed as problems:
            self.show_problems(problems.problems)
            return
        self.tasks.write(operation, *args).then(self._saved, self._failed)

    def values(self) -> OperationCall:
        """The operation and its arguments; ValidationFailed for fields that cannot be read."""
        raise NotImplementedError

    def _saved(self, result: Any) -> None:
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self.show_problems(error.problems)
        else:
            self.tasks.report_error(error)

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, error in self.errors.items():
            error.show_problem(problems.get(key))
