"""Adding a follow-up to a signed session: how a reaction goes on days later, found new at
follow-up, or resolved. Bad input is said next to its field and kept."""

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from models import adverse_events, history
from models.errors import ValidationFailed
from models.rows import Actor, SessionDetail
from models.session_input import parse_date
from models.session_lifecycle import SIGNED
from models.vocabulary import REACTION_GRADES, ReactionKind
from ui.account_dialogs import DIALOG_WIDTH
from ui.field_error import FieldError
from ui.tasks import TaskRunner


class FollowUpDialog(QDialog):
    """Signals:
    recorded(object): the session's SessionDetail with the follow-up added.
    """

    recorded = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, detail: SessionDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Follow-up – {detail.patient.full_name}")
        self.setMinimumWidth(DIALOG_WIDTH)
        self.tasks, self.actor, self.detail = tasks, actor, detail
        self.kind = QComboBox()
        self.kind.setAccessibleName("Reaction")
        for kind in ReactionKind:
            self.kind.addItem(kind.label, kind.value)
        logged = [r.kind for r in detail.reactions if r.grade > 0]
        if logged:
            self.kind.setCurrentIndex(self.kind.findData(logged[0]))
        self.grade = QComboBox()
        self.grade.setAccessibleName("Grade now")
        for grade, label in REACTION_GRADES.items():
            self.grade.addItem(label, grade)
        self.observed_on = QLineEdit(f"{date.today():%Y-%m-%d}", placeholderText="YYYY-MM-DD")
        self.observed_on.setAccessibleName("Seen on")
        self.resolved_on = QLineEdit(placeholderText="YYYY-MM-DD, when it has resolved")
        self.resolved_on.setAccessibleName("Resolved on")
        self.note = QLineEdit(placeholderText="e.g. redness receding; pigment change found")
        self.note.setAccessibleName("Note")
        self.errors = {key: FieldError(field) for key, field in (
            ("kind", self.kind), ("grade", self.grade), ("observed_on", self.observed_on),
            ("resolved_on", self.resolved_on))}
        form = QFormLayout(self)
        for label, key, field in (("Reaction", "kind", self.kind), ("Grade now", "grade",
                                                                     self.grade),
                                  ("Seen on", "observed_on", self.observed_on),
                                  ("Resolved on", "resolved_on", self.resolved_on)):
            form.addRow(label, field)
            form.addRow("", self.errors[key])
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        form.addRow(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def save(self) -> None:
        problems, dates = {}, {}
        for key, field, label in (("observed_on", self.observed_on, "The date seen"),
                                  ("resolved_on", self.resolved_on, "The date resolved")):
            try:
                dates[key] = parse_date(field.text(), label)
            except ValueError as problem:
                problems[key] = str(problem)
        if problems:
            self._show_problems(problems)
            return
        session_id = self.detail.summary.id

        def record(db, actor):
            adverse_events.record_follow_up(db, actor, session_id, self.kind.currentData(),
                                            self.grade.currentData(), dates["observed_on"],
                                            dates["resolved_on"], self.note.text())
            return history.view_session(db, actor, session_id)

        self.tasks.write(record, self.actor, done=self._saved, failed=self._failed)

    def _saved(self, detail: SessionDetail) -> None:
        self.recorded.emit(detail)
        self.accept()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            self._show_problems(error.problems)
        else:
            self.tasks.report_error(error)

    def _show_problems(self, problems: dict[str, str]) -> None:
        for key, error in self.errors.items():
            error.show_problem(problems.get(key))


class FollowUpButton(QWidget):
    """'Add follow-up…' on an open signed session. Signals: changed(object) as the dialog's
    recorded."""

    changed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, detail: SessionDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.detail = tasks, actor, detail
        self.button = QPushButton("Add &follow-up…")
        self.button.setEnabled(detail.summary.status in SIGNED)
        self.button.setToolTip("Record how a reaction goes on after the session, or one "
                               "found at follow-up")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.open_dialog)

    def open_dialog(self) -> None:
        self.dialog = FollowUpDialog(self.tasks, self.actor, self.detail, self)
        self.dialog.recorded.connect(self._recorded)
        self.dialog.open()

    def _recorded(self, detail: SessionDetail) -> None:
        self.detail = detail
        self.changed.emit(detail)
