"""Backup, restore and verify from the screen, as ``python main.py backup``, ``restore`` and
``verify`` do them: off the GUI thread, with a progress bar and Cancel. A backup is checked
before it counts; a restore checks the backup, then asks, with what each database holds,
before it replaces anything, and LaserLog closes after it (the restored database may hold
other accounts)."""

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.admin.backup import backup, restore
from models.admin.integrity import Verification, verify
from models.admin.progress import Cancelled
from models.errors import LaserLogError
from models.language import number_text
from models.values.rows import Actor
from ui.admin.restore_dialog import RestoreDialog
from ui.admin.work_watcher import WorkWatcher
from ui.language import tr, tr_noop, trn
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.widgets import file_dialogs
from ui.widgets.field_error import FieldError

AFTER_RESTORE = tr_noop("LaserLog closes when the restore is done: start it again and sign in "
                        "to the restored database.")
RESTORED = tr_noop("LaserLog closes now: start it again and sign in to the restored database.")
#: What each kind of work says: as it starts, cancelled, refused, stopped by a fault.
SAYS = {
    "backup": (tr_noop("Backing up…"), tr_noop("Backing up cancelled; nothing was changed."),
               tr_noop("Backing up stopped: {error}"),
               tr_noop("Backing up stopped by a fault inside LaserLog; nothing was changed.")),
    "restore": (tr_noop("Restoring…"), tr_noop("Restoring cancelled; nothing was changed."),
                tr_noop("Restoring stopped: {error}"),
                tr_noop("Restoring stopped by a fault inside LaserLog; nothing was changed.")),
    "verify": (tr_noop("Verifying…"), tr_noop("Verifying cancelled; nothing was changed."),
               tr_noop("Verifying stopped: {error}"),
               tr_noop("Verifying stopped by a fault inside LaserLog; nothing was changed.")),
}


