"""The history over a Qt model that never loads every session: checked by qtmodeltester,
scrolled to any depth, filtered from the bar, its columns remembered."""

import pytest
from PySide6.QtCore import QSettings, Qt

from devices.simulated.demo_clinic import build_demo
from models.reading import history
from models.reading.history_filter import HistoryFilter
from models.values.vocabulary import Area
from tests.ui.conftest import RecordedMessages
from ui.records import history_model
from ui.records.history_view import LAYOUT_KEY, HistoryView
from ui.services.tasks import TaskRunner

SESSIONS = 50


@pytest.fixture
def view(qtbot, database, supervisor):
    build_demo(database, sessions=SESSIONS, seed=21)
    QSettings().remove(LAYOUT_KEY)
    messages = RecordedMessages()
    tasks = TaskRunner(database, lambda error: messages.error(None, str(error)))
    widget = HistoryView(tasks, supervisor, messages)
    widget.model.block_size = 8
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.model.rowCount() == SESSIONS, timeout=10_000)
    yield widget
    tasks.shutdown()
    assert messages.shown == []


def everything(database, f=history.NO_FILTER):
    with database.read() as db:
        return [row.id for row in history.list_sessions(db, None, limit=1000, filters=f).rows]


def shown_id(qtbot, view, row):
    index = view.model.index(row, 0)
    view.table.scrollTo(index)
    qtbot.waitUntil(lambda: view.model.summary_at(row) is not None, timeout=10_000)
    return view.model.summary_at(row).id


def test_the_model_passes_qtmodeltester(qtbot, qtmodeltester, view):
    shown_id(qtbot, view, 0)
    qtmodeltester.check(view.model)


def test_any_depth_shows_the_right_session_without_loading_everything(qtbot, view, database,
                                                                      monkeypatch):
    monkeypatch.setattr(history_model, "KEPT_BLOCKS", 3)
    ids = everything(database)
    assert shown_id(qtbot, view, SESSIONS - 1) == ids[-1]  # the end, read backwards
    assert shown_id(qtbot, view, 27) == ids[27]  # the middle, from the block cursors
    assert shown_id(qtbot, view, 3) == ids[3]
    assert shown_id(qtbot, view, 40) == ids[40]
    assert len(view.model._blocks) <= 3


def test_the_filter_bar_recounts_and_rereads(qtbot, view, database):
    bar = view.filters
    bar.status.setCurrentIndex(bar.status.findData("completed"))
    expected = everything(database, HistoryFilter(status="completed"))
    qtbot.waitUntil(lambda: view.model.rowCount() == len(expected), timeout=10_000)
    bar.status.setCurrentIndex(0)
    qtbot.keyClicks(bar.search, "Room 2")
    expected = everything(database, HistoryFilter(search="Room 2"))
    qtbot.waitUntil(lambda: view.model.rowCount() == len(expected)
                    and view.found.text().startswith(f"{len(expected)} session"),
                    timeout=10_000)
    assert 0 < len(expected) < SESSIONS
    assert shown_id(qtbot, view, 0) == expected[0]

    view.table.horizontalHeader().sectionClicked.emit(0)  # the Date header: oldest first
    qtbot.waitUntil(lambda: "oldest first" in view.found.text(), timeout=10_000)
    assert shown_id(qtbot, view, 0) == expected[-1]


def test_hidden_columns_and_widths_are_remembered(qtbot, view, database, supervisor):
    view._show_column(2, False)
    view.table.setColumnWidth(1, 333)
    again = HistoryView(view.tasks, supervisor, RecordedMessages())
    qtbot.addWidget(again)
    header = again.table.horizontalHeader()
    assert header.isSectionHidden(2) and header.sectionSize(1) == 333
    assert again.model.headerData(0, Qt.Orientation.Horizontal) == "Date ↓"


def test_the_export_writes_what_the_filters_find(qtbot, view, database, tmp_path):
    import csv

    with database.read() as db:  # an area the demo treated: its newest session's first
        area = history.load_session(db, everything(database)[0]).areas[0].area
    bar = view.filters
    bar.area.setCurrentIndex(bar.area.findData(area))
    expected = everything(database, HistoryFilter(area=area))
    qtbot.waitUntil(lambda: view.model.rowCount() == len(expected), timeout=10_000)
    out = tmp_path / f"{area}.csv"
    view.export(out)
    qtbot.waitUntil(lambda: view.found.text().startswith(("Exported", "Not")), timeout=10_000)
    assert view.found.text().startswith("Exported"), view.found.text()
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(expected) > 0
    assert all(Area(area).label in row["areas"].split("; ") for row in rows)


def test_a_draft_opens_read_only_for_anyone_but_its_technician(qtbot, view, database,
                                                               technician):
    from models.clinic import patients
    from models.workflow import session_logging

    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="T-9", full_name="Tia Draft",
                                       date_of_birth=None, fitzpatrick=2)
        draft = session_logging.create_draft(db, technician, patient.id)
    resumed = []
    view.resume_requested.connect(resumed.append)
    view.open_session_id(draft.summary.id)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(),
                    timeout=10_000)
    assert view.dialog.detail.summary.id == draft.summary.id and resumed == []
    view.dialog.reject()


def test_the_technicians_own_draft_is_handed_on_to_be_resumed(qtbot, database, technician):
    from models.clinic import patients
    from models.workflow import session_logging

    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="T-8", full_name="Tom Own",
                                       date_of_birth=None, fitzpatrick=2)
        draft = session_logging.create_draft(db, technician, patient.id)
    messages = RecordedMessages()
    tasks = TaskRunner(database, lambda error: messages.error(None, str(error)))
    own = HistoryView(tasks, technician, messages)
    qtbot.addWidget(own)
    with qtbot.waitSignal(own.resume_requested, timeout=10_000) as handed:
        own.open_session_id(draft.summary.id)
    assert handed.args[0].summary.id == draft.summary.id and own.dialog is None
    tasks.shutdown()
    assert messages.shown == []
