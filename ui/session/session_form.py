"""The Log session screen: the draft (``draft_form``) and what fills or accompanies it — a
device export file, the simulated device, the aftercare sheet, test patches."""

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from models.errors import LaserLogError
from models.language import number_text
from models.reading import history
from models.storage.preferences import Settings
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import ParameterSource
from models.workflow import aftercare
from ui.equipment.import_dialog import ImportDialog
from ui.language import tr, trn
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner
from ui.session.aftercare_sheet import write_aftercare_pdf
from ui.session.draft_form import DraftForm
from ui.session.patch_test_dialog import TestPatchDialog
from ui.widgets.file_dialogs import choose_file_to_save


class SessionForm(DraftForm):
    def __init__(self, tasks: TaskRunner, actor: Actor, settings: Settings,
                 messages: Messages, parent: QWidget | None = None) -> None:
        super().__init__(tasks, actor, settings, messages, parent)
        self.import_button.clicked.connect(self.import_from_file)
        self.connect_button.clicked.connect(self.connect_simulated_device)
        self.patch_button.clicked.connect(self.open_test_patches)
        self.aftercare_button.clicked.connect(self._choose_aftercare_pdf)

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
        patient = self.draft.patient
        name = (f"aftercare-{patient.identifier}-{date.today():%Y-%m-%d}.pdf" if patient
                else "aftercare.pdf")  # one file per patient and day: none overwrites another
        path, _filter = choose_file_to_save(self, tr("Aftercare sheet"), name,
                                            tr("PDF documents (*.pdf)"))
        if path is not None:
            self.give_aftercare(path)

    def give_aftercare(self, path: Path) -> None:
        """Write the sheet for the areas ticked now, then record it as given."""
        draft_id, patient = self.draft.id, self.draft.patient
        if draft_id is None or patient is None:
            return
        areas = [area.area for area in self.areas.value()[0]]
        if not areas:
            self.areas.areas_error.show_problem(
                tr("Tick the areas treated: the sheet is for them"))
            return
        try:
            write_aftercare_pdf(aftercare.sheet_for(patient.full_name, areas, self.rules,
                                                    date.today(), self.screening.language()), path)
        except LaserLogError as problem:
            self.general_error.show_problem(str(problem))
            return
        self.save_draft()  # queued first: the record follows what is typed
        self.tasks.run(self.draft.tracked(aftercare.record_given), self.actor, draft_id).then(
            lambda detail: self._aftercare_given(detail, path))

    def _aftercare_given(self, detail: SessionDetail, path: Path) -> None:
        self.draft.filled_note = tr("aftercare sheet given ({file})").format(file=path.name)
        self.status.setText(
            tr("Aftercare sheet saved to {path} and recorded as given.").format(path=path))
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
            problems["device"] = tr("Choose the device to connect")
        if not areas:
            problems["areas"] = tr("Tick the areas to treat first; the device fills their "
                                   "parameters")
        self.show_problems(problems)
        if problems or device is None:  # no device is one of the problems
            self.status.setText(tr("Choose the device and tick the areas, then connect."))
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
            self.duration.minutes.setText(number_text(draft.summary.duration_s / 60))
        if draft.device is not None:
            self.devices.reload(select_id=draft.device.id)  # the file named the device
        from_device = sum(a.source not in (None, ParameterSource.MANUAL) for a in draft.areas)
        self.draft.filled_note = trn("parameters of %n area filled from the device",
                                     "parameters of %n areas filled from the device",
                                     from_device)
        self.status.setText(trn("Parameters of %n area filled from the device.",
                                "Parameters of %n areas filled from the device.", from_device))
        self._fix_tab_order()
        self.draft_saved.emit(draft)

