"""The Log session screen: one form, top to bottom in the order a session happens.

A draft is opened as soon as the patient is chosen and saved a moment after every edit, so
a crash loses at most the last seconds of typing. Complete signs the session.
"""

import itertools
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.access.permissions import Action, may
from models.clinic import clinic_settings, device_register, device_upkeep
from models.clinic.clinic_settings import ClinicRules
from models.clinic.device_upkeep import DeviceCare
from models.errors import Conflict, DatabaseUnavailable, LaserLogError, ValidationFailed
from models.reading import history
from models.storage.preferences import Settings
from models.values.rows import Actor, DeviceRow, PatientRow, SessionDetail
from models.values.screening import ChecklistItem, ScreeningInput
from models.values.session_input import SessionInput, problems_for_completion
from models.values.vocabulary import ParameterSource
from models.workflow import aftercare, carried_forward, session_logging
from ui.equipment.device_check_dialog import DeviceCheckDialog
from ui.equipment.device_dialog import DeviceDialog
from ui.equipment.import_dialog import ImportDialog
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.session.aftercare_sheet import write_aftercare_pdf
from ui.session.anaesthetic_field import AnaestheticField
from ui.session.area_parameters import AreaParametersEditor
from ui.session.course_panel import CoursePanel
from ui.session.duration_field import DurationField
from ui.session.patch_test_dialog import TestPatchDialog
from ui.session.patient_picker import PatientPicker, describe_patient
from ui.session.reactions_editor import ReactionsEditor
from ui.session.screening_panel import ScreeningPanel
from ui.widgets.field_error import FieldError


