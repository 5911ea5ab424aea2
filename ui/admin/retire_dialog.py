"""Retire a device, a tip, a test-patch rule or an import profile, saying why: the dialog is
the confirmation. Nothing is deleted; what it means for that kind of record is said."""

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QWidget

from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall


class RetireDialog(FormDialog):
    """``title``: "Retire …"; ``call``: the retiring operation and its arguments, the reason
    added last."""

    def __init__(self, tasks: TaskRunner, title: str, meaning: str, call: OperationCall,
                 parent: QWidget | None = None) -> None:
        self.reason = QLineEdit(placeholderText=tr("e.g. sold, worn out, replaced by …"))
        self.reason.setMaxLength(200)
        super().__init__(tasks, title, [(tr("Why"), "reason", self.reason)], parent,
                         note=meaning)
        self.call = call
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None  # FormDialog makes one
        retire = buttons.button(QDialogButtonBox.StandardButton.Save)
        retire.setText(tr("Retire"))
        retire.setIcon(QIcon())  # not the floppy disk of Save

    def show_problems(self, problems: dict[str, str]) -> None:
        """One field: a refusal about the record itself (retired already) is said there too."""
        self.errors["reason"].show_problem("; ".join(problems.values()) or None)

    def values(self) -> OperationCall:
        operation, args = self.call
        return operation, (*args, self.reason.text())
