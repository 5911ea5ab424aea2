"""A supervisor's buttons on an open session: sign off, amend with a reason, void with a reason.

The operations check the role again; these only offer what the role allows.
"""

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from models.errors import ValidationFailed
from models.reading import history
from models.review import supervision
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import SIGNED
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError


class ReasonDialog(QDialog):
    """Asks for the reason (always) and, for an amendment, the duration and notes to change."""

    def __init__(self, title: str, detail: SessionDetail | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.duration: QLineEdit | None = None
        self.notes: QPlainTextEdit | None = None
        form = QFormLayout(self)
        if detail is not None:
            minutes = detail.summary.duration_s
            self.duration = QLineEdit("" if minutes is None else f"{minutes / 60:.0f}")
            self.duration.setAccessibleName("Duration in minutes")
            self.notes = QPlainTextEdit(detail.notes)
            self.notes.setTabChangesFocus(True)
            form.addRow("Duration (minutes)", self.duration)
            form.addRow("Notes", self.notes)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.error = FieldError(self.reason)
        form.addRow("Reason (required)", self.reason)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def minutes(self) -> float | None:
        """The duration typed, or None when empty; ValueError when it is not a number."""
        text = self.duration.text().strip() if self.duration is not None else ""
        return float(text) if text else None

    def accept(self) -> None:
        if not self.reason.text().strip():
            self.error.show_problem("Give the reason")
            return
        try:
            self.minutes()
        except ValueError:
            self.error.show_problem("The duration is a number of minutes")
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
        self.review_button = QPushButton("Sign &off as reviewed")
        self.amend_button = QPushButton("&Amend…")
        self.void_button = QPushButton("&Void…")
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
        self.status.setText(f"Saved: the session is now {detail.summary.status}.")
        self.changed.emit(detail)

    def review(self) -> None:
        if self.messages.confirm(self, "Sign off this session as reviewed?"):
            self.tasks.write(supervision.review_session, self.actor,
                             self.detail.summary.id, self.detail.version).then(self._done,
                                                                               self._refused)

    def amend(self) -> None:
        self.dialog = ReasonDialog("Amend the session", self.detail, self)
        self.dialog.accepted.connect(self._amend)
        self.dialog.open()

    def _amend(self) -> None:
        dialog, minutes = self.dialog, self.dialog.minutes()
        assert dialog.notes is not None  # an amendment's dialog is built with the notes
        entry = replace(history.entry_of(self.detail),
                        duration_s=None if minutes is None else round(minutes * 60),
                        notes=dialog.notes.toPlainText())
        self.tasks.write(supervision.amend_session, self.actor, self.detail.summary.id,
                         entry, dialog.reason.text(), self.detail.version).then(self._done,
                                                                                self._refused)

    def void(self) -> None:
        self.dialog = ReasonDialog("Void the session", None, self)
        self.dialog.accepted.connect(lambda: self.tasks.write(
            supervision.void_session, self.actor, self.detail.summary.id,
            self.dialog.reason.text(), self.detail.version).then(self._done, self._refused))
        self.dialog.open()

    def _refused(self, error: Exception) -> None:
        text = "; ".join(error.problems.values()) if isinstance(error, ValidationFailed) \
            else str(error)
        self.status.setText(f"Not saved: {text}")
