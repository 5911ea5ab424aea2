"""The technician's loop between two patients, counted: a returning patient, one area with
the settings carried forward, no reaction, no anaesthetic. Real keys and clicks only."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from models.access import accounts
from models.clinic import device_upkeep, patients
from models.reading import history
from models.records.treatment import TreatmentSession
from models.storage.preferences import Settings
from models.values.screening import ChecklistItem, ScreeningInput
from models.values.session_input import AreaInput, SessionInput
from models.values.vocabulary import LogKind
from models.workflow import session_logging
from tests.conftest import ADMIN_PASSWORD
from tests.entries import sign_consent
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow

KEY_BUDGET, CLICK_BUDGET = 12, 8


@pytest.fixture
def returning(database, technician, device):
    """Mia came 30 days ago (neck, 1064 nm, 32 J/cm², 2 passes); the consent she signed on
    screen the day before is on file; today's verification of the room's device is logged."""
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="RT-1",
                                       full_name="Mia Müller", date_of_birth=None,
                                       fitzpatrick=3)
        sign_consent(db, technician, patient.id,
                     signed_at=datetime.now(UTC) - timedelta(days=31))
        entry = SessionInput(
            device_id=device.id, room="Room 4", duration_s=1800, late_reason="from paper",
            started_at=datetime.now(UTC) - timedelta(days=30),
            screening=ScreeningInput(fitzpatrick=3, checklist=frozenset(ChecklistItem)),
            areas=(AreaInput("neck", {"wavelength_nm": 1064.0, "fluence_j_cm2": 32.0},
                             300, 2),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        signature = accounts.confirm_signature(db, technician, ADMIN_PASSWORD)
        session_logging.complete_session(db, technician, draft.summary.id, entry, signature)
        device_upkeep.log_device(db, technician, device.id, LogKind.VERIFICATION_PASSED)
    return patient


@pytest.fixture
def room_window(qtbot, database, technician, device, returning):
    """The room's PC: its device remembered from the last session."""
    main = MainWindow(database, technician,
                      Settings(room="Room 4", autosave_seconds=0.2, last_device_id=device.id),
                      RecordedMessages())
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.activateWindow()
    form = main.form
    qtbot.waitUntil(lambda: form.devices.current_id() == device.id, timeout=10_000)
    qtbot.waitUntil(lambda: form.screening.checklist[ChecklistItem.DAILY_VERIFICATION]
                    .isChecked(), timeout=10_000)
    yield main
    main.close()


class Counted:
    """Keys and clicks as the technician makes them; typed values are not counted."""

    def __init__(self, qtbot):
        self.qtbot, self.keys, self.clicks = qtbot, 0, 0

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier):
        self.keys += 1
        self.qtbot.keyClick(QApplication.focusWidget(), key, modifier)

    def type(self, text):
        self.qtbot.keyClicks(QApplication.focusWidget(), text)

    def click(self, widget, pos=None):
        self.clicks += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton,
                              pos=pos if pos is not None else widget.rect().center())


def signed_session(database):
    with database.read() as db:
        ids = db.scalars(select(TreatmentSession.id).order_by(TreatmentSession.id)).all()
        return history.load_session(db, ids[-1])


def assert_logged_as_carried_forward(database, form):
    detail = signed_session(database)
    assert detail.summary.status == "completed"
    assert detail.patient.identifier == "RT-1" and detail.summary.duration_s == 35 * 60
    assert detail.device is not None and detail.device.serial == "SN-77"  # the room's
    ((area,),) = [detail.areas]
    assert area.area == "neck" and area.settings["fluence_j_cm2"] == 32.0
    assert area.settings["wavelength_nm"] == 1064.0 and area.passes == 2
    assert area.pulses is None  # a count of this session, never carried forward
    assert detail.screening.consent_version == "LST-1"  # the consent on file, no key pressed
    assert detail.screening.consent_id is not None
    assert detail.screening.checklist == frozenset(ChecklistItem)
    assert "Signed at" in form.status.text() and form.draft_id is None


def wait_for_the_draft(qtbot, form):
    """The draft open and the consent on file shown: "consent valid" ticked by the record."""
    qtbot.waitUntil(lambda: form.draft_id is not None
                    and form.screening.checklist[ChecklistItem.CONSENT_VALID].isChecked(),
                    timeout=10_000)


def test_a_returning_patient_takes_at_most_twelve_keys(qtbot, room_window, database):
    form, counted = room_window.form, Counted(qtbot)
    assert QApplication.focusWidget() is form.patient.search
    counted.type("mia")  # part of her name
    qtbot.waitUntil(lambda: form.patient.results.count() == 1, timeout=10_000)
    counted.key(Qt.Key.Key_Return)
    wait_for_the_draft(qtbot, form)
    assert form.screening.fitzpatrick.currentData() == 3  # from her record
    for letter in (Qt.Key.Key_E, Qt.Key.Key_P, Qt.Key.Key_O):  # the checks by hand
        counted.key(letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: all(form.screening.checklist[item].isChecked()
                                for item in ChecklistItem), timeout=10_000)
    counted.key(Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is form.duration.minutes
    counted.type("35")
    counted.key(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is form.areas.areas
    counted.key(Qt.Key.Key_N)  # to "Neck"
    counted.key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: form.areas.rows["neck"].fields["fluence_j_cm2"].text() == "32",
                    timeout=10_000)
    counted.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(form, "signing_dialog", None) is not None
                    and form.signing_dialog.isVisible(), timeout=10_000)
    assert QApplication.focusWidget() is form.signing_dialog.password
    counted.type(ADMIN_PASSWORD)
    counted.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)

    assert counted.keys <= KEY_BUDGET
    assert counted.keys == 10  # the README states the count
    assert_logged_as_carried_forward(database, form)
    assert room_window.focusWidget() is form.patient.search  # ready for the next patient
    qtbot.waitUntil(lambda: form.screening.checklist[ChecklistItem.DAILY_VERIFICATION]
                    .isChecked(), timeout=10_000)  # the device log still ticks it


def test_a_returning_patient_takes_at_most_eight_clicks(qtbot, room_window, database):
    form, counted = room_window.form, Counted(qtbot)
    counted.type("RT-1")
    qtbot.waitUntil(lambda: form.patient.results.isVisible()
                    and form.patient.results.count() == 1, timeout=10_000)
    results = form.patient.results
    counted.click(results.viewport(), results.visualItemRect(results.item(0)).center())
    wait_for_the_draft(qtbot, form)
    for item in (ChecklistItem.SKIN_CLEAN, ChecklistItem.PATIENT_EYEWEAR,
                 ChecklistItem.OPERATOR_EYEWEAR):
        box = form.screening.checklist[item]
        assert not box.visibleRegion().isEmpty(), item  # in sight at 1366×768, no scrolling
        counted.click(box, QPoint(12, box.height() // 2))
    counted.click(form.duration.minutes)
    counted.type("35")
    body = form.areas.body_map
    counted.click(body, body.area_rect("neck").center().toPoint())
    qtbot.waitUntil(lambda: form.areas.rows["neck"].fields["fluence_j_cm2"].text() == "32",
                    timeout=10_000)
    counted.click(form.complete_button)
    qtbot.waitUntil(lambda: getattr(form, "signing_dialog", None) is not None
                    and form.signing_dialog.isVisible(), timeout=10_000)
    counted.type(ADMIN_PASSWORD)
    counted.click(form.signing_dialog.sign_button)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)

    assert counted.clicks <= CLICK_BUDGET
    assert counted.keys == 0
    assert_logged_as_carried_forward(database, form)
