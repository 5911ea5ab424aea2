"""The Log session screen's draft: opened, saved as it is typed, completed and signed.

Its widgets and their order are in ``form_layout``; the draft's state in ``draft_state``;
what devices, the aftercare sheet and test patches add to an open draft in ``session_form``.

A draft is opened as soon as the patient is chosen and saved a moment after every edit, so
a crash loses at most the last seconds of typing. Complete signs the session.
"""

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QWidget,
)

from models.clinic import clinic_settings, consent_forms, device_register
from models.clinic.clinic_settings import ClinicRules
from models.clinic.consent_forms import ConsentDocumentRow, SignedConsentRow
from models.errors import (
    Conflict,
    DatabaseUnavailable,
    LaserLogError,
    StorageFull,
    StorageReadOnly,
    ValidationFailed,
)
from models.language import datetime_text, language_name, short_number_text
from models.storage.preferences import Settings
from models.values.rows import Actor, ConsentOnFile, PatientRow, SessionDetail, Signature
from models.values.screening import ScreeningInput
from models.values.session_input import SessionInput, problems_for_completion
from models.workflow import carried_forward, session_logging, session_photos
from ui.language import tr, trn
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.session.consent_dialog import ConsentDialog
from ui.session.draft_state import DraftState
from ui.session.form_layout import SessionFormLayout
from ui.session.patient_picker import describe_patient
from ui.session.problem_tracking import StandingProblems
from ui.session.signing_dialog import SigningDialog, signing_summary
from ui.widgets.file_dialogs import choose_file_to_save
from ui.widgets.pdf_writer import write_consent_pdf


