"""A supervisor's buttons on an open session: sign off, amend (``amend_dialog``: any field,
with the reason, signed with the password), void with a reason.

The operations check the role again; these only offer what the role allows.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from models.errors import ValidationFailed
from models.review import supervision
from models.review.supervision import AmendmentStart
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import SIGNED, SessionStatus
from ui.language import tr
from ui.records.amend_dialog import AmendDialog
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError


class ReasonDialog(QDialog):
    """Asks for the reason for voiding."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(tr("Reason"))
        self.error = FieldError(self.reason)
        form.addRow(tr("Reason (required)"), self.reason)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        if not self.reason.text().strip():
            self.error.show_problem(tr("Give the reason"))
            return
        super().accept()


class SupervisorActions(QWidget):
    """Signals:
    changed(object): the session's SessionDetail after a sign-off, amendment or voiding.
    """

    changed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, detail: SessionDetail,
                 messages: Messages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.detail, self.messages = tasks, actor, detail, messages
        self.review_button = QPushButton(tr("Sign &off as reviewed"))
        self.amend_button = QPushButton(tr("&Amend…"))
        self.void_button = QPushButton(tr("&Void…"))
        self.status = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        for button in (self.review_button, self.amend_button, self.void_button):
            layout.addWidget(button)
        self.review_button.clicked.connect(self.review)
        self.amend_button.clicked.connect(self.amend)
        self.void_button.clicked.connect(self.void)
        self._enable()

    def _enable(self) -> None:
        status = self.detail.summary.status
        self.review_button.setEnabled(status in SIGNED and status != "reviewed")
        self.amend_button.setEnabled(status in SIGNED)
        self.void_button.setEnabled(status != "voided")

    def _done(self, detail: SessionDetail) -> None:
        self.detail = detail
        self._enable()
        saved = {SessionStatus.DRAFT: tr("Saved: the session is now a draft."),
                 SessionStatus.COMPLETED: tr("Saved: the session is now completed."),
                 SessionStatus.REVIEWED: tr("Saved: the session is now reviewed."),
                 SessionStatus.AMENDED: tr("Saved: the session is now amended."),
                 SessionStatus.VOIDED: tr("Saved: the session is now voided.")}
        self.status.setText(saved[SessionStatus(detail.summary.status)])
        self.changed.emit(detail)

    def review(self) -> None:
        if self.messages.confirm(self, tr("Sign off this session as reviewed?")):
            self.tasks.write(supervision.review_session, self.actor,
                             self.detail.summary.id, self.detail.version).then(self._done,
                                                                               self._refused)

    def amend(self) -> None:
        """Open the amendment on the session as it now is (read again, with the clinic's
        rules and the patient's settings before it)."""
        self.amend_button.setEnabled(False)
        self.tasks.read(supervision.amendment_start, self.actor, self.detail.summary.id).then(
            self._open_amendment, self._refused)

    def _open_amendment(self, start: AmendmentStart) -> None:
        self._enable()
        self.amend_dialog = AmendDialog(self.tasks, self.actor, start, self)
        self.amend_dialog.amended.connect(self._done)
        self.amend_dialog.open()

    def void(self) -> None:
        self.dialog = ReasonDialog(tr("Void the session"), self)
        self.dialog.accepted.connect(lambda: self.tasks.write(
            supervision.void_session, self.actor, self.detail.summary.id,
            self.dialog.reason.text(), self.detail.version).then(self._done, self._refused))
        self.dialog.open()

    def _refused(self, error: Exception) -> None:
        self._enable()
        text = "; ".join(error.problems.values()) if isinstance(error, ValidationFailed) \
            else str(error)
        self.status.setText(tr("Not saved: {problem}").format(problem=text))
