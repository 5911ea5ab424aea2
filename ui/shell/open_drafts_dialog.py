"""The technician's unfinished sessions: each can be carried on with, or voided with a reason.

Shown when LaserLog starts and finds drafts left open (closed mid-session, a crash, a power
cut, a device file imported for several patients), and from File > Unfinished sessions. A
draft is never lost whatever the answer: closing this leaves every draft as it is.
Keyboard: the arrows pick a draft, Enter resumes it, Escape closes.
"""

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import LaserLogError, ValidationFailed
from models.values.rows import Actor, SessionDetail
from models.workflow import session_logging
from ui.language import tr, tr_noop, trn
from ui.records.supervisor_actions import ReasonDialog
from ui.services.tasks import TaskRunner
from ui.widgets.display import area_labels, local_time
from ui.widgets.row_table import row_table

COLUMNS = (tr_noop("Patient"), tr_noop("Started"), tr_noop("Last saved"), tr_noop("Areas"))


def _last_saved(draft: SessionDetail) -> str:
    """When the draft was last saved."""
    return local_time(draft.updated_at) or "–"


class OpenDraftsDialog(QDialog):
    """Signals:
    resume_requested(object): the SessionDetail of the draft to carry on with.
    voided(object): a draft was voided (its SessionDetail as voided).
    """

    resume_requested = Signal(object)
    voided = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, drafts: Sequence[SessionDetail],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.drafts = list(drafts)
        self.setWindowTitle(tr("Unfinished sessions"))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = row_table([tr(column) for column in COLUMNS])
        self.table.setAccessibleName(tr("Unfinished sessions"))
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the buttons
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox()
        self.resume_button = QPushButton(tr("&Resume"))
        self.resume_button.setDefault(True)  # Enter, from the list
        self.void_button = QPushButton(tr("&Void…"))
        self.void_button.setAutoDefault(False)
        self.void_button.setToolTip(tr("Void the chosen draft (started by mistake, or for the "
                                       "wrong patient); you give the reason. Nothing is "
                                       "deleted."))
        buttons.addButton(self.resume_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.void_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resume_button.clicked.connect(self.resume_chosen)
        self.void_button.clicked.connect(self.void_chosen)
        close.clicked.connect(self.reject)
        self.table.doubleClicked.connect(lambda _index: self.resume_chosen())
        self.resize(760, 360)
        self._fill()
        self.table.setFocus()

    def _fill(self) -> None:
        count = len(self.drafts)
        self.intro.setText(
            trn("You have %n unfinished session, the most recently saved first. Resume one to "
                "carry on with it, or void one started by mistake. Closing this keeps them all.",
                "You have %n unfinished sessions, the most recently saved first. Resume one to "
                "carry on with it, or void one started by mistake. Closing this keeps them all.",
                count) if count else tr("You have no unfinished sessions."))
        self.table.setRowCount(count)
        for row, draft in enumerate(self.drafts):
            patient = draft.patient
            cells = (f"{patient.full_name} ({patient.identifier})",
                     local_time(draft.summary.started_at), _last_saved(draft),
                     area_labels(tuple(a.area for a in draft.areas)) or tr("none yet"))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        has_drafts = count > 0
        self.resume_button.setEnabled(has_drafts)
        self.void_button.setEnabled(has_drafts)
        if has_drafts:
            self.table.selectRow(0)

    def chosen(self) -> SessionDetail | None:
        row = self.table.currentRow()
        return self.drafts[row] if 0 <= row < len(self.drafts) else None

    def resume_chosen(self) -> None:
        draft = self.chosen()
        if draft is None:
            return
        self.resume_requested.emit(draft)
        self.accept()

    def void_chosen(self) -> None:
        """Ask the reason (required), then void the chosen draft; it leaves the list."""
        draft = self.chosen()
        if draft is None:
            return
        ask = ReasonDialog(tr("Void the draft for {name}").format(name=draft.patient.full_name),
                           self)
        ask.reason.setPlaceholderText(tr("e.g. started for the wrong patient"))
        self.reason_dialog = ask
        if ask.exec() != QDialog.DialogCode.Accepted:
            return
        self.tasks.write(session_logging.void_draft, self.actor, draft.summary.id,
                         ask.reason.text()).then(self._voided, self._not_voided)

    def _voided(self, detail: SessionDetail) -> None:
        self.error.hide()
        self.drafts = [d for d in self.drafts if d.summary.id != detail.summary.id]
        self._fill()
        self.table.setFocus()
        self.voided.emit(detail)

    def _not_voided(self, error: Exception) -> None:
        if not isinstance(error, LaserLogError):
            self.tasks.report_error(error)
            return
        said = "; ".join(error.problems.values()) if isinstance(error, ValidationFailed) else (
            str(error))
        self.error.setText(tr("Not voided: {reason}").format(reason=said))
        self.error.show()
