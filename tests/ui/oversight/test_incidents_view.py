"""Follow-ups from the session detail and the supervisors' incidents: opened by a serious
reaction, due from the session it happened in, read whole, filed with a report (refused
empty, said next to the field; the list then says it was filed), printed as a PDF with the
session's areas, device, parameters, reaction notes and follow-ups."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from models.clinic import patients
from models.reading import history
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import incidents, session_logging
from tests.entries import CONSENTED_AT, SCREENED, complete, sign_consent
from tests.ui.conftest import RecordedMessages
from ui.oversight.incident_report import incident_document
from ui.oversight.incidents_view import OVERDUE
from ui.shell.main_window import MainWindow


def blistered(database, technician, device, days_ago=0):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="AE-1", full_name="Ada Roth",
                                       date_of_birth=None, fitzpatrick=4)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        entry = SessionInput(device_id=device.id, duration_s=1800, screening=SCREENED,
                             areas=(AreaInput("cheeks", {"fluence_j_cm2": 18.0,
                                                         "wavelength_nm": 1064.0}, 90, 1),),
                             reactions=(ReactionInput("blistering", 3, "left cheek"),),
                             notes="Cooled at once")
        if days_ago:
            entry = replace(entry, started_at=datetime.now(UTC) - timedelta(days=days_ago))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        return complete(db, technician, draft.summary.id, entry)


@pytest.fixture
def incidents_screen(qtbot, database, supervisor):
    main = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    main.tabs.setCurrentWidget(main.incidents)
    yield main.incidents
    main.close()


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def save_as(qtbot, path):
    """Answer the next save dialog with ``path`` (it runs its own event loop, so from a timer)."""
    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.setText(str(path))  # typed, the name's completer would take the Return
        qtbot.keyClick(name, Qt.Key.Key_Return)
    QTimer.singleShot(0, answer)


def test_an_incident_is_read_filed_with_feedback_and_read_again(
        qtbot, database, technician, supervisor, device, incidents_screen):
    done = blistered(database, technician, device)
    view = incidents_screen
    view.refresh()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    assert view.table.item(0, 1).text() == "Ada Roth (AE-1)"
    assert view.table.item(0, 2).text() == "Blistering" and view.table.item(0, 3).text() == "3"
    assert view.table.item(0, 6).text() == "awaiting report"
    assert "1 incident awaits a report; 0 overdue" in view.summary.text()

    click(qtbot, view.read_button)
    qtbot.waitUntil(lambda: view.reader is not None and view.reader.isVisible(),
                    timeout=10_000)
    reader = view.reader
    text = reader.browser.toPlainText()
    assert "No report filed yet" in text and "awaiting its report" in text
    assert "Lumen NdYAG 1064 (SN-77)" in text and "Cheeks" in text
    assert "Fluence 18 J/cm²" in text and "left cheek" in text and "Cooled at once" in text

    click(qtbot, reader.file_button)
    dialog = view.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    click(qtbot, dialog.file_button)  # empty: refused, said next to the field, the dialog stays
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "Write the report" in dialog.error.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.report, "Blister 1 cm; cooled and dressed; review in 3 days")
    click(qtbot, dialog.file_button)
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=10_000)
    assert not dialog.isVisible()
    assert view.message.isVisible()
    assert view.message.text().startswith(
        "Filed incident no. 1 (Blistering, grade 3, Ada Roth (AE-1)) at ")
    assert "by Sam Supervisor; it has left the open list" in view.message.text()
    # the report still open shows what was filed, and can no longer be filed again
    qtbot.waitUntil(lambda: "Blister 1 cm" in reader.browser.toPlainText(), timeout=10_000)
    assert "Filed by\nSam Supervisor" in reader.browser.toPlainText()
    assert not reader.file_button.isVisible()
    reader.close()

    view.show_filed.setChecked(True)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    assert view.table.item(0, 6).text().startswith("filed ")
    assert view.table.item(0, 6).text().endswith(" by Sam Supervisor")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # a filed one opens to read
    qtbot.waitUntil(lambda: view.reader is not reader and view.reader.isVisible(),
                    timeout=10_000)
    text = view.reader.browser.toPlainText()
    assert "Blister 1 cm; cooled and dressed; review in 3 days" in text
    assert "Sam Supervisor" in text and str(done.summary.started_at.year) in text
    view.reader.close()


def test_the_pdf_carries_the_session_and_its_follow_ups(
        qtbot, database, technician, supervisor, device, incidents_screen, tmp_path):
    done = blistered(database, technician, device)
    with database.write() as db:
        incidents.record_follow_up(db, technician, done.summary.id, "blistering", 2,
                                   date.today(), note="healing, no infection")
    view = incidents_screen
    view.refresh()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    pdf = tmp_path / "incident-1.pdf"
    save_as(qtbot, pdf)
    click(qtbot, view.pdf_button)
    qtbot.waitUntil(lambda: "Saved incident report no. 1" in view.message.text(),
                    timeout=10_000)
    assert pdf.read_bytes().startswith(b"%PDF")

    with database.read() as db:
        report = incidents.incident_report(db, supervisor, view.incidents[0].id)
    printed = incident_document(report).toPlainText()  # what the PDF was printed from
    for expected in ("Incident report no. 1", "Ada Roth (AE-1)", "Blistering, grade 3",
                     "Lumen NdYAG 1064 (SN-77)", "Cheeks", "Fluence 18 J/cm²",
                     "Wavelength 1064 nm", "pulses 90", "left cheek", "Cooled at once",
                     "Follow-ups", "healing, no infection", "Tess Tech"):
        assert expected in printed, expected


def test_an_incident_is_due_from_the_session_it_happened_in(
        qtbot, database, technician, supervisor, device, incidents_screen):
    """A grade-3 reaction logged three days late is overdue at once: it was due a day after
    the session, not a day after it was typed in."""
    done = blistered(database, technician, device, days_ago=3)
    view = incidents_screen
    view.refresh()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    assert view.table.item(0, 6).text() == "OVERDUE"
    assert view.table.item(0, 1).foreground() == OVERDUE
    assert "1 incident awaits a report; 1 overdue" in view.summary.text()
    with database.read() as db:
        detail = history.load_session(db, done.summary.id)
    due = view.incidents[0].due_at
    assert due == detail.summary.started_at + timedelta(hours=24)


def test_a_technician_adds_a_follow_up_from_the_session_detail(qtbot, window, database,
                                                                technician, device):
    done = blistered(database, technician, device)
    history_view = window.history
    history_view.open_session_id(done.summary.id)
    qtbot.waitUntil(lambda: history_view.dialog is not None, timeout=10_000)
    assert not hasattr(history_view, "supervisor_actions")
    button = history_view.follow_up.button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = history_view.follow_up.dialog
    assert dialog.kind.currentData() == "blistering"
    dialog.observed_on.setText(f"{date.today() + timedelta(days=3):%Y-%m-%d}")
    dialog.resolved_on.setText("soon")
    dialog.save()
    assert "YYYY-MM-DD" in dialog.errors["resolved_on"].text()
    dialog.resolved_on.clear()
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["observed_on"].isVisible(), timeout=10_000)
    assert dialog.errors["observed_on"].text() == "A follow-up cannot be seen in the future"
    dialog.observed_on.setText(f"{date.today():%Y-%m-%d}")
    dialog.grade.setCurrentIndex(dialog.grade.findData(1))
    qtbot.keyClicks(dialog.note, "healing, no infection")
    dialog.save()
    qtbot.waitUntil(lambda: "healing, no infection" in
                    history_view.dialog.browser.toPlainText(), timeout=10_000)
    with database.read() as db:
        detail = history.load_session(db, done.summary.id)
    assert [(f.kind, f.grade, f.note) for f in detail.follow_ups] == [
        ("blistering", 1, "healing, no infection")]
