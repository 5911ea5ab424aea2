"""The Log session screen's behaviour: the draft opened, saved as it is typed, completed.

Its widgets and their order are in ``form_layout``; the draft's state in ``draft_state``.

A draft is opened as soon as the patient is chosen and saved a moment after every edit, so
a crash loses at most the last seconds of typing. Complete signs the session.
"""

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QWidget,
)

from models.clinic import clinic_settings
from models.clinic.clinic_settings import ClinicRules
from models.errors import (
    Conflict,
    DatabaseUnavailable,
    LaserLogError,
    StorageFull,
    StorageReadOnly,
    ValidationFailed,
)
from models.reading import history
from models.storage.preferences import Settings
from models.values.rows import Actor, PatientRow, SessionDetail
from models.values.screening import ChecklistItem, ScreeningInput
from models.values.session_input import SessionInput, problems_for_completion
from models.values.vocabulary import ParameterSource
from models.workflow import aftercare, carried_forward, session_logging
from ui.equipment.import_dialog import ImportDialog
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.session.aftercare_sheet import write_aftercare_pdf
from ui.session.draft_state import DraftState
from ui.session.form_layout import SessionFormLayout
from ui.session.patch_test_dialog import TestPatchDialog
from ui.session.patient_picker import describe_patient
from ui.widgets.file_dialogs import choose_file_to_save


