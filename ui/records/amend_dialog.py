"""*Amend*: correct any field of a signed session, see what changes, give the reason and sign.

Two pages. The first holds the session's fields (``amend_form``). *Review the changes* checks
them as completion checks a session (here, then against the records) and only then shows the
second: what changes, before and after, the reason, and the supervisor's password, which signs
the amendment (21 CFR 11.200), confirmed in its own transaction as a completion's is. The
password is never asked for an amendment that would be refused.
"""

from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.access import accounts
from models.errors import LaserLogError, ValidationFailed
from models.review import supervision
from models.review.supervision import AmendmentStart
from models.values.rows import Actor, SessionDetail, Signature
from models.values.session_input import SessionInput, problems_for_completion
from ui.language import tr
from ui.records.amend_changes import Change, changes, changes_html, entry_values
from ui.records.amend_form import AmendForm
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.field_error import FieldError
from ui.widgets.screen_fit import fit_to_screen

EDIT, SIGN = 0, 1  # the pages


class AmendDialog(QDialog):
    """Signals:
    amended(object): the session's SessionDetail once the amendment is signed and saved.
    """

    amended = Signal(object)
    WANTED = QSize(1320, 740)

    def __init__(self, tasks: TaskRunner, actor: Actor, start: AmendmentStart,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.detail = tasks, actor, start.detail
        self.entry: SessionInput | None = None  # as reviewed, to be signed
        self.found: list[Change] = []
        s = start.detail.summary
        self.setWindowTitle(tr("Amend the session of {moment} – {patient}").format(
            moment=local_time(s.started_at), patient=start.detail.patient.full_name))
        self.form = AmendForm(start)
        self.status = QLabel(tr("Correct what is wrong, then review the changes."))
        self.status.setWordWrap(True)
        self.review_button = QPushButton(tr("&Review the changes…"))
        self.review_button.setObjectName("primary")
        self.cancel_button = QPushButton(tr("Cancel"))

        self.changes_view = QTextBrowser()
        self.changes_view.setAccessibleName(tr("What the amendment changes"))
        self.reason = QLineEdit()
        self.reason.setAccessibleName(tr("Reason for the amendment"))
        self.reason.setPlaceholderText(tr("Why the record is corrected, e.g. fluence misread "
                                          "from the device's screen"))
        self.reason_error = FieldError(self.reason)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Your password, to sign the amendment"))
        self.password_error = FieldError(self.password)
        self.sign_error = FieldError()
        self.back_button = QPushButton(tr("< &Back to the fields"))
        self.sign_button = QPushButton(tr("&Sign the amendment"))
        self.sign_button.setObjectName("primary")
        self.sign_cancel_button = QPushButton(tr("Cancel"))

        self.pages = QStackedWidget()
        self.pages.addWidget(self._edit_page())
        self.pages.addWidget(self._sign_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.review_button.clicked.connect(self.review)
        self.back_button.clicked.connect(self.back)
        self.sign_button.clicked.connect(self.sign)
        self.reason.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.sign)
        for button in (self.cancel_button, self.sign_cancel_button):
            button.clicked.connect(self.reject)
        fit_to_screen(self, self.WANTED)
        self.form.start.started.setFocus()

    def _edit_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.form.general_error)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.review_button)
        layout.addLayout(footer)
        return page

    def _sign_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        s, patient = self.detail.summary, self.detail.patient
        session = escape(tr("{patient} ({identifier}), session of {moment}").format(
            patient=patient.full_name, identifier=patient.identifier,
            moment=local_time(s.started_at)))
        layout.addWidget(QLabel(tr("<b>What the amendment changes</b> – {session}. The values "
                                   "before stay in the record, with the reason.").format(
                                       session=session)))
        layout.addWidget(self.changes_view, 1)
        reason = QLabel(tr("Reason for the amendment (required):"))
        reason.setBuddy(self.reason)
        layout.addWidget(reason)
        layout.addWidget(self.reason)
        layout.addWidget(self.reason_error)
        prompt = QLabel(tr("Your password signs this amendment; the session then awaits "
                           "review again."))
        prompt.setWordWrap(True)
        prompt.setBuddy(self.password)
        layout.addWidget(prompt)
        layout.addWidget(self.password)
        layout.addWidget(self.password_error)
        layout.addWidget(self.sign_error)
        footer = QHBoxLayout()
        footer.addWidget(self.back_button)
        footer.addStretch()
        footer.addWidget(self.sign_cancel_button)
        footer.addWidget(self.sign_button)
        layout.addLayout(footer)
        return page

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a field acts on the page: reviews the changes, or (from the reason) goes
        on to the password, then signs. A focused button takes its own Enter."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.modifiers() \
                not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            super().keyPressEvent(event)
        elif self.pages.currentIndex() == EDIT:
            self.review()
        # On the second page the reason's and the password's own Enter act (see __init__).

    # --- first page: the fields -------------------------------------------------------------
    def review(self) -> None:
        """Check the fields as completion does, here and then against the records; show the
        changes when nothing stops them."""
        entry, unreadable = self.form.collect()
        problems = problems_for_completion(entry) | unreadable
        self.form.show_problems(problems)
        if problems:
            self.status.setText(tr("Not yet: see the messages in red."))
            return
        found = changes(entry_values(self.form.original), entry_values(entry))
        if not found:
            self.status.setText(tr("Nothing is changed yet: correct a value first."))
            return
        self.status.setText(tr("Checking against the records…"))
        self.review_button.setEnabled(False)
        self.tasks.read(supervision.amendment_problems, self.actor, self.detail.summary.id,
                        entry).then(lambda problems: self._checked(entry, found, problems),
                                    self._failed)

    def _checked(self, entry: SessionInput, found: list[Change],
                 problems: dict[str, str]) -> None:
        self.review_button.setEnabled(True)
        if problems:
            self.form.show_problems(problems)
            self.status.setText(tr("Not yet: see the messages in red."))
            return
        self.entry, self.found = entry, found
        self.changes_view.setHtml(changes_html(found))
        self.status.setText(tr("Correct what is wrong, then review the changes."))
        self.sign_error.show_problem(None)
        self.pages.setCurrentIndex(SIGN)
        (self.password if self.reason.text().strip() else self.reason).setFocus()

    def back(self) -> None:
        self.password.clear()
        self.pages.setCurrentIndex(EDIT)
        self.form.start.started.setFocus()

    # --- second page: reason and signature ----------------------------------------------------
    def sign(self) -> None:
        if self.entry is None or not self.sign_button.isEnabled():
            return  # nothing reviewed, or signing already
        self.reason_error.show_problem(None if self.reason.text().strip()
                                       else tr("Give the reason for the amendment"))
        self.password_error.show_problem(None if self.password.text()
                                         else tr("Type your password to sign"))
        if not self.reason.text().strip():
            self.reason.setFocus()
            return
        if not self.password.text():
            self.password.setFocus()
            return
        self.sign_button.setEnabled(False)  # one signing at a time
        self.tasks.write(accounts.confirm_signature, self.actor, self.password.text()).then(
            self._confirmed, self._password_refused, changes_records=False)

    def _password_refused(self, error: Exception) -> None:
        """A wrong password is said here and can be typed again."""
        if not isinstance(error, ValidationFailed):
            self._failed(error)
            return
        self.sign_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.password_error.show_problem(" ".join(error.problems.values()))

    def _confirmed(self, signature: Signature) -> None:
        assert self.entry is not None  # signing starts from a reviewed entry
        self.tasks.write(supervision.amend_session, self.actor, self.detail.summary.id,
                         self.entry, self.reason.text(), self.detail.version,
                         signature=signature).then(self._saved, self._refused)

    def _saved(self, detail: SessionDetail) -> None:
        self.amended.emit(detail)
        self.accept()

    def _refused(self, error: Exception) -> None:
        """Refused after all (changed meanwhile, a rule): said where it can be put right."""
        self.sign_button.setEnabled(True)
        self.password.clear()
        if isinstance(error, ValidationFailed) and "reason" in error.problems:
            self.reason_error.show_problem(error.problems["reason"])
        elif isinstance(error, ValidationFailed):
            self.back()
            self.form.show_problems(error.problems)
            self.status.setText(tr("Not signed: see the messages in red."))
        else:
            self._failed(error)

    def _failed(self, error: Exception) -> None:
        self.review_button.setEnabled(True)
        self.sign_button.setEnabled(True)
        if not isinstance(error, LaserLogError):
            self.tasks.report_error(error)  # a bug: logged with its traceback
            return
        text = tr("Not saved: {problem}").format(problem=error)
        if self.pages.currentIndex() == SIGN:
            self.sign_error.show_problem(text)
        else:
            self.status.setText(text)
