"""*Complete and sign*: what is being signed, shown before it is signed, and the password
that signs it (21 CFR 11.200: every signing uses at least the password)."""

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.access import accounts
from models.errors import ValidationFailed
from models.language import number_text
from models.values.rows import Actor, PatientRow, Signature
from models.values.screening import Contraindication
from models.values.session_input import SessionInput
from models.values.vocabulary import Area, ReactionKind, grade_label
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH

SEVERE = 3  # a grade from which an incident report falls due


def signing_summary(patient: PatientRow, entry: SessionInput, device: str,
                    warnings: list[str], signer: str = "") -> str:
    """The session as signed, in a few lines of HTML: patient, areas, worst reaction and every
    warning the technician went past."""
    areas = ", ".join(Area(a.area).label for a in entry.areas) or tr("none")
    worst = max(entry.reactions, key=lambda r: r.grade, default=None)
    if worst is None or worst.grade == 0:
        reaction = tr("none", "no reaction")
    else:
        reaction = tr("{reaction}, grade {grade}").format(
            reaction=ReactionKind(worst.kind).label, grade=grade_label(worst.grade))
    notes = list(warnings)
    if worst is not None and worst.grade >= SEVERE:
        notes.append(tr("{reaction}: an incident report falls due when this is signed").format(
            reaction=reaction))
    notes += [tr("{finding}: treated because {reason}").format(
                  finding=Contraindication(code).label, reason=reason)
              for code, reason in entry.screening.reasons.items()]
    notes += [tr("{area}: settings changed because {reason}").format(
                  area=Area(a.area).label, reason=a.change_reason)
              for a in entry.areas if a.change_reason.strip()]
    if entry.late_reason.strip():
        notes.append(tr("Logged late: {reason}").format(reason=entry.late_reason))
    minutes = ("" if entry.duration_s is None else
               tr("{minutes} min").format(minutes=number_text(entry.duration_s / 60)))
    lines = [(tr("Patient"), f"{patient.full_name} ({patient.identifier})"),
             (tr("Device"), device or tr("none", "no device")), (tr("Areas"), areas),
             (tr("Duration"), minutes), (tr("Worst reaction"), reaction),
             (tr("Signed by"), signer)]
    lines = [(label, value) for label, value in lines if value]
    rows = "".join(f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>"
                   for k, v in lines)
    warned = "".join(f"<li>{escape(note)}</li>" for note in notes)
    heading = escape(tr("Check before signing:"))
    return f"<table>{rows}</table>" + (
        f"<p style='color:#8d4e00'><b>{heading}</b></p><ul>{warned}</ul>"
        if warned else "")


class SigningDialog(QDialog):
    """Shows what is signed; the password typed is checked (its own transaction: a wrong one
    counts towards the lock-out even though nothing is signed) and becomes the Signature.

    Signals:
    signed(object): the Signature confirmed, to complete the session with.
    failed(object): an error other than a wrong password (the dialog has closed).
    """

    signed = Signal(object)
    failed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, summary_html: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.setWindowTitle(tr("Complete and sign"))
        self.setMinimumWidth(DIALOG_WIDTH + 100)
        self.summary = QLabel(summary_html)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Your password, to sign"))
        self.error = FieldError(self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(tr("&Sign"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        prompt = QLabel(tr("Your &password signs this session; after signing it changes only "
                           "by amendment."))
        prompt.setWordWrap(True)
        prompt.setBuddy(self.password)
        layout.addWidget(prompt)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.password.textEdited.connect(lambda _t: self.error.show_problem(None))
        self.buttons.accepted.connect(self._sign)
        self.buttons.rejected.connect(self.reject)
        self.password.setFocus()

    def _sign(self) -> None:
        if not self.password.text():
            self.error.show_problem(tr("Type your password to sign"))
            return
        self.sign_button.setEnabled(False)  # one signing at a time
        self.error.show_problem(None)
        self.tasks.write(accounts.confirm_signature, self.actor, self.password.text()).then(
            self._confirmed, self._refused, changes_records=False)

    def _confirmed(self, signature: Signature) -> None:
        self.accept()
        self.signed.emit(signature)

    def _refused(self, error: Exception) -> None:
        """A wrong password is said here and can be typed again; anything else closes."""
        if not isinstance(error, ValidationFailed):
            self.reject()
            self.failed.emit(error)
            return
        self.sign_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.error.show_problem(" ".join(error.problems.values()))
