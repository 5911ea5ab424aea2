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
from models.values.rows import Actor, PatientRow, Signature
from models.values.screening import Contraindication
from models.values.session_input import SessionInput
from models.values.vocabulary import REACTION_GRADES, Area, ReactionKind
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError
from ui.widgets.form_dialog import DIALOG_WIDTH

SEVERE = 3  # a grade from which an incident report falls due


def signing_summary(patient: PatientRow, entry: SessionInput, device: str,
                    warnings: list[str], signer: str = "") -> str:
    """The session as signed, in a few lines of HTML: patient, areas, worst reaction and every
    warning the technician went past."""
    areas = ", ".join(Area(a.area).label for a in entry.areas) or "none"
    worst = max(entry.reactions, key=lambda r: r.grade, default=None)
    if worst is None or worst.grade == 0:
        reaction = "none"
    else:
        reaction = f"{ReactionKind(worst.kind).label}, grade {REACTION_GRADES[worst.grade]}"
    notes = list(warnings)
    if worst is not None and worst.grade >= SEVERE:
        notes.append(f"{reaction}: an incident report falls due when this is signed")
    notes += [f"{Contraindication(code).label}: treated because {reason}"
              for code, reason in entry.screening.reasons.items()]
    notes += [f"{Area(a.area).label}: settings changed because {a.change_reason}"
              for a in entry.areas if a.change_reason.strip()]
    if entry.late_reason.strip():
        notes.append(f"Logged late: {entry.late_reason}")
    minutes = "" if entry.duration_s is None else f"{entry.duration_s / 60:.0f} min"
    lines = [("Patient", f"{patient.full_name} ({patient.identifier})"),
             ("Device", device or "none"), ("Areas", areas), ("Duration", minutes),
             ("Worst reaction", reaction), ("Signed by", signer)]
    lines = [(label, value) for label, value in lines if value]
    rows = "".join(f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>"
                   for k, v in lines)
    warned = "".join(f"<li>{escape(note)}</li>" for note in notes)
    return f"<table>{rows}</table>" + (
        f"<p style='color:#8d4e00'><b>Check before signing:</b></p><ul>{warned}</ul>"
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
        self.setWindowTitle("Complete and sign")
        self.setMinimumWidth(DIALOG_WIDTH + 100)
        self.summary = QLabel(summary_html)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password, to sign")
        self.error = FieldError(self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton("&Sign",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        prompt = QLabel("Your &password signs this session; after signing it changes only by "
                        "amendment.")
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
            self.error.show_problem("Type your password to sign")
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
