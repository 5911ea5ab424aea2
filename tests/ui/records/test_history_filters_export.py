"""The History: filters cleared in one press, the export format chosen by name, column
widths kept per person, CSV in the screens' words."""

import csv

from PySide6.QtCore import QSettings, Qt

from models.clinic import patients
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, SCREENED, complete, sign_consent
from ui.records.history_view import EXPORT_FORMATS


def log(database, technician, device, name, identifier, seconds):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier=identifier, full_name=name,
                                       date_of_birth=None, fitzpatrick=2)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=seconds,
                             areas=(AreaInput("perioral", {"fluence_j_cm2": 20.0}),
                                    AreaInput("neck", {"fluence_j_cm2": 25.0})),
                             reactions=(ReactionInput("erythema", 1),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        complete(db, technician, draft.summary.id, entry)


def test_clear_filters_shows_everything_again(qtbot, window, database, technician, device):
    log(database, technician, device, "Ana Lima", "H-1", 1800)
    log(database, technician, device, "Bo Berg", "H-2", 1800)
    history = window.history
    window.tabs.setCurrentWidget(history)
    history.refresh()  # logged elsewhere, after the window opened
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=10_000)
    bar = history.filters
    assert not bar.clear_button.isEnabled()
    qtbot.keyClicks(bar.patient, "Lima")
    bar.status.setCurrentIndex(bar.status.findData("completed"))
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=10_000)
    assert bar.clear_button.isEnabled()
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=10_000)
    assert bar.patient.text() == "" and bar.status.currentIndex() == 0
    assert not bar.clear_button.isEnabled()


def test_the_export_format_is_chosen_by_name(window):
    menu = [action.text() for action in window.history.export_menu.actions()]
    assert menu == [text for text, *_rest in EXPORT_FORMATS]
    assert [f for *_rest, f in EXPORT_FORMATS] == ["csv", "fhir", "pdf"]


def test_csv_has_whole_minutes_and_the_names_the_screens_use(qtbot, window, database,
                                                            technician, device, tmp_path):
    log(database, technician, device, "Ana Lima", "H-1", 721)  # 12 min 1 s
    history = window.history
    history.refresh()
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=10_000)
    path = tmp_path / "sessions.csv"
    history.export(path, "csv")
    qtbot.waitUntil(lambda: "Exported 1 session" in history.found.text(), timeout=10_000)
    with path.open(newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["duration_minutes"] == "12"
    assert row["areas"] == "Perioral / laugh lines; Neck"
    assert row["reactions"] == "Redness / erythema 1"


def test_column_widths_are_kept_for_each_person(qtbot, window, technician):
    history = window.history
    assert history.layout_key.endswith("/tess")
    history.table.setColumnWidth(1, 333)
    assert QSettings().value(history.layout_key) is not None
    assert history.table.columnWidth(1) == 333
    assert history.table.columnWidth(1) > history.table.columnWidth(6)  # names over status