class SessionForm(QWidget):
    """Signals:
    session_completed(object): the SessionDetail of a session just completed and signed.
    draft_saved(object): the SessionDetail of the draft as last saved.
    """

    session_completed = Signal(object)
    draft_saved = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, settings: Settings,
                 messages: Messages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.settings, self.messages = tasks, actor, settings, messages
        self.draft_id: int | None = None
        self.draft_uuid: UUID | None = None
        self.draft_patient: PatientRow | None = None
        self.known_version: int | None = None  # of the draft, as this form last saved it
        self.filled_note = ""  # kept on the status line while the draft is open
        self.devices: dict[int, DeviceRow] = {}
        self.started_at: datetime | None = None
        self._dirty = False

        self.patient = PatientPicker(tasks, actor)
        self.device = QComboBox()
        self.device.setAccessibleName("Device")
        self.add_device_button = QPushButton("Register device…")
        self.add_device_button.setVisible(may(actor, Action.MANAGE_DEVICES))
        self.check_button = QPushButton("Chec&k…")
        self.check_button.setToolTip("Device check: its tip, today's verification and faults; "
                                     "log the daily verification here")
        self.room = QLineEdit(settings.room)
        self.room.setAccessibleName("Room")
        self.duration = DurationField()
        self.device_error, self.duration_error = FieldError(self.device), FieldError(
            self.duration.minutes)
        self.device_note = QLabel()  # the device's warnings: tip life, verification, faults
        self.device_note.setObjectName("changeNote")
        self.device_note.setWordWrap(True)
        self.device_note.hide()
        self.areas = AreaParametersEditor()
        self.import_button = QPushButton("Import from device &file…")
        self.import_button.setEnabled(False)
        self.import_button.setToolTip("Fill this session's parameters from a device export "
                                      "file (choose the patient first)")
        self.connect_button = QPushButton("Connect simulated de&vice…")
        self.connect_button.setEnabled(False)
        self.connect_button.setToolTip("Take the ticked areas' parameters and pulses from the "
                                       "simulated device as the treatment happens")
        self.screening = ScreeningPanel()
        self.course = CoursePanel(tasks, actor)
        self.aftercare_button = QPushButton("Afterca&re sheet…")
        self.aftercare_button.setEnabled(False)
        self.aftercare_button.setToolTip("Save the aftercare sheet for the areas ticked as a PDF "
                                         "to print, and record it as given")
        self.patch_button = QPushButton("Te&st patches…")
        self.patch_button.setEnabled(False)
        self.patch_button.setToolTip("Record this patient's test patches and their readings "
                                     "(choose the patient first)")
        self.anaesthetic = AnaestheticField()
        self.reactions = ReactionsEditor()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("Anything else worth recording: aftercare given, "
                                      "patient's comments, follow-up")
        self.notes.setMaximumHeight(90)
        self.status = QLabel("Choose the patient to start a session.")
        self.status.setObjectName("formStatus")
        self.general_error = FieldError()
        self.complete_button = QPushButton("&Complete and sign  (Ctrl+Enter)")
        self.complete_button.setObjectName("primary")

        self._lay_out()
        self._fix_tab_order()
        self._connect()
        self.autosave = QTimer(self, singleShot=True,
                               interval=int(settings.autosave_seconds * 1000))
        self.autosave.timeout.connect(self.save_draft)
        self.retry = QTimer(self, singleShot=True, interval=3000)  # when the server is gone
        self.retry.timeout.connect(self.save_draft)
        self.reload_devices()
        self.tasks.read(clinic_settings.rules, done=self._rules_read)

    # --- layout ---------------------------------------------------------------------------
    def _lay_out(self) -> None:
        details = QGroupBox("2  Session")
        form = QFormLayout(details)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device, 1)
        device_row.addWidget(self.check_button)
        device_row.addWidget(self.add_device_button)
        form.addRow("Device", device_row)
        form.addRow("", self.device_error)
        form.addRow("", self.device_note)
        form.addRow("Room", self.room)
        form.addRow("Duration", self.duration)
        form.addRow("", self.duration_error)
        notes = QGroupBox("6  Notes")
        QVBoxLayout(notes).addWidget(self.notes)

        left = QVBoxLayout()
        left.addWidget(self.patient)
        left.addWidget(details)
        left.addWidget(self.screening)
        left.addWidget(self.anaesthetic)
        left.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.areas)
        device_buttons = QHBoxLayout()
        device_buttons.addStretch()
        device_buttons.addWidget(self.patch_button)
        device_buttons.addWidget(self.connect_button)
        device_buttons.addWidget(self.import_button)
        right.addLayout(device_buttons)
        right.addWidget(self.course)
        right.addWidget(self.reactions)
        right.addWidget(notes)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        body = QWidget()
        body.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.aftercare_button)
        footer.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(footer)

    def focus_chain(self) -> list[QWidget]:
        """Every focusable field, in the order the form is read."""
        return [
            *self.patient.focus_chain(), self.device, self.check_button,
            self.add_device_button, self.room,
            self.duration.minutes, self.duration.timer_button, *self.screening.focus_chain(),
            *self.anaesthetic.focus_chain(),
            *self.areas.focus_chain(), self.patch_button, self.connect_button,
            self.import_button,
            self.course.plan_button,
            *self.reactions.focus_chain(),
            self.notes,
            self.aftercare_button,
            self.complete_button,
        ]

    def _fix_tab_order(self) -> None:
        chain = self.focus_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        self.patient.patient_chosen.connect(self._patient_chosen)
        self.add_device_button.clicked.connect(self._register_device)
        self.check_button.clicked.connect(self.check_device)
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
        self.device.currentIndexChanged.connect(lambda _i: self._look_up_last_settings())
        self.device.currentIndexChanged.connect(lambda _i: self._look_up_device_care())
        for signal in (self.areas.changed, self.anaesthetic.changed, self.reactions.changed,
                       self.screening.changed,
                       self.duration.changed, self.notes.textChanged, self.room.textEdited,
                       self.device.currentIndexChanged):
            signal.connect(self._edited)

    # --- devices --------------------------------------------------------------------------
    def reload_devices(self, select_id: int | None = None, edit: bool = True) -> None:
        """Refresh the device list, choosing ``select_id``; a new choice counts as an edit."""
        self.tasks.read(device_register.list_devices,
                        done=lambda devices: self._show_devices(devices, select_id, edit))

    def _show_devices(self, devices: list[DeviceRow], select_id: int | None,
                      edit: bool = True) -> None:
        before = self.device.currentData()
        current = select_id or before
        self.devices = {device.id: device for device in devices}
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem("Choose the device…", None)
        for device in devices:
            self.device.addItem(device.display_name, device.id)
        index = self.device.findData(current) if current else 0
        self.device.setCurrentIndex(max(0, index))
        self.device.blockSignals(False)
        self._look_up_device_care()  # its warnings, for a device chosen without a signal
        if edit and self.device.currentData() != before:
            self._edited()

    def check_device(self) -> None:
        device = self.devices.get(self.device.currentData())
        if device is None:
            self.device_error.show_problem("Choose the device to check")
            return
        dialog = DeviceCheckDialog(self.tasks, self.actor, device, self)
        dialog.checked.connect(self._device_checked)
        dialog.open()
        self.check_dialog = dialog

    def _rules_read(self, rules: ClinicRules) -> None:
        """The clinic's change limit and default course plan, the same on every PC."""
        self.areas.rules = self.course.rules = rules

    def _look_up_device_care(self) -> None:
        device_id = self.device.currentData()
        self.device_note.hide()
        if device_id is not None:
            self.tasks.read(device_upkeep.device_care, self.actor, device_id,
                            done=self._device_checked)

    def _device_checked(self, care: DeviceCare) -> None:
        """Show the device's warnings; today's logged verification ticks that checklist item."""
        if care.device_id != self.device.currentData():
            return  # another device was chosen since
        warnings = care.warnings()
        self.device_note.setText("\n".join(warnings))
        self.device_note.setVisible(bool(warnings))
        if care.verified_today:
            self.screening.checklist[ChecklistItem.DAILY_VERIFICATION].setChecked(True)

    def _register_device(self) -> None:
        dialog = DeviceDialog(self.tasks, self.actor, self)
        if dialog.exec() and dialog.device is not None:
            self.reload_devices(select_id=dialog.device.id)

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
            device_id=self.device.currentData(),
            room=self.room.text(),
            started_at=self.started_at,
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
        if self.draft_id is not None:
            return  # a draft keeps its patient; see the status line
        self.screening.show_skin_type(patient.fitzpatrick)
        entry, _problems = self.collect()
        self.status.setText(f"Opening a draft for {patient.full_name}…")
        self.tasks.write(session_logging.start_draft, self.actor, patient.id, entry,
                         done=self._draft_started)

    def _draft_started(self, draft: SessionDetail) -> None:
        self.draft_id, self.draft_uuid = draft.summary.id, draft.summary.uuid
        self.draft_patient, self.known_version = draft.patient, draft.version
        self._enable_draft_buttons(True)
        self.started_at = self.started_at or draft.summary.started_at
        self._dirty = False
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
        self.draft_id, self.draft_uuid = draft.summary.id, draft.summary.uuid
        self.draft_patient, self.started_at = draft.patient, draft.summary.started_at
        self.known_version = draft.version
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
        self.reload_devices(select_id=draft.device.id if draft.device else None, edit=False)
        self._look_up_last_settings(draft.device.id if draft.device else None)
        self.course.show_patient(draft.patient.id)
        self._enable_draft_buttons(True)
        self.autosave.stop()
        self._dirty = False
        self._fix_tab_order()
        self.status.setText(f"Recovered the draft for {draft.patient.full_name}; carry on "
                            "where you left off.")

    def _look_up_last_settings(self, device_id: int | None = None) -> None:
        """Start each area from the patient's last signed settings with this device."""
        device_id = device_id or self.device.currentData()
        if self.draft_patient is None or device_id is None:
            self.areas.set_last_settings({})
            return
        self.tasks.read(carried_forward.last_settings, self.draft_patient.id, device_id,
                        self.started_at, done=self.areas.set_last_settings)

    def _show_course(self) -> None:
        on = (self.started_at or datetime.now(UTC)).astimezone().date()
        self.course.show_areas([area.area for area in self.areas.value()[0]], on)

    def _timer_started(self, when: datetime) -> None:
        self.started_at = when
        self._edited()

    def _edited(self, *_args) -> None:
        self._dirty = True
        if self.draft_id is not None:
            self.status.setText("Saving draft…")
            self.autosave.start()

    def save_draft(self) -> None:
        if self.draft_id is None or not self._dirty:
            return
        self._dirty = False
        entry, _problems = self.collect()
        self.tasks.write(self._tracked(session_logging.update_draft), self.actor, self.draft_id,
                         entry, done=self._draft_written, failed=self._save_failed)

    def _tracked(self, operation):
        """``operation`` checked against the version this form last saw, which it then moves
        on; both happen on the worker thread, so queued saves see each other's versions."""
        def run(db, *args):
            detail = operation(db, *args, expected_version=self.known_version)
            self.known_version = detail.version
            return detail
        return run

    def _save_failed(self, error: Exception) -> None:
        """Nothing typed is dropped: the form keeps it and saves it when it can."""
        self._dirty = True
        if isinstance(error, Conflict):
            self.known_version = error.version  # seen now; the next save replaces theirs
            self.general_error.show_problem(str(error))
            self.status.setText("Not saved: see the message in red.")
        elif isinstance(error, DatabaseUnavailable):
            self.status.setText("The database server cannot be reached. Your input stays on "
                                "screen and is saved as soon as the server is back.")
            self.retry.start()
        else:
            self.tasks.report_error(error)

    def import_from_file(self) -> None:
        """Fill the open draft from a device export file, through the import window."""
        if self.draft_id is None:
            return
        self.save_draft()  # queued before the import, so the import sees what is typed
        dialog = ImportDialog(self.tasks, self.actor, self.draft_uuid, self.room.text(), self)
        dialog.imported.connect(lambda _result: self.tasks.read(
            history.load_session, self.draft_id, done=self._filled_by_device))
        dialog.open()
        self.import_dialog = dialog

    def _choose_aftercare_pdf(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, "Aftercare sheet", "aftercare.pdf",
                                                    "PDF documents (*.pdf)")
        if name:
            self.give_aftercare(Path(name))

    def give_aftercare(self, path: Path) -> None:
        """Write the sheet for the areas ticked now, then record it as given."""
        if self.draft_id is None or self.draft_patient is None:
            return
        areas = [area.area for area in self.areas.value()[0]]
        if not areas:
            self.areas.areas_error.show_problem("Tick the areas treated: the sheet is for them")
            return
        try:
            write_aftercare_pdf(aftercare.sheet_for(self.draft_patient.full_name, areas), path)
        except LaserLogError as problem:
            self.general_error.show_problem(str(problem))
            return
        self.save_draft()  # queued first: the record follows what is typed
        self.tasks.write(self._tracked(aftercare.record_given), self.actor, self.draft_id,
                         done=lambda detail: self._aftercare_given(detail, path))

    def _aftercare_given(self, detail: SessionDetail, path: Path) -> None:
        self.filled_note = f"aftercare sheet given ({path.name})"
        self.status.setText(f"Aftercare sheet saved to {path} and recorded as given.")
        self.draft_saved.emit(detail)

    def open_test_patches(self) -> None:
        if self.draft_patient is None:
            return
        dialog = TestPatchDialog(self.tasks, self.actor, self.draft_patient, self.devices,
                                 self.device.currentData(), self)
        dialog.open()
        self.patch_dialog = dialog

    def connect_simulated_device(self) -> None:
        """Take the ticked areas' settings and pulses from the simulated device, live."""
        if self.draft_id is None or self.draft_uuid is None:
            return
        device = self.devices.get(self.device.currentData())
        areas = [a.area for a in self.areas.value()[0] if a.area not in self.areas.locked]
        problems = {}
        if device is None:
            problems["device"] = "Choose the device to connect"
        if not areas:
            problems["areas"] = ("Tick the areas to treat first; the device fills their "
                                 "parameters")
        self.show_problems(problems)
        if problems:
            self.status.setText("Choose the device and tick the areas, then connect.")
            return
        self.save_draft()
        from ui.equipment.live_device_dialog import (
            LiveDeviceDialog,  # pyqtgraph loads only when needed
        )

        dialog = LiveDeviceDialog(self.tasks, self.actor, self.draft_id, self.draft_uuid, device,
                                  areas, self.draft_patient and self.draft_patient.fitzpatrick,
                                  self)
        dialog.recorded.connect(self._connected_device_recorded)
        dialog.open()
        self.live_dialog = dialog

    def _connected_device_recorded(self, draft: SessionDetail) -> None:
        self.connect_button.setEnabled(False)  # one connected recording per session
        self._filled_by_device(draft)

    def _filled_by_device(self, draft: SessionDetail) -> None:
        self.known_version = draft.version
        self.areas.lock_areas(draft.areas)
        if self.duration.minutes.text() == "" and draft.summary.duration_s:
            self.duration.minutes.setText(f"{draft.summary.duration_s / 60:.0f}")
        if draft.device is not None:
            self.reload_devices(select_id=draft.device.id)  # the file named the device
        from_device = sum(a.source not in (None, ParameterSource.MANUAL) for a in draft.areas)
        self.filled_note = f"parameters of {from_device} area(s) filled from the device"
        self.status.setText(self.filled_note[0].upper() + self.filled_note[1:] + ".")
        self._fix_tab_order()
        self.draft_saved.emit(draft)

    def _draft_written(self, draft: SessionDetail) -> None:
        if self.draft_id == draft.summary.id:
            self.general_error.show_problem(None)
            note = f" · {self.filled_note}" if self.filled_note else ""
            self.status.setText(f"Draft saved {datetime.now().strftime('%H:%M:%S')}{note}")
            self.draft_saved.emit(draft)

    # --- completing -----------------------------------------------------------------------
    def complete(self) -> None:
        entry, unreadable = self.collect()
        # Everything wrong is shown at once; the operation checks the same rules again.
        problems = problems_for_completion(entry) | unreadable
        if self.draft_id is None:
            problems["patient"] = "Choose or register the patient first"
        if problems:
            self.show_problems(problems)
            return
        self.autosave.stop()
        self._dirty = False
        self.complete_button.setEnabled(False)
        self.status.setText("Completing…")
        self.tasks.write(self._tracked(session_logging.complete_session), self.actor,
                         self.draft_id, entry, done=self._completed, failed=self._refused)

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
        self.draft_id, self.draft_uuid, self.started_at, self._dirty = None, None, None, False
        self.draft_patient, self.filled_note, self.known_version = None, "", None
        self.retry.stop()
        self._enable_draft_buttons(False)
        self.autosave.stop()
        for section in (self.patient, self.areas, self.screening, self.course,
                        self.anaesthetic, self.reactions, self.duration):
            section.reset()
        self.notes.clear()
        self.show_problems({})
        self.complete_button.setEnabled(True)
        self._dirty = False
        self.patient.search.setFocus()