class SessionForm(SessionFormLayout):
    """Signals:
    session_completed(object): the SessionDetail of a session just completed and signed.
    draft_saved(object): the SessionDetail of the draft as last saved.
    """

    session_completed = Signal(object)
    draft_saved = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, settings: Settings,
                 messages: Messages, parent: QWidget | None = None) -> None:
        super().__init__(tasks, actor, settings, parent)
        self.messages = messages
        self.draft = DraftState()
        self._connect()
        self.autosave = QTimer(self, singleShot=True,
                               interval=int(settings.autosave_seconds * 1000))
        self.autosave.timeout.connect(self.save_draft)
        self.retry = QTimer(self, singleShot=True, interval=3000)  # when the server is gone
        self.retry.timeout.connect(self.save_draft)
        self.devices.reload()
        self.tasks.read(clinic_settings.rules).then(self._rules_read)

    @property
    def draft_id(self) -> int | None:
        """The open draft's id (None when the form is empty)."""
        return self.draft.id

    def _connect(self) -> None:
        self.patient.patient_chosen.connect(self._patient_chosen)
        self.complete_button.clicked.connect(self.complete)
        self.import_button.clicked.connect(self.import_from_file)
        self.connect_button.clicked.connect(self.connect_simulated_device)
        self.patch_button.clicked.connect(self.open_test_patches)
        self.aftercare_button.clicked.connect(self._choose_aftercare_pdf)
        for shortcut in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(shortcut), self, self.complete,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.areas.changed.connect(self._fix_tab_order)
        self.areas.changed.connect(self._show_course)
        self.course.loaded.connect(lambda found: self.areas.show_treated_before(
            {area: f"{row.done}/{row.planned_sessions}" for area, row in found.items()}))
        self.duration.timer_started.connect(self._timer_started)
        self.devices.chosen.connect(self._look_up_last_settings)
        self.devices.verified_today.connect(
            lambda: self.screening.checklist[ChecklistItem.DAILY_VERIFICATION].setChecked(True))
        for signal in (self.areas.changed, self.anaesthetic.changed, self.reactions.changed,
                       self.screening.changed,
                       self.duration.changed, self.notes.textChanged, self.room.textEdited,
                       self.devices.chosen):
            signal.connect(self._edited)

    def _rules_read(self, rules: ClinicRules) -> None:
        """The clinic's change limit and default course plan, the same on every PC."""
        self.areas.rules = self.course.rules = rules

    # --- the draft ------------------------------------------------------------------------
    def collect(self) -> tuple[SessionInput, dict[str, str]]:
        """What is on screen as a SessionInput, and what could not be read from it."""
        problems: dict[str, str] = {}
        try:
            duration = self.duration.value()
        except ValueError as problem:
            duration, problems["duration"] = None, str(problem)
        areas, area_problems = self.areas.value()
        problems.update(area_problems)
        agent, applied, anaesthetic_problems = self.anaesthetic.value()
        problems.update(anaesthetic_problems)
        screening, screening_problems = self.screening.value()
        problems.update(screening_problems)
        entry = SessionInput(
            device_id=self.devices.current_id(),
            room=self.room.text(),
            started_at=self.draft.started_at,
            duration_s=duration,
            anaesthetic_agent=agent,
            anaesthetic_applied_at=applied,
            areas=areas,
            reactions=self.reactions.value(),
            notes=self.notes.toPlainText(),
            screening=screening,
        )
        return entry, problems

    def _patient_chosen(self, patient: PatientRow) -> None:
        self.general_error.show_problem(None)
        if self.draft.is_open:
            return  # a draft keeps its patient; see the status line
        self.screening.show_skin_type(patient.fitzpatrick)
        entry, _problems = self.collect()
        self.status.setText(f"Opening a draft for {patient.full_name}…")
        self.tasks.write(session_logging.start_draft, self.actor, patient.id, entry).then(
            self._draft_started)

    def _draft_started(self, draft: SessionDetail) -> None:
        self.draft.open(draft)
        self._enable_draft_buttons(True)
        self._look_up_last_settings()
        self.course.show_patient(draft.patient.id)
        self.status.setText(f"Draft for {draft.patient.full_name} saved "
                            f"{datetime.now().strftime('%H:%M:%S')}")
        self.draft_saved.emit(draft)

    def _enable_draft_buttons(self, enabled: bool) -> None:
        """The buttons that work on the open draft."""
        for button in (self.import_button, self.connect_button, self.patch_button,
                       self.aftercare_button):
            button.setEnabled(enabled)

    def resume_draft(self, draft: SessionDetail) -> None:
        """Put a saved draft back on the form, as it was last saved, to carry on with it."""
        self.reset()
        self.draft.open(draft)
        self.patient.show_patient(draft.patient)
        self.room.setText(draft.room)
        if draft.summary.duration_s is not None:
            self.duration.minutes.setText(f"{draft.summary.duration_s / 60:g}")
        self.anaesthetic.set_value(draft.anaesthetic_agent, draft.anaesthetic_applied_at)
        self.screening.set_value(draft.screening or ScreeningInput())
        self.areas.show_areas(draft.areas)
        for reaction in draft.reactions:
            self.reactions.set_grade(reaction.kind, reaction.grade, reaction.note)
        self.notes.setPlainText(draft.notes)
        self.devices.reload(select_id=draft.device.id if draft.device else None, announce=False)
        self._look_up_last_settings(draft.device.id if draft.device else None)
        self.course.show_patient(draft.patient.id)
        self._enable_draft_buttons(True)
        self.autosave.stop()
        self.draft.dirty = False  # what was shown is what was saved
        self._fix_tab_order()
        self.status.setText(f"Recovered the draft for {draft.patient.full_name}; carry on "
                            "where you left off.")

    def _look_up_last_settings(self, device_id: int | None = None) -> None:
        """Start each area from the patient's last signed settings with this device."""
        device_id = device_id or self.devices.current_id()
        if self.draft.patient is None or device_id is None:
            self.areas.set_last_settings({})
            return
        self.tasks.read(carried_forward.last_settings, self.draft.patient.id, device_id,
                        self.draft.started_at).then(self.areas.set_last_settings)

    def _show_course(self) -> None:
        on = (self.draft.started_at or datetime.now(UTC)).astimezone().date()
        self.course.show_areas([area.area for area in self.areas.value()[0]], on)

    def _timer_started(self, when: datetime) -> None:
        self.draft.started_at = when
        self._edited()

    def _edited(self, *_args: object) -> None:
        if self.draft.edited():
            self.status.setText("Saving draft…")
            self.autosave.start()

    def save_draft(self) -> None:
        if self.draft.id is None or not self.draft.take_edits():
            return
        entry, _problems = self.collect()
        self.tasks.run(self.draft.tracked(session_logging.update_draft), self.actor,
                         self.draft.id, entry).then(self._draft_written, self._save_failed)

    def _save_failed(self, error: Exception) -> None:
        """Nothing typed is dropped: the form keeps it and saves it when it can."""
        self.draft.edited()
        if isinstance(error, Conflict):
            self.draft.saw(error.version)  # seen now; the next save replaces theirs
            self.general_error.show_problem(str(error))
            self.status.setText("Not saved: see the message in red.")
        elif isinstance(error, StorageFull | StorageReadOnly):
            self.status.setText(f"Not saved yet: {error}. Your input stays on screen; saving "
                                "is tried again every few seconds.")
            self.retry.start()
        elif isinstance(error, DatabaseUnavailable):
            self.status.setText("The database server cannot be reached. Your input stays on "
                                "screen and is saved as soon as the server is back.")
            self.retry.start()
        else:
            self.tasks.report_error(error)

    def import_from_file(self) -> None:
        """Fill the open draft from a device export file, through the import window."""
        draft_id = self.draft.id
        if draft_id is None:
            return
        self.save_draft()  # queued before the import, so the import sees what is typed
        dialog = ImportDialog(self.tasks, self.actor, self.draft.uuid, self.room.text(), self)
        dialog.imported.connect(lambda _result: self.tasks.read(
            history.load_session, draft_id).then(self._filled_by_device))
        dialog.open()
        self.import_dialog = dialog

    def _choose_aftercare_pdf(self) -> None:
        path, _filter = choose_file_to_save(self, "Aftercare sheet", "aftercare.pdf",
                                            "PDF documents (*.pdf)")
        if path is not None:
            self.give_aftercare(path)

    def give_aftercare(self, path: Path) -> None:
        """Write the sheet for the areas ticked now, then record it as given."""
        draft_id, patient = self.draft.id, self.draft.patient
        if draft_id is None or patient is None:
            return
        areas = [area.area for area in self.areas.value()[0]]
        if not areas:
            self.areas.areas_error.show_problem("Tick the areas treated: the sheet is for them")
            return
        try:
            write_aftercare_pdf(aftercare.sheet_for(patient.full_name, areas), path)
        except LaserLogError as problem:
            self.general_error.show_problem(str(problem))
            return
        self.save_draft()  # queued first: the record follows what is typed
        self.tasks.run(self.draft.tracked(aftercare.record_given), self.actor, draft_id).then(
            lambda detail: self._aftercare_given(detail, path))

    def _aftercare_given(self, detail: SessionDetail, path: Path) -> None:
        self.draft.filled_note = f"aftercare sheet given ({path.name})"
        self.status.setText(f"Aftercare sheet saved to {path} and recorded as given.")
        self.draft_saved.emit(detail)

    def open_test_patches(self) -> None:
        if self.draft.patient is None:
            return
        dialog = TestPatchDialog(self.tasks, self.actor, self.draft.patient,
                                 self.devices.devices, self.devices.current_id(), self)
        dialog.open()
        self.patch_dialog = dialog

    def connect_simulated_device(self) -> None:
        """Take the ticked areas' settings and pulses from the simulated device, live."""
        draft_id, draft_uuid, patient = self.draft.id, self.draft.uuid, self.draft.patient
        if draft_id is None or draft_uuid is None:
            return
        device = self.devices.current()
        areas = [a.area for a in self.areas.value()[0] if a.area not in self.areas.locked]
        problems = {}
        if device is None:
            problems["device"] = "Choose the device to connect"
        if not areas:
            problems["areas"] = ("Tick the areas to treat first; the device fills their "
                                 "parameters")
        self.show_problems(problems)
        if problems or device is None:  # no device is one of the problems
            self.status.setText("Choose the device and tick the areas, then connect.")
            return
        self.save_draft()
        from ui.equipment.live_device_dialog import (
            LiveDeviceDialog,  # pyqtgraph loads only when needed
        )

        dialog = LiveDeviceDialog(self.tasks, self.actor, draft_id, draft_uuid, device, areas,
                                  patient.fitzpatrick if patient else None, self)
        dialog.recorded.connect(self._connected_device_recorded)
        dialog.open()
        self.live_dialog = dialog

    def _connected_device_recorded(self, draft: SessionDetail) -> None:
        self.connect_button.setEnabled(False)  # one connected recording per session
        self._filled_by_device(draft)

    def _filled_by_device(self, draft: SessionDetail) -> None:
        self.draft.saw(draft.version)
        self.areas.lock_areas(draft.areas)
        if self.duration.minutes.text() == "" and draft.summary.duration_s:
            self.duration.minutes.setText(f"{draft.summary.duration_s / 60:.0f}")
        if draft.device is not None:
            self.devices.reload(select_id=draft.device.id)  # the file named the device
        from_device = sum(a.source not in (None, ParameterSource.MANUAL) for a in draft.areas)
        note = f"parameters of {from_device} area(s) filled from the device"
        self.draft.filled_note = note
        self.status.setText(note[0].upper() + note[1:] + ".")
        self._fix_tab_order()
        self.draft_saved.emit(draft)

    def _draft_written(self, draft: SessionDetail) -> None:
        if self.draft.id == draft.summary.id:
            self.general_error.show_problem(None)
            note = f" · {self.draft.filled_note}" if self.draft.filled_note else ""
            self.status.setText(f"Draft saved {datetime.now().strftime('%H:%M:%S')}{note}")
            self.draft_saved.emit(draft)

    # --- completing -----------------------------------------------------------------------
    def complete(self) -> None:
        entry, unreadable = self.collect()
        # Everything wrong is shown at once; the operation checks the same rules again.
        problems = problems_for_completion(entry) | unreadable
        draft_id = self.draft.id
        if draft_id is None:
            problems["patient"] = "Choose or register the patient first"
        if problems or draft_id is None:
            self.show_problems(problems)
            return
        self.autosave.stop()
        self.draft.take_edits()  # the completion saves them
        self.complete_button.setEnabled(False)
        self.status.setText("Completing…")
        self.tasks.run(self.draft.tracked(session_logging.complete_session), self.actor,
                         draft_id, entry).then(self._completed, self._refused)

    def _refused(self, error: Exception) -> None:
        self.complete_button.setEnabled(True)
        self.status.setText("Not completed: see the messages in red.")
        if isinstance(error, ValidationFailed):
            self.show_problems(error.problems)
        elif isinstance(error, Conflict | DatabaseUnavailable):
            self._save_failed(error)
            self.general_error.show_problem(str(error))
        else:
            self.general_error.show_problem(str(error))
            self.tasks.report_error(error)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Put each problem next to its field; anything without a field goes at the bottom."""
        shown = (self.areas.show_problems(problems) | self.anaesthetic.show_problems(problems)
                 | self.screening.show_problems(problems))
        for key, error in (("device", self.device_error), ("duration", self.duration_error)):
            error.show_problem(problems.get(key))
            shown.add(key)
        rest = [text for key, text in problems.items() if key not in shown]
        self.general_error.show_problem(" · ".join(rest) if rest else None)
        if problems:
            self.status.setText(f"{len(problems)} thing(s) to correct before completing.")

    def _completed(self, detail: SessionDetail) -> None:
        self.reset()
        self.status.setText(
            f"Completed and signed: {describe_patient(detail.patient)}, "
            f"{detail.summary.started_at.astimezone():%d %b %Y %H:%M}. Ready for the next patient."
        )
        self.session_completed.emit(detail)

    def reset(self) -> None:
        """Empty the form for the next session (the device and room stay)."""
        self.draft.close()
        self.retry.stop()
        self._enable_draft_buttons(False)
        self.autosave.stop()
        for section in (self.patient, self.areas, self.screening, self.course,
                        self.anaesthetic, self.reactions, self.duration):
            section.reset()
        self.notes.clear()
        self.show_problems({})
        self.complete_button.setEnabled(True)
        self.draft.dirty = False  # clearing the fields is no edit
        self.patient.search.setFocus()
