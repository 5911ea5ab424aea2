"""Adding a follow-up to a signed session: how a reaction goes on days later, found new at
follow-up, or resolved. Bad input is said next to its field and kept."""

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from models.errors import ValidationFailed
from models.language import date_hint, typed_date_text
from models.reading import history
from models.values.rows import Actor, SessionDetail
from models.values.session_input import parse_date
from models.values.vocabulary import REACTION_GRADES, SIGNED, ReactionKind, grade_label
from models.workflow import incidents
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall


class FollowUpDialog(FormDialog):
    """saved(object) carries the session's SessionDetail with the follow-up added."""

    def __init__(self, tasks: TaskRunner, actor: Actor, detail: SessionDetail,
                 parent: QWidget | None = None) -> None:
        self.kind = QComboBox()
        for kind in ReactionKind:
            self.kind.addItem(kind.label, kind.value)
        logged = [r.kind for r in detail.reactions if r.grade > 0]
        if logged:
            self.kind.setCurrentIndex(self.kind.findData(logged[0]))
        self.grade = QComboBox()
        for grade in REACTION_GRADES:
            self.grade.addItem(grade_label(grade), grade)
        self.observed_on = QLineEdit(typed_date_text(date.today()), placeholderText=date_hint())
        self.resolved_on = QLineEdit(placeholderText=tr("{pattern}, when it has resolved").format(
            pattern=date_hint()))
        self.note = QLineEdit(placeholderText=tr("e.g. redness receding; pigment change found"))
        super().__init__(tasks, tr("Follow-up – {patient}").format(
            patient=detail.patient.full_name), [
            (tr("Reaction"), "kind", self.kind), (tr("Grade now"), "grade", self.grade),
            (tr("Seen on"), "observed_on", self.observed_on),
            (tr("Resolved on"), "resolved_on", self.resolved_on),
            (tr("Note"), "note", self.note)], parent)
        self.actor, self.detail = actor, detail

    def values(self) -> OperationCall:
        problems: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for key, field, label in (("observed_on", self.observed_on, tr("The date seen")),
                                  ("resolved_on", self.resolved_on, tr("The date resolved"))):
            try:
                dates[key] = parse_date(field.text(), label)
            except ValueError as problem:
                problems[key] = str(problem)
        if problems:
            raise ValidationFailed(problems)
        session_id, kind, grade = (self.detail.summary.id, self.kind.currentData(),
                                   self.grade.currentData())
        note = self.note.text()

        def record(db: Session, actor: Actor) -> SessionDetail:
            incidents.record_follow_up(db, actor, session_id, kind, grade,
                                       dates["observed_on"], dates["resolved_on"], note)
            return history.view_session(db, actor, session_id)

        return record, (self.actor,)


class FollowUpButton(QWidget):
    """'Add follow-up…' on an open signed session. Signals: changed(object), the session's
    SessionDetail with the follow-up added."""

    changed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, detail: SessionDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.detail = tasks, actor, detail
        self.button = QPushButton(tr("Add &follow-up…"))
        self.button.setEnabled(detail.summary.status in SIGNED)
        self.button.setToolTip(tr("Record how a reaction goes on after the session, or one "
                                  "found at follow-up"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.open_dialog)

    def open_dialog(self) -> None:
        self.dialog = FollowUpDialog(self.tasks, self.actor, self.detail, self)
        self.dialog.saved.connect(self._recorded)
        self.dialog.open()

    def _recorded(self, detail: SessionDetail) -> None:
        self.detail = detail
        self.changed.emit(detail)
