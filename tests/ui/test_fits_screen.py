"""Everything LaserLog shows fits a treatment room's 1366×768 screen: each role's main window
at that size scrolls nowhere sideways and needs no more width, and every dialog the app
opens is no larger than the screen."""

import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

import ui
from models.clinic import clinic_settings, device_register
from models.reading import history
from models.values.rows import IncidentRow
from models.workflow import import_recording, session_logging
from tests.ui import screens
from tests.ui.conftest import RecordedMessages
from ui.services.tasks import TaskRunner

SCREEN = screens.SMALL_SCREEN
ROLE_TABS = {
    "technician": ("Log session", "History", "Courses due"),
    "supervisor": ("Review queue", "Incidents", "History", "Courses due", "Charts"),
    "admin": ("Administration",),
}


@pytest.fixture
def database_url(tmp_path):
    """Layout does not depend on the database: SQLite only, for speed."""
    from models.storage import schema
    from models.storage.database import open_database

    url = f"sqlite:///{tmp_path / 'laserlog.db'}"
    database = open_database(url)
    schema.upgrade(database)
    database.dispose()
    return url


@pytest.mark.parametrize(("role", "tab"), [
    pytest.param(role, tab, id=f"{role}-{tab}") for role, tabs in ROLE_TABS.items()
    for tab in tabs])
def test_each_screen_fits_1366_by_768(qtbot, database, role, tab):
    screens.demo_clinic(database)
    window = screens.demo_window(qtbot, database, role)
    assert window.size() == SCREEN  # nothing in it needs a larger window
    shown = dict(screens.tabs(qtbot, window))
    assert set(shown) == set(ROLE_TABS[role])
    window.tabs.setCurrentWidget(shown[tab])
    screens.settle(qtbot, window)
    assert screens.wider_than(shown[tab], SCREEN.width()) == []
    window.close()


# --- every dialog ---------------------------------------------------------------------------
NOT_OPENED_AS_IS = {  # bases of the dialogs below: each is measured through its subclasses
    "ui.widgets.form_dialog.FormDialog", "ui.widgets.account_dialog.AccountDialog",
    "ui.admin.account_dialogs.AccountChangeDialog"}


def dialog_classes() -> dict[str, type[QDialog]]:
    """Every QDialog subclass defined in the app's GUI (not the benchmarks or command line)."""
    found = {}
    for module_info in pkgutil.walk_packages(ui.__path__, "ui."):
        if module_info.name.startswith(("ui.bench", "ui.command_line")):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, QDialog)
                    and value.__module__ == module.__name__):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return {name: cls for name, cls in found.items() if name not in NOT_OPENED_AS_IS}


@pytest.fixture
def clinic(qtbot, database):
    """What the dialogs are opened on: the demo clinic, its people, a session with traces."""
    from devices.simulated.demo_clinic import DEMO_PASSWORD
    from models.access import accounts

    screens.demo_clinic(database)
    messages = RecordedMessages()
    tasks = TaskRunner(database, lambda error: messages.error(None, str(error)))
    people = {role: accounts.sign_in(database, user, DEMO_PASSWORD)
              for role, user in screens.DEMO_USERS.items()}
    with database.read() as db:
        rows = history.list_sessions(db, None, limit=50).rows
        session_id = next(r.id for r in rows if import_recording.load_traces(db, r.id))
        detail = history.load_session(db, session_id)
        traces = import_recording.load_traces(db, session_id)
        devices = device_register.list_devices(db)
        rules = clinic_settings.rules(db)
    with database.write() as db:
        draft = session_logging.create_draft(db, people["technician"], detail.patient.id)
    yield SimpleNamespace(database=database, tasks=tasks, detail=detail, traces=traces,
                          devices=devices, rules=rules, draft=draft, **people)
    tasks.shutdown()
    assert messages.shown == []


def _incident(c) -> IncidentRow:
    s = c.detail.summary
    return IncidentRow(id=1, session_id=s.id, patient=c.detail.patient.full_name,
                       technician=s.technician, session_started_at=s.started_at,
                       kind="blistering", grade=3, opened_at=s.started_at,
                       due_at=s.started_at, filed_at=None, filed_by=None, report="")


def _user(c):
    from models.access.accounts import UserRow

    return UserRow("demo.tech1", "Carmen Ortiz", "technician", True, 0, None)


def _session_detail(c):
    from ui.records.session_detail import SessionDetailDialog
    from ui.records.supervisor_actions import SupervisorActions

    actions = SupervisorActions(c.tasks, c.supervisor, c.detail, RecordedMessages())
    return SessionDetailDialog(c.detail, c.traces, None, actions)


def _amend_dialog(c):
    """Every field of a session a device's import filled, as an amendment opens it."""
    from models.review import supervision
    from ui.records.amend_dialog import AmendDialog

    with c.database.read() as db:
        start = supervision.amendment_start(db, c.supervisor, c.detail.summary.id)
    return AmendDialog(c.tasks, c.supervisor, start)


