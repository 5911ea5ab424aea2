"""Follow-ups from the session detail and the supervisors' incidents: opened by a serious
reaction, filed with a report (refused empty, said next to the field), printed as a PDF."""

from datetime import date, timedelta

from PySide6.QtCore import Qt

from models.clinic import patients
from models.reading import history
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import incidents, session_logging
from tests.entries import SCREENED, complete
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow


def blistered(database, technician, device):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="AE-1", full_name="Ada Roth",
                                       date_of_birth=None, fitzpatrick=4)
        entry = SessionInput(device_id=device.id, duration_s=1800, screening=SCREENED,
                             areas=(AreaInput("cheeks", {"fluence_j_cm2": 18.0}, 90, 1),),
                             reactions=(ReactionInput("blistering", 3, "left cheek"),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        return complete(db, technician, draft.summary.id, entry)


def test_a_supervisor_files_the_incident_and_prints_it(qtbot, database, technician,
                                                        supervisor, device, tmp_path):
    blistered(database, technician, device)
    main = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    view = main.incidents
    main.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    assert view.table.item(0, 1).text() == "Ada Roth (AE-1)"
    assert view.table.item(0, 2).text() == "Blistering" and view.table.item(0, 3).text() == "3"
    assert view.table.item(0, 6).text() == "awaiting report"
    assert "1 incident(s) await a report; 0 overdue" in view.summary.text()

    pdf = tmp_path / "incident.pdf"
    view.save_pdf(view.selected(), pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    view.table.setFocus()
    qtbot.mouseClick(view.file_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    dialog.save()  # empty: refused, said next to the field, the dialog stays
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "Write the report" in dialog.error.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.report, "Blister 1 cm; cooled and dressed; review in 3 days")
    dialog.save()
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=10_000)
    view.show_filed.setChecked(True)
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    assert view.table.item(0, 6).text().startswith("filed ")
    with database.read() as db:
        filed = incidents.list_incidents(db, supervisor, include_filed=True)[0]
    assert filed.report == "Blister 1 cm; cooled and dressed; review in 3 days"
    main.close()


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
