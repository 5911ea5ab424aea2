"""*Sign consent*: the patient reads the consent form in force and signs on the screen; the
technician witnesses with their password. Nothing is kept until both have signed."""

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.access import accounts
from models.clinic import consent_forms
from models.clinic.consent_forms import ConsentDocumentRow
from models.errors import ValidationFailed
from models.values.rows import Actor, ConsentOnFile, PatientRow, Signature
from ui.language import tr
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError
from ui.widgets.signature_pad import SignaturePad, render_png


class ConsentDialog(QDialog):
    """Signals:
    signed(object): the ConsentOnFile just kept.
    """

    signed = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, patient: PatientRow,
                 document: ConsentDocumentRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.patient, self.document = tasks, actor, patient, document
        self.setWindowTitle(tr("Consent: {title} (version {version})").format(
            title=document.title, version=document.version))
        self.text = QTextBrowser()
        self.text.setPlainText(document.body)
        self.text.setAccessibleName(tr("The consent form the patient reads"))
        self.text.setMinimumHeight(180)
        self.signer = QLineEdit(patient.full_name)
        self.signer.setAccessibleName(tr("Name of the person signing"))
        self.signer_error = FieldError(self.signer)
        self.pad = SignaturePad()
        self.pad_error = FieldError()
        self.clear_button = QPushButton(tr("C&lear signature"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Your password, to witness"))
        self.password_error = FieldError(self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(
            tr("&Keep signed consent"), QDialogButtonBox.ButtonRole.AcceptRole)
        self._lay_out()
        self.clear_button.clicked.connect(self.pad.clear)
        self.pad.changed.connect(lambda: self.pad_error.show_problem(None))
        self.signer.textEdited.connect(lambda _t: self.signer_error.show_problem(None))
        self.password.textEdited.connect(lambda _t: self.password_error.show_problem(None))
        self.buttons.accepted.connect(self._sign)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel(tr("<b>{title}</b> — for {name} ({identifier}). Hand the screen to "
                            "the patient to read and sign.").format(  # names as typed
            title=escape(self.document.title), name=escape(self.patient.full_name),
            identifier=escape(self.patient.identifier)))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        grid = QGridLayout()
        name_label = QLabel(tr("Signed &by"))
        name_label.setBuddy(self.signer)
        grid.addWidget(name_label, 0, 0)
        grid.addWidget(self.signer, 0, 1)
        grid.addWidget(self.signer_error, 1, 1)
        layout.addLayout(grid)
        layout.addWidget(self.pad)
        pad_row = QGridLayout()
        pad_row.addWidget(self.pad_error, 0, 0)
        pad_row.addWidget(self.clear_button, 0, 1)
        pad_row.setColumnStretch(0, 1)
        layout.addLayout(pad_row)
        prompt = QLabel(tr("Witnessed by {name}: your &password").format(name=self.actor.full_name))
        prompt.setBuddy(self.password)
        layout.addWidget(prompt)
        layout.addWidget(self.password)
        layout.addWidget(self.password_error)
        layout.addWidget(self.buttons)
        self.resize(760, 700)

    def _sign(self) -> None:
        """Check what can be checked here, then the witness's password, then keep it."""
        problem = consent_forms.stroke_problems(self.pad.strokes())
        self.pad_error.show_problem(problem or None)
        if not self.signer.text().strip():
            self.signer_error.show_problem(tr("Type the name of the person signing"))
            problem = problem or "name"
        if not self.password.text():
            self.password_error.show_problem(tr("Type your password to witness the signature"))
            problem = problem or "password"
        if problem:
            return
        self.sign_button.setEnabled(False)
        self.tasks.write(accounts.confirm_signature, self.actor, self.password.text()).then(
            self._witnessed, self._refused, changes_records=False)

    def _witnessed(self, signature: Signature) -> None:
        strokes = self.pad.strokes()
        self.tasks.write(consent_forms.sign_consent, self.actor, self.patient.id,
                         self.document.id, self.signer.text(), strokes, render_png(strokes),
                         signature).then(self._kept, self._refused)

    def _kept(self, on_file: ConsentOnFile) -> None:
        self.accept()
        self.signed.emit(on_file)

    def _refused(self, error: Exception) -> None:
        self.sign_button.setEnabled(True)
        if not isinstance(error, ValidationFailed):
            self.reject()
            self.tasks.report_error(error)
            return
        problems = dict(error.problems)
        self.signer_error.show_problem(problems.pop("signer_name", None))
        self.pad_error.show_problem(problems.pop("strokes", None) or
                                    problems.pop("document", None))
        if problems:  # the password (accounts' own keys)
            self.password.clear()
            self.password.setFocus()
            self.password_error.show_problem(" ".join(problems.values()))