def _session(module: str):
    return importlib.import_module(f"ui.session.{module}")


def _consent_dialog(c):
    """The consent form in force (the demo's own wording, the longest part of the dialog), for
    the demo patient to sign."""
    from models.clinic import consent_forms

    with c.database.read() as db:
        document = consent_forms.in_force(db)
    return _session("consent_dialog").ConsentDialog(c.tasks, c.technician, c.detail.patient,
                                                    document)


def _void_photo_dialog(c):
    """Void a photo of the demo session (the dialog reads nothing of it but its id)."""
    from models.workflow.session_photos import PhotoRow

    s = c.detail.summary
    photo = PhotoRow(1, s.id, c.detail.patient.id, c.detail.areas[0].area, "before", "front",
                     s.started_at, 1600, 1200, "0" * 64, "file", s.technician, s.started_at)
    return importlib.import_module("ui.records.photo_compare").VoidPhotoDialog(
        c.tasks, c.supervisor, photo)


def _demo_photo(c):
    """The demo's first photo, as the session detail lists it."""
    from sqlalchemy import select

    from models.records.photos import SessionPhoto
    from models.workflow import session_photos

    with c.database.read() as db:
        session_id = db.scalars(select(SessionPhoto.session_id).limit(1)).one()
        return session_photos.session_photos(db, c.supervisor, session_id)[0]