class DraftForm(SessionFormLayout):
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
        self.problems = StandingProblems()
        self.rules = ClinicRules()  # until the clinic's are read
        self.consent_dialog: ConsentDialog | None = None  # the last one opened
        self._connect()
        self.autosave = QTimer(self, singleShot=True,
                               interval=int(settings.autosave_seconds * 1000))
        self.autosave.timeout.connect(self.save_draft)
        self.retry = QTimer(self, singleShot=True, interval=3000)  # when the server is gone
        self.retry.timeout.connect(self.save_draft)
        if settings.last_device_id is not None:  # this room's device, as this PC last used
            self.devices.reload(select_id=settings.last_device_id)
        else:  # or as the room's last signed session used it
            self.tasks.read(device_register.last_device_in_room, settings.room).then(
                lambda device_id: self.devices.reload(select_id=device_id))
        self.tasks.read(clinic_settings.rules).then(self._rules_read)

    @property
    def draft_id(self) -> int | None:
        """The open draft's id (None when the form is empty)."""
        return self.draft.id

    def _connect(self) -> None:
        self.patient.patient_chosen.connect(self._patient_chosen)
        self.complete_button.clicked.connect(self.complete)
        for shortcut in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(shortcut), self, self.complete,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.areas.changed.connect(self._fix_tab_order)
        self.areas.changed.connect(self._show_course)
        self.areas.changed.connect(lambda: self.photos.show_areas(list(self.areas.rows)))
        self.photos.photos_changed.connect(self._recheck)
        self.photos.photos_changed.connect(self._look_up_portrait)  # one taken out, maybe
        self.photos.portrait_chosen.connect(self._look_up_portrait)
        self.course.loaded.connect(lambda found: self.areas.show_treated_before(
            {area: f"{row.done}/{row.planned_sessions}" for area, row in found.items()}))
        self.duration.timer_started.connect(self._timer_started)
        self.devices.chosen.connect(self._look_up_last_settings)
        self.devices.verified_today.connect(self.screening.show_verified)
        self.screening.sign_consent_requested.connect(self.sign_consent)
        self.screening.print_consent_requested.connect(self.print_consent)
        for signal in (self.areas.changed, self.anaesthetic.changed, self.reactions.changed,
                       self.screening.changed, self.start.changed,
                       self.duration.changed, self.notes.textChanged, self.room.textEdited,
                       self.devices.chosen):
            signal.connect(self._edited)

    def _rules_read(self, rules: ClinicRules) -> None:
        """The clinic's limits, course plan and consent rules, the same on every PC."""
        self.rules = rules
        self.areas.rules = self.course.rules = self.screening.rules = self.start.rules = rules

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
        try:
            started_at = self.start.value() or self.draft.started_at
        except ValueError as problem:
            started_at, problems["started_at"] = self.draft.started_at, str(problem)
        entry = SessionInput(
            device_id=self.devices.current_id(),
            room=self.room.text(),
            started_at=started_at,
            late_reason=self.start.late_reason.text(),
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
        """Open (or resume) the chosen patient's draft. Another patient chosen while a draft
        is open: that draft is saved and kept, and the form starts over for this one, so
        nothing typed for one patient is ever signed for another."""
        self.general_error.show_problem(None)
        if self.draft.is_open:
            previous = self.draft.patient
            if previous is not None and previous.id == patient.id:
                return
            self.save_draft()
            self.reset()
            self.patient.show_patient(patient)
        self.screening.follow_record(patient.fitzpatrick)
        entry, _problems = self.collect()
        self.status.setText(tr("Opening a draft for {name}…").format(name=patient.full_name))
        asked = datetime.now(UTC)
        self.tasks.write(session_logging.start_draft, self.actor, patient.id, entry).then(
            lambda draft: self._draft_started(draft, asked))

    def _draft_started(self, draft: SessionDetail, asked: datetime) -> None:
        if draft.summary.started_at < asked - timedelta(seconds=5):
            self.resume_draft(draft)  # one draft per patient: theirs was open already
            return
        self._look_up_consent(draft.patient.id)
        self.draft.open(draft)
        self.photos.show_draft(draft.summary.id, draft.patient.id)
        self._look_up_portrait()
        self.start.show_start(draft.summary.started_at)
        self._enable_draft_buttons(True)
        self._look_up_last_settings()
        self.course.show_patient(draft.patient.id)
        self.status.setText(tr("Draft for {name} saved {time}").format(
            name=draft.patient.full_name, time=datetime.now().strftime("%H:%M:%S")))
        self.draft_saved.emit(draft)

    def _look_up_portrait(self) -> None:
        if self.draft.patient is not None:
            self.tasks.read(session_photos.portrait_of, self.actor,
                            self.draft.patient.id).then(self.patient.show_portrait)

    def _look_up_consent(self, patient_id: int) -> None:
        self.tasks.read(consent_forms.consent_on_file, patient_id, date.today()).then(
            self.screening.show_consent_on_file)

    def sign_consent(self) -> None:
        """The consent form in force, for the patient to read and sign on screen."""
        patient = self.draft.patient
        if patient is None:
            return
        self.tasks.read(consent_forms.in_force, self.screening.language()).then(
            lambda document: self._open_consent(patient, document))

    def _open_consent(self, patient: PatientRow, document: ConsentDocumentRow | None) -> None:
        if document is None:
            self.screening.consent_error.show_problem(
                tr("The clinic has no consent form in {language} in force: an administrator "
                   "adds one, or choose another of the patient's languages").format(
                    language=language_name(self.screening.language())))
            return
        if self.consent_dialog is not None:
            self.consent_dialog.deleteLater()  # the last one: one kept at a time
        dialog = ConsentDialog(self.tasks, self.actor, patient, document, self)
        dialog.signed.connect(self._consent_signed)
        dialog.open()
        self.consent_dialog = dialog

    def print_consent(self, consent_id: int) -> None:
        """The consent on file as a PDF, with the signature as drawn."""
        patient = self.draft.patient
        if patient is None:
            return
        self.tasks.read(consent_forms.signed_consent, self.actor, consent_id).then(
            lambda consent: self._save_consent(patient, consent))

    def _save_consent(self, patient: PatientRow, consent: SignedConsentRow) -> None:
        name = f"consent-{patient.identifier}-{consent.signed_at.astimezone():%Y-%m-%d}.pdf"
        path, _filter = choose_file_to_save(self, tr("Signed consent"), name,
                                            tr("PDF documents (*.pdf)"))
        if path is None:
            return
        try:
            write_consent_pdf(consent, f"{patient.full_name} ({patient.identifier})", path)
        except LaserLogError as error:
            self.status.setText(tr("Not saved: {error}").format(error=error))
            return
        self.status.setText(tr("Saved the signed consent as {file}").format(file=path.name))

    def _consent_signed(self, on_file: ConsentOnFile) -> None:
        self.screening.show_consent_on_file(on_file)
        self.status.setText(tr("Consent signed by {name} and kept.").format(
            name=on_file.signer_name))

    def _enable_draft_buttons(self, enabled: bool) -> None:
        """The buttons that work on the open draft."""
        for button in (self.import_button, self.connect_button, self.patch_button,
                       self.aftercare_button):
            button.setEnabled(enabled)

    def resume_draft(self, draft: SessionDetail) -> None:
        """Put a saved draft back on the form, as it was last saved, to carry on with it."""
        self.reset()
        self.draft.open(draft)
        self.photos.show_draft(draft.summary.id, draft.patient.id)
        self._look_up_portrait()
        self.patient.show_patient(draft.patient)
        self.room.setText(draft.room)
        self.start.show_start(draft.summary.started_at)
        self.start.late_reason.setText(draft.late_reason)
        self.screening.recorded_skin = draft.patient.fitzpatrick
        self._look_up_consent(draft.patient.id)
        if draft.summary.duration_s is not None:
            self.duration.minutes.setText(short_number_text(draft.summary.duration_s / 60))
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
        self.status.setText(tr("Recovered the draft for {name}; carry on where you left "
                               "off.").format(name=draft.patient.full_name))

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
        self.start.show_start(when)
        self._edited()

    def _edited(self, *_args: object) -> None:
        if self.draft.edited():
            self.status.setText(tr("Saving draft…"))
            self.autosave.start()
        self._recheck()

    def _recheck(self) -> None:
        """Messages follow the fields as they change: what cannot be read shows at once; once
        Complete has been tried, what stops completion shows, changes and clears too."""
        entry, unreadable = self.collect()
        self.show_problems(self.problems.now(entry, unreadable), count=self.problems.tried)

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
            self.status.setText(tr("Not saved: see the message in red."))
        elif isinstance(error, StorageFull | StorageReadOnly):
            self.status.setText(tr("Not saved yet: {error}. Your input stays on screen; saving "
                                   "is tried again every few seconds.").format(error=error))
            self.retry.start()
        elif isinstance(error, DatabaseUnavailable):
            self.status.setText(tr("The database server cannot be reached. Your input stays "
                                   "on screen and is saved as soon as the server is back."))
            self.retry.start()
        else:
            self.tasks.report_error(error)

    def _draft_written(self, draft: SessionDetail) -> None:
        if self.draft.id == draft.summary.id:
            self.general_error.show_problem(None)
            note = f" · {self.draft.filled_note}" if self.draft.filled_note else ""
            self.status.setText(tr("Draft saved {time}").format(
                time=datetime.now().strftime("%H:%M:%S")) + note)
            self.draft_saved.emit(draft)

    # --- completing -----------------------------------------------------------------------
    def complete(self) -> None:
        """Check what is on screen, then what the database knows (a test patch, a change of
        settings, the certification), and only then show what is signed and ask for the
        password: the password is never asked for a session that would be refused."""
        entry, unreadable = self.collect()
        # Everything wrong is shown at once; the operation checks the same rules again.
        self.problems.tried = True
        problems = problems_for_completion(entry) | unreadable
        draft_id = self.draft.id
        if draft_id is None:
            problems["patient"] = tr("Choose or register the patient first")
        self.show_problems(problems)
        if problems or draft_id is None:
            return
        self.problems.sent(entry)
        self.tasks.read(session_logging.completion_problems, self.actor, draft_id, entry).then(
            lambda found: self._checked(entry, found))

    def _checked(self, entry: SessionInput, problems: dict[str, str]) -> None:
        patient = self.draft.patient
        if problems or patient is None:
            self.problems.refused(problems)
            self.show_problems(problems)
            return
        device = self.devices.current()
        warnings = [*self.devices.note.text().splitlines(),
                    *filter(None, [self.screening.skin_note.text()])]
        dialog = SigningDialog(self.tasks, self.actor, signing_summary(
            patient, entry, device.display_name if device else "", warnings,
            self.actor.full_name), self)
        dialog.signed.connect(self._sign)
        dialog.failed.connect(self._refused)
        dialog.open()
        self.signing_dialog = dialog

    def _sign(self, signature: Signature) -> None:
        """Complete with the signature: what is on screen is saved as it is signed."""
        draft_id = self.draft.id
        if draft_id is None:
            return
        entry, _unreadable = self.collect()
        self.autosave.stop()
        self.draft.take_edits()  # the completion saves them
        self.complete_button.setEnabled(False)
        self.status.setText(tr("Signing…"))
        self.problems.sent(entry)
        self.tasks.run(self.draft.tracked(session_logging.complete_session), self.actor,
                       draft_id, entry, signature).then(self._completed, self._refused)

    def _refused(self, error: Exception) -> None:
        self.complete_button.setEnabled(True)
        self.status.setText(tr("Not completed: see the messages in red."))
        if isinstance(error, ValidationFailed):
            self.problems.refused(error.problems)
            self.show_problems(error.problems)
        elif isinstance(error, Conflict | DatabaseUnavailable):
            self._save_failed(error)
            self.general_error.show_problem(str(error))
        else:
            self.general_error.show_problem(str(error))
            self.tasks.report_error(error)

    def show_problems(self, problems: dict[str, str], count: bool = True) -> None:
        """Put each problem next to its field; anything without a field goes at the bottom."""
        shown = (self.areas.show_problems(problems) | self.anaesthetic.show_problems(problems)
                 | self.screening.show_problems(problems))
        for key, error in (("device", self.device_error), ("duration", self.duration_error),
                           ("started_at", self.start.error),
                           ("late_reason", self.start.reason_error)):
            error.show_problem(problems.get(key))
            shown.add(key)
        rest = [text for key, text in problems.items() if key not in shown]
        self.general_error.show_problem(" · ".join(rest) if rest else None)
        if problems and count:
            self.status.setText(trn("%n thing to correct before completing.",
                                    "%n things to correct before completing.", len(problems)))

    def _completed(self, detail: SessionDetail) -> None:
        if detail.device is not None and detail.device.id != self.settings.last_device_id:
            self.settings.last_device_id = detail.device.id  # this room's device, next time
            self.settings.save()
        self.reset()
        self.scroll_to_top()
        signed = (detail.completed_at or datetime.now(UTC)).astimezone()
        self.status.setText(tr("Signed at {time}: {name} ({identifier}). Ready for the next "
                               "patient.").format(time=f"{signed:%H:%M:%S}",
                                                  name=detail.patient.full_name,
                                                  identifier=detail.patient.identifier))
        self.status.setToolTip(tr("{patient}, started {moment}").format(
            patient=describe_patient(detail.patient),
            moment=datetime_text(detail.summary.started_at)))
        self.session_completed.emit(detail)

    def reset(self) -> None:
        """Empty the form for the next session (the device and room stay)."""
        self.draft.close()
        self.retry.stop()
        self._enable_draft_buttons(False)
        self.autosave.stop()
        for section in (self.patient, self.areas, self.screening, self.course,
                        self.anaesthetic, self.reactions, self.duration, self.start,
                        self.photos):
            section.reset()
        self.notes.clear()
        self.devices.look_up_care()  # the device stays: its log ticks the next checklist too
        self.problems = StandingProblems()
        self.show_problems({})
        self.complete_button.setEnabled(True)
        self.draft.dirty = False  # clearing the fields is no edit
        self.patient.search.setFocus()
