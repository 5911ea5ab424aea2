import pytest

from models.clinic import device_register
from models.storage.preferences import Settings
from ui.shell.app import make_application
from ui.shell.main_window import MainWindow


class RecordedMessages:
    """Stands in for message boxes: records what the user would have been shown."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def error(self, parent, text: str) -> None:
        self.shown.append(text)

    info = error

    def confirm(self, parent, text: str) -> bool:
        self.shown.append(text)
        return True


def clinic_with_a_draft(database):
    """A database with staff, a device and a patient whose draft Tess has started: the
    window opened on it recovers that draft. Returns (Tess, the draft)."""
    from models.access import accounts
    from models.clinic import patients
    from models.workflow import session_logging
    from tests.conftest import ADMIN_PASSWORD

    with database.write() as db:
        admin = accounts.create_user(db, username="admin", full_name="Ada", role="admin",
                                     password=ADMIN_PASSWORD, created_by=None)
        tech = accounts.create_user(db, username="tess", full_name="Tess Tech",
                                    role="technician", password=ADMIN_PASSWORD,
                                    created_by=admin)
        device_register.add_device(db, admin, make="Acme", model="O", serial="O-1",
                                   kind="laser")
        patient = patients.add_patient(db, tech, identifier="O-1", full_name="Olga",
                                       date_of_birth=None, fitzpatrick=2)
        return tech, session_logging.start_draft(db, tech, patient.id)


def resume_offered_draft(qtbot, window) -> None:
    """Answer the Unfinished sessions dialog a window opened on drafts shows, as a technician
    does: Enter resumes the draft saved most recently (the first in the list)."""
    from PySide6.QtCore import Qt

    from ui.shell.open_drafts_dialog import OpenDraftsDialog

    qtbot.waitUntil(lambda: isinstance(getattr(window, "drafts_dialog", None), OpenDraftsDialog)
                    and window.drafts_dialog.isVisible(), timeout=10_000)
    qtbot.keyClick(window.drafts_dialog.table, Qt.Key.Key_Return)


@pytest.fixture(scope="session")
def qapp(qapp_args):
    """Every GUI test runs in the application as LaserLog makes it (``make_application``: its
    style sheet and the wheel guard), not in pytest-qt's bare QApplication."""
    return make_application()


@pytest.fixture
def device(database, admin):
    with database.write() as s:
        return device_register.add_device(
            s, admin, make="Lumen", model="NdYAG 1064", serial="SN-77", kind="laser"
        )


@pytest.fixture
def window(qtbot, database, technician, device):
    messages = RecordedMessages()
    main = MainWindow(database, technician, Settings(room="Room 4", autosave_seconds=0.2),
                      messages)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.form.device.count() == 2, timeout=10_000)
    yield main
    main.close()
    assert messages.shown == [] or main.property("expect_messages")