def _factories():
    """How to open each dialog (as the app does, on the demo clinic), by its full name."""
    from models.storage.preferences import Settings
    from models.workflow.incidents import IncidentReport
    from ui.admin import (
        account_dialogs,
        device_edit_dialog,
        restore_dialog,
        retire_dialog,
        staff_dialogs,
    )
    from ui.equipment import (
        device_check_dialog,
        device_dialog,
        import_dialog,
        live_device_dialog,
    )
    from ui.oversight import audit_viewer, incident_dialog, incident_filing
    from ui.records import follow_up_dialog, supervisor_actions
    from ui.shell import database_dialog, language_dialog, open_drafts_dialog, sign_in_dialogs
    from ui.widgets import file_dialogs

    return {
        "ui.admin.account_dialogs.AddUserDialog":
            lambda c: account_dialogs.AddUserDialog(c.tasks, c.admin),
        "ui.admin.account_dialogs.ResetPasswordDialog":
            lambda c: account_dialogs.ResetPasswordDialog(c.tasks, c.admin, _user(c)),
        "ui.admin.account_dialogs.RoleDialog":
            lambda c: account_dialogs.RoleDialog(c.tasks, c.admin, _user(c)),
        "ui.admin.consent_forms_panel.ConsentVersionDialog":
            lambda c: importlib.import_module("ui.admin.consent_forms_panel")
            .ConsentVersionDialog(c.tasks, c.admin),
        "ui.admin.photo_poses_panel.PosesDialog":
            lambda c: importlib.import_module("ui.admin.photo_poses_panel").PosesDialog(
                c.tasks, c.admin, importlib.import_module("models.clinic.photo_poses")
                .AreaPoses("periorbital", ("front, eyes open",) * 12, True)),
        "ui.admin.device_edit_dialog.DeviceEditDialog":
            lambda c: device_edit_dialog.DeviceEditDialog(c.tasks, c.admin, c.devices[0]),
        "ui.admin.restore_dialog.RestoreDialog":
            lambda c: restore_dialog.RestoreDialog(c.tasks, c.admin),
        "ui.admin.retire_dialog.RetireDialog":
            lambda c: retire_dialog.RetireDialog(
                c.tasks, c.devices[0].display_name, "It is no longer offered for new "
                "sessions and stays in the register and in every session logged with it.",
                (device_register.retire_device, (c.admin, c.devices[0].id))),
        "ui.admin.staff_dialogs.CertificationDialog":
            lambda c: staff_dialogs.CertificationDialog(c.tasks, c.admin, "demo.tech1"),
        "ui.admin.staff_dialogs.TipDialog":
            lambda c: staff_dialogs.TipDialog(c.tasks, c.admin, c.devices),
        "ui.admin.staff_dialogs.TestPatchRuleDialog":
            lambda c: staff_dialogs.TestPatchRuleDialog(c.tasks, c.admin, c.devices),
        "ui.admin.staff_dialogs.ClinicSettingsDialog":
            lambda c: staff_dialogs.ClinicSettingsDialog(c.tasks, c.admin, c.rules),
        "ui.equipment.device_check_dialog.DeviceCheckDialog":
            lambda c: device_check_dialog.DeviceCheckDialog(c.tasks, c.technician,
                                                            c.devices[0]),
        "ui.equipment.device_dialog.DeviceDialog":
            lambda c: device_dialog.DeviceDialog(c.tasks, c.admin),
        "ui.equipment.import_dialog.ImportDialog":
            lambda c: import_dialog.ImportDialog(c.tasks, c.technician, room="Room 1"),
        "ui.equipment.live_device_dialog.LiveDeviceDialog":
            lambda c: live_device_dialog.LiveDeviceDialog(
                c.tasks, c.technician, c.draft.summary.id, c.draft.summary.uuid,
                c.devices[0], ["neck", "cheeks"], 3),
        "ui.oversight.audit_viewer.AuditViewer":
            lambda c: audit_viewer.AuditViewer(c.tasks, c.supervisor),
        "ui.oversight.incident_dialog.IncidentDialog":
            lambda c: incident_dialog.IncidentDialog(IncidentReport(_incident(c), c.detail)),
        "ui.oversight.incident_filing.FileIncidentDialog":
            lambda c: incident_filing.FileIncidentDialog(c.tasks, c.supervisor, _incident(c)),
        "ui.records.follow_up_dialog.FollowUpDialog":
            lambda c: follow_up_dialog.FollowUpDialog(c.tasks, c.supervisor, c.detail),
        "ui.records.session_detail.SessionDetailDialog": _session_detail,
        "ui.records.supervisor_actions.ReasonDialog":
            lambda c: supervisor_actions.ReasonDialog("Void the session"),
        "ui.records.amend_dialog.AmendDialog": _amend_dialog,
        "ui.records.photo_compare.PhotoCompareDialog":
            lambda c: importlib.import_module("ui.records.photo_compare").PhotoCompareDialog(
                c.tasks, c.supervisor, c.detail.patient.id, c.detail.areas[0].area, "front"),
        "ui.records.photo_compare.VoidPhotoDialog": _void_photo_dialog,
        "ui.widgets.photo_view.PhotoViewDialog":
            lambda c: importlib.import_module("ui.widgets.photo_view").PhotoViewDialog(
                c.tasks, c.supervisor, _demo_photo(c)),
        "ui.widgets.file_dialogs.PhotoFileDialog":
            lambda c: file_dialogs.PhotoFileDialog(None, "Add photos", Path.home(),
                                                   "Photos (*.jpg)"),
        # The Log session screen's dialogs, looked up when opened (that screen is changing).
        "ui.session.consent_dialog.ConsentDialog": _consent_dialog,
        "ui.session.course_panel.CoursePlanDialog":
            lambda c: _session("course_panel").CoursePlanDialog(
                c.tasks, c.technician, c.detail.patient.id, ["neck", "cheeks"], {}, c.rules),
        "ui.session.patch_test_dialog.TestPatchDialog":
            lambda c: _session("patch_test_dialog").TestPatchDialog(
                c.tasks, c.technician, c.detail.patient, {d.id: d for d in c.devices},
                c.devices[0].id),
        "ui.session.patient_picker.NewPatientDialog":
            lambda c: _session("patient_picker").NewPatientDialog(c.tasks, c.technician),
        "ui.session.signing_dialog.SigningDialog":
            lambda c: _session("signing_dialog").SigningDialog(
                c.tasks, c.technician, "<p>The session as it will be signed.</p>"),
        "ui.shell.database_dialog.DatabaseDialog":
            lambda c: database_dialog.DatabaseDialog(
                "The database cannot be opened: it is on a server that does not answer.",
                "postgresql+psycopg://laserlog@server/laserlog"),
        "ui.shell.language_dialog.LanguageDialog":
            lambda c: language_dialog.LanguageDialog(Settings(room="Room 1")),
        "ui.shell.open_drafts_dialog.OpenDraftsDialog":
            lambda c: open_drafts_dialog.OpenDraftsDialog(c.tasks, c.technician, [c.draft]),
        "ui.shell.sign_in_dialogs.FirstAdminDialog":
            lambda c: sign_in_dialogs.FirstAdminDialog(c.database),
        "ui.shell.sign_in_dialogs.LoginDialog":
            lambda c: sign_in_dialogs.LoginDialog(c.database),
        "ui.widgets.file_dialogs.SafeFileDialog":
            lambda c: file_dialogs.SafeFileDialog(None, "Export sessions", Path.home(),
                                                  "CSV (*.csv)", QFileDialog.Option(0)),
    }


def test_every_dialog_class_is_measured():
    assert set(dialog_classes()) <= set(_factories()), "add a factory for each new dialog"


def opened_dialog(qtbot, clinic, name: str) -> QDialog:
    """The dialog ``name`` opened as the app opens it, on the demo clinic, with what it reads
    when it opens shown."""
    dialog = _factories()[name](clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    clinic.tasks.shutdown(10_000)
    return dialog


@pytest.mark.parametrize("name", sorted(dialog_classes()))
def test_each_dialog_opens_within_1366_by_768(qtbot, clinic, name):
    dialog = opened_dialog(qtbot, clinic, name)
    size = dialog.frameGeometry().size()
    assert size.width() <= SCREEN.width() and size.height() <= SCREEN.height(), size
    needed = dialog.minimumSizeHint()
    assert needed.width() <= SCREEN.width() and needed.height() <= SCREEN.height(), needed
    dialog.reject()
