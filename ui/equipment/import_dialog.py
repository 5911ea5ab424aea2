"""Import a device export file: check it in the background, preview it, then import it.

Checking is a dry run: the whole file is read and every problem listed, nothing written.
Import runs the same reading again inside one transaction. Both show progress and can be
cancelled; a cancelled or failed import leaves the database as it was.
"""

import threading
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.importing.contract import ImportCancelled, ImportFailed, Problem
from devices.importing.importer import ImportedSession, ImportResult, import_file
from devices.importing.profile_library import clinic_profiles
from devices.importing.profiles import Profile
from models.language import number_text
from models.values.rows import Actor
from models.values.vocabulary import Area
from ui.language import tr, trn
from ui.services.tasks import TaskRunner
from ui.widgets.display import local_time
from ui.widgets.file_dialogs import choose_file_to_open

PROBLEM_COLOUR = QColor("#b00020")


class _Progress(QObject):
    """Carries progress from the worker thread to the dialog."""

    moved = Signal(int, int)


class ImportDialog(QDialog):
    """Signals:
    imported(object): the ImportResult of a completed import.
    """

    imported = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, session_uuid: UUID | None = None,
                 room: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.session_uuid, self.room = tasks, actor, session_uuid, room
        self.setWindowTitle(tr("Import from device file") if session_uuid is None
                            else tr("Import device file into this session"))
        self.resize(820, 560)
        self._cancel = threading.Event()
        self._checked: Path | None = None
        self._progress = _Progress(self)

        self.path = QLineEdit()
        self.path.setAccessibleName(tr("Export file"))
        self.path.setPlaceholderText(tr("The file copied from the device (CSV, JSON or XML)"))
        self.browse = QPushButton(tr("&Browse…"))
        self.profile = QComboBox()
        self.profile.setAccessibleName(tr("Import profile"))
        self.profile.addItem(tr("Detect from the file"), None)
        self.profiles: dict[str, Profile] = {}
        tasks.read(clinic_profiles).then(self._show_profiles)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.status = QLabel(tr("Choose the file, then check it."))
        self.status.setWordWrap(True)
        self.sessions = QTableWidget(0, 5)
        self.sessions.setHorizontalHeaderLabels(
            [tr("Device session"), tr("Patient"), tr("Started"), tr("Areas"),
             tr("Pulses (flagged)")])
        self.sessions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sessions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QListWidget()
        self.problems.setAccessibleName(tr("Problems found in the file"))
        self.accept_cut_off = QCheckBox(tr("The file seems cut off: import what is complete, "
                                           "without its incomplete end"))
        self.accept_cut_off.hide()  # offered only for a file that seems cut off
        self.check_button = QPushButton(tr("Chec&k file"))
        self.import_button = QPushButton(tr("&Import"))
        self.import_button.setObjectName("primary")
        self.import_button.setEnabled(False)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(tr("Close"))

        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        form = QFormLayout()
        file_label = QLabel(tr("&File"))
        file_label.setBuddy(self.path)  # a layout as the field gives the label no buddy
        form.addRow(file_label, file_row)
        form.addRow(tr("&Profile"), self.profile)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        for button in (self.check_button, self.cancel_button, self.import_button,
                       self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(tr("Sessions in the file")))
        layout.addWidget(self.sessions, 2)
        layout.addWidget(QLabel(tr("Problems")))
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.accept_cut_off)
        layout.addLayout(buttons)

        self.browse.clicked.connect(self._browse)
        self.check_button.clicked.connect(lambda: self._run(dry_run=True))
        self.import_button.clicked.connect(lambda: self._run(dry_run=False))
        self.cancel_button.clicked.connect(self._cancel.set)
        self.close_button.clicked.connect(self.reject)
        self.path.textChanged.connect(self._forget_check)
        self.profile.currentIndexChanged.connect(self._forget_check)
        self.accept_cut_off.toggled.connect(self._forget_check)
        self._progress.moved.connect(self._moved)

    def reject(self) -> None:
        """Closing (Esc) while a file is being read cancels it; nothing is imported."""
        self._cancel.set()
        super().reject()

    def _browse(self) -> None:
        path = choose_file_to_open(
            self, tr("Device export file"),
            tr("Device exports (*.csv *.txt *.json *.xml);;All files (*)"))
        if path is not None:
            self.path.setText(str(path))
            self._run(dry_run=True)

    def _forget_check(self, *_args: object) -> None:
        self._checked = None
        self.import_button.setEnabled(False)

    def _show_profiles(self, profiles: dict[str, Profile]) -> None:
        """The shipped profiles and those the clinic added, for choosing by hand."""
        self.profiles = profiles
        for name, profile in profiles.items():
            self.profile.addItem(f"{profile.title} ({name})", name)

    def _run(self, dry_run: bool) -> None:
        text = self.path.text().strip()
        if not text:
            self.status.setText(tr("Choose the export file first."))
            self.path.setFocus()
            return
        path = Path(text)
        name = self.profile.currentData()
        profile = self.profiles[name] if name else None
        self._cancel.clear()
        self._busy(True)
        self.bar.setValue(0)
        self.status.setText((tr("Checking {file}…") if dry_run else tr("Importing {file}…"))
                            .format(file=path.name))
        self.tasks.run(import_file, self.actor, path, profile, session_uuid=self.session_uuid,
                       dry_run=dry_run, room=self.room, progress=self._progress.moved.emit,
                       cancelled=self._cancel.is_set,
                       accept_cut_off=self.accept_cut_off.isChecked()).then(
            lambda result: self._done(path, result), self._failed)

    def _busy(self, busy: bool) -> None:
        for widget in (self.check_button, self.browse, self.path, self.profile,
                       self.close_button):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.import_button.setEnabled(False)

    def _moved(self, done: int, total: int) -> None:
        self.bar.setValue(int(1000 * done / total) if total else 0)

    def _offer_cut_off(self, cut_off: Problem | None) -> None:
        """A file that seems cut off is refused unless the technician says to import what is
        complete; the choice is shown only then."""
        self.accept_cut_off.setVisible(cut_off is not None)
        if cut_off is None:
            self.accept_cut_off.setChecked(False)

    def _done(self, path: Path, result: ImportResult) -> None:
        self._busy(False)
        self._offer_cut_off(result.cut_off)
        self._show(result.sessions, result.problems, result.problem_count)
        if result.dry_run:
            clean = result.problem_count == 0
            self._checked = path if clean else None
            self.import_button.setEnabled(clean)
            found = trn("{rows} pulse records read, %n session found with profile {profile}; "
                        "{flagged} pulses flagged for review.",
                        "{rows} pulse records read, %n sessions found with profile {profile}; "
                        "{flagged} pulses flagged for review.", len(result.sessions)).format(
                rows=number_text(result.rows), profile=result.profile,
                flagged=number_text(result.flagged_pulses))
            verdict = (tr("Ready to import.") if clean
                       else tr("Correct the problems below; nothing can be imported until then."))
            self.status.setText(f"{found} {verdict}")
            if clean:
                self.import_button.setFocus()
            return
        self.status.setText(trn("Imported {rows} pulses of %n session from {file}.",
                                "Imported {rows} pulses of %n sessions from {file}.",
                                len(result.sessions)).format(rows=number_text(result.rows),
                                                             file=result.file_name))
        self.imported.emit(result)

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.bar.setValue(0)
        if isinstance(error, ImportCancelled):
            self.status.setText(tr("Cancelled; nothing was imported."))
        elif isinstance(error, ImportFailed):
            self._offer_cut_off(error.cut_off)
            self._show((), error.problems, error.total)
            self.status.setText(tr("Nothing was imported: see the problems below."))
        else:
            self.status.setText(tr("Nothing was imported: {error}").format(error=error))
            self._show((), (), 0)

    def _show(self, sessions: Sequence[ImportedSession], problems: Sequence[Problem],
              count: int) -> None:
        self.sessions.setRowCount(len(sessions))
        for row, session in enumerate(sessions):
            cells = [session.device_session, session.patient or "–",
                     local_time(session.started_at),
                     ", ".join(Area(a).label for a in session.areas),
                     f"{number_text(session.pulses)} ({number_text(session.flagged_pulses)})"]
            for column, text in enumerate(cells):
                self.sessions.setItem(row, column, QTableWidgetItem(text))
        self.problems.clear()
        for problem in problems:
            item = QListWidgetItem(str(problem))
            item.setForeground(QBrush(PROBLEM_COLOUR))
            self.problems.addItem(item)
        if count > len(problems):
            self.problems.addItem(tr("… and {count} more").format(
                count=number_text(count - len(problems))))
        self.problems.setVisible(True)
        if not problems:
            self.problems.addItem(tr("None"))
            self.problems.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