class BackupsPanel(QWidget):
    """Signals:
    said(str): what was just done (or why not), for the screen's status line.
    """

    said = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.messages = tasks, actor, messages
        self.watcher = WorkWatcher(self)
        self.watcher.progressed.connect(self._progressed)
        self.watcher.asked.connect(self._asked)
        self.working = ""  # what runs now, a key of SAYS ("" when nothing does)
        intro = QLabel(tr(
            "The database: {url}. A backup is checked (integrity, schema, the whole audit "
            "chain) before it counts. A restore checks the backup first and asks before it "
            "replaces anything. Verify checks the database end to end: storage, guards, every "
            "audit event and every signed session.").format(url=tasks.database.display_url))
        intro.setWordWrap(True)
        self.backup_button = QPushButton(tr("&Back up…"))
        self.backup_button.setToolTip(tr("Write a checked backup of the database to a file"))
        self.restore_button = QPushButton(tr("&Restore…"))
        self.restore_button.setToolTip(tr("Replace the database with a backup's content"))
        self.verify_button = QPushButton(tr("&Verify"))
        self.verify_button.setToolTip(tr("Check the database end to end; nothing is changed"))
        self.backup_button.clicked.connect(self._choose_backup_file)
        self.restore_button.clicked.connect(self._open_restore)
        self.verify_button.clicked.connect(self.verify)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.verify_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        progress = QHBoxLayout()
        progress.addWidget(self.stage)
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(progress)
        self.progress_row.hide()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.problems = FieldError(reserved=False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.result)
        layout.addWidget(self.problems)
        layout.addStretch()

    # --- the three kinds of work -------------------------------------------------------------
    def _choose_backup_file(self) -> None:
        name = f"laserlog-{datetime.now():%Y-%m-%d-%H%M}.backup"
        path, _kind = file_dialogs.choose_file_to_save(
            self, tr("Back up the database"), name, tr("LaserLog backups (*.backup)"))
        if path is not None:
            self.backup_to(path)

    def backup_to(self, path: Path) -> None:
        self._start("backup")
        self.tasks.run(backup, self.actor, path, progress=self.watcher.report).then(
            self._backed_up, self._failed, changes_records=False)

    def _backed_up(self, path: Path) -> None:
        self._finish(tr("Backed up the database to {path} (checked: it restores as it is now)."
                        ).format(path=path))

    def _open_restore(self) -> None:
        dialog = RestoreDialog(self.tasks, self.actor, self)
        dialog.accepted.connect(lambda: self.restore_from(dialog.source, dialog.restorer,
                                                          dialog.force.isChecked()))
        dialog.open()
        self.restore_dialog = dialog

    def restore_from(self, source: Path | None, restorer: Actor | None, force: bool) -> None:
        if source is None or restorer is None:
            return
        self._start("restore")
        self.tasks.run(restore, restorer, source, force=force, confirm=self.watcher.ask,
                       progress=self.watcher.report).then(
            lambda events: self._restored(source, events), self._failed,
            changes_records=False)

    def _restored(self, source: Path, events: int) -> None:
        restored = trn("Restored the database from {source}; its {events} audit event chains "
                       "correctly.", "Restored the database from {source}; its {events} audit "
                       "events chain correctly.", events)
        self._finish(restored.format(source=source.name, events=number_text(events)))
        self.messages.info(self, f"{restored.format(source=source, events=number_text(events))}"
                                 f"\n\n{tr(RESTORED)}")
        self.window().close()

    def verify(self) -> None:
        self._start("verify")
        self.tasks.run(verify, progress=self.watcher.report).then(
            self._verified, self._failed, changes_records=False)

    def _verified(self, result: Verification) -> None:
        if result.ok:
            events = trn("the {n} audit event chains correctly",
                         "all {n} audit events chain correctly", result.events)
            sessions = trn("{n} signed session is as it was signed",
                           "{n} signed sessions are as they were signed", result.sessions_proven)
            unsealed = trn("{n} signed before LaserLog kept their digests",
                           "{n} signed before LaserLog kept their digests", result.unsealed)
            done = (tr("Verified: storage and foreign keys are sound; {events}; {sessions} "
                       "({unsealed}).") if result.unsealed else
                    tr("Verified: storage and foreign keys are sound; {events}; {sessions}."))
            self._finish(done.format(events=events.format(n=number_text(result.events)),
                                     sessions=sessions.format(n=number_text(result.sessions_proven)),
                                     unsealed=unsealed.format(n=number_text(result.unsealed))))
            return
        found = list(result.problems)
        if result.first_broken_seq is not None:
            found.append(tr("the audit chain is broken at sequence number {number}").format(
                number=result.first_broken_seq))
        self._finish(tr("Verify found problems; nothing was changed. Keep this database as it "
                        "is and call IT."), problems=found)

    # --- progress, cancel, the question -----------------------------------------------------
    def _start(self, work: str) -> None:
        self.working = work
        self.watcher.start()
        for button in (self.backup_button, self.restore_button, self.verify_button):
            button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.stage.setText(tr(SAYS[work][0]))
        self.bar.setRange(0, 0)  # busy until the work says how much there is
        self.progress_row.show()
        self.result.clear()
        self.problems.show_problem(None)
        self.window().installEventFilter(self)  # closing the window cancels the work
        self.said.emit(tr(SAYS[work][0]))

    def _finish(self, outcome: str, problems: list[str] | None = None) -> None:
        self.window().removeEventFilter(self)
        self.working = ""
        self.progress_row.hide()
        for button in (self.backup_button, self.restore_button, self.verify_button):
            button.setEnabled(True)
        self.result.setText(outcome)
        self.problems.show_problem("\n".join(f"• {p}" for p in problems) if problems else None)
        self.said.emit(outcome)

    def _failed(self, error: Exception) -> None:
        _started, cancelled, refused, fault = SAYS[self.working]
        if isinstance(error, Cancelled):
            self._finish(tr(cancelled))
        elif isinstance(error, LaserLogError):
            self._finish(tr(refused).format(error=error))
        else:
            self._finish(tr(fault))
            self.tasks.report_error(error)

    def cancel(self) -> None:
        if self.working:
            self.watcher.cancel()
            self.cancel_button.setEnabled(False)
            self.stage.setText(tr("Cancelling…"))

    @Slot(str, int, int)
    def _progressed(self, stage: str, done: int, total: int) -> None:
        if not self.working or self.watcher.cancelled:
            return
        self.stage.setText(stage)
        self.bar.setRange(0, total)
        if total:
            self.bar.setValue(min(done, total))

    @Slot(str)
    def _asked(self, question: str) -> None:
        self.stage.setText(tr("Waiting for your answer…"))
        yes = self.messages.confirm(self, f"{question}\n\n{tr(AFTER_RESTORE)}")
        if yes:
            self.cancel_button.setEnabled(False)  # replacing now: it goes to its end
        self.watcher.answer(yes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and self.working:
            self.cancel()
        return False
