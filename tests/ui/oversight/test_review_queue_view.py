"""The review queue on screen: the worst reactions first in colours of their own (readable),
then the newest; more pages read as the list is scrolled to its end; a page signed off."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from models.clinic import patients
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, SCREENED, complete, sign_consent
from tests.ui.conftest import RecordedMessages
from ui.oversight.review_queue_model import GRADE_COLOURS, ReviewQueueModel
from ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
NECK = AreaInput("neck", {"fluence_j_cm2": 25.0}, 50, 1)


def log_sessions(database, technician, device, plan):
    """One patient and completed session per (name, hours ago, reactions); name -> id."""
    ids = {}
    with database.write() as db:
        for n, (name, hours_ago, reactions) in enumerate(plan):
            patient = patients.add_patient(db, technician, identifier=f"RQ-{n}",
                                           full_name=name, date_of_birth=None, fitzpatrick=2)
            sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
            entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800,
                                 areas=(NECK,), reactions=tuple(reactions),
                                 started_at=datetime.now(UTC) - timedelta(hours=hours_ago))
            draft = session_logging.start_draft(db, technician, patient.id, entry)
            ids[name] = complete(db, technician, draft.summary.id, entry).summary.id
    return ids


@pytest.fixture
def supervisor_window(qtbot, database, supervisor):
    main = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    yield main
    main.close()


def relative_luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def contrast(one: QColor, other: QColor) -> float:
    light, dark = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def painted(table, row: int) -> QColor:
    """The colour the row's Areas cell shows on screen, away from its text."""
    rect = table.visualRect(table.model().index(row, 3))
    image = table.viewport().grab().toImage()
    return image.pixelColor(rect.right() - 3, rect.top() + 3)


def test_the_worst_reactions_come_first_each_grade_in_its_own_readable_colour(
        qtbot, database, technician, device, supervisor_window):
    ids = log_sessions(database, technician, device, [
        ("Gina Two", 5, [ReactionInput("erythema", 2)]),
        ("Tom Three", 30, [ReactionInput("blistering", 3, "left side")]),
        ("Fay Four", 50, [ReactionInput("burn", 4)]),
        ("Ned None", 1, []),
        ("Tia Three", 3, [ReactionInput("hyperpigmentation", 3)]),
        ("Olly One", 2, [ReactionInput("erythema", 1)]),
    ])
    main = supervisor_window
    main.show()
    queue = main.review
    qtbot.mouseClick(queue.refresh_button, Qt.MouseButton.LeftButton)  # logged since it opened
    qtbot.waitUntil(lambda: queue.model.rowCount() == 6, timeout=10_000)
    table, model = queue.table, queue.model
    patients_shown = [model.index(row, 2).data() for row in range(6)]
    assert [name.split(" (")[0] for name in patients_shown] == [
        "Fay Four", "Tia Three", "Tom Three", "Gina Two", "Olly One", "Ned None"]
    assert [model.index(row, 1).data() for row in range(6)] == [
        "Burn 4", "Pigment change: hyper 3", "Blistering 3", "Redness / erythema 2",
        "Redness / erythema 1", "–"]
    assert queue.items[0].session_id == ids["Fay Four"]
    assert queue.summary.text() == "6 sessions await sign-off; 4 flagged."

    # grades 4, 3 and 2 each in a colour of their own, with text that reads on it (WCAG AA)
    backgrounds = {}
    for row, grade in ((0, 4), (1, 3), (2, 3), (3, 2)):
        background = model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)
        text = model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
        assert (background, text) == GRADE_COLOURS[grade]
        assert contrast(background, text) >= 4.5
        backgrounds[grade] = background.name()
    assert len(set(backgrounds.values())) == 3
    assert model.index(5, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    # and on screen (row 0 is selected, so painted in the selection's colour)
    table.clearSelection()
    table.viewport().repaint()
    assert painted(table, 0) == GRADE_COLOURS[4][0]
    assert painted(table, 1) == GRADE_COLOURS[3][0]
    assert painted(table, 3) == GRADE_COLOURS[2][0]


def test_pages_are_read_as_the_list_scrolls_to_its_end(qtbot, database, technician, device,
                                                      supervisor_window):
    plan = [(f"Patient {n:02d}", n + 1, [ReactionInput("erythema", 2)] if n % 5 == 0 else [])
            for n in range(30)]
    ids = log_sessions(database, technician, device, plan)
    main = supervisor_window
    main.resize(900, 420)  # a few rows show: the list does not read every page at once
    queue = main.review
    model = queue.model
    model.page_size = 4
    main.show()
    qtbot.mouseClick(queue.refresh_button, Qt.MouseButton.LeftButton)  # logged since it opened
    qtbot.waitUntil(lambda: "30 sessions await sign-off" in queue.summary.text(),
                    timeout=10_000)  # counted
    qtbot.wait(500)  # Qt reads pages until the rows fill the list, and no further
    first = model.rowCount()
    assert 4 <= first < 30 and first % 4 == 0 and model.more_to_read
    assert f"{first} shown (scroll for more)" in queue.summary.text()

    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_End, CTRL)  # to the last row
    qtbot.waitUntil(lambda: model.rowCount() > first, timeout=10_000)

    def scrolled_to_the_end():
        qtbot.keyClick(queue.table, Qt.Key.Key_End, CTRL)  # to the last row
        return model.rowCount() == 30
    qtbot.waitUntil(scrolled_to_the_end, timeout=10_000)
    assert not model.more_to_read
    flagged_first = [f"Patient {n:02d}" for n in range(0, 30, 5)]
    rest = [f"Patient {n:02d}" for n in range(30) if n % 5]
    assert [item.session_id for item in queue.items] == [ids[name] for name in
                                                          flagged_first + rest]
    assert queue.summary.text() == "30 sessions await sign-off; 6 flagged."


def test_the_unflagged_shown_are_signed_off_and_the_queue_reads_again(
        qtbot, database, technician, device, supervisor_window):
    log_sessions(database, technician, device, [
        ("Ann Calm", 2, []), ("Ben Red", 3, [ReactionInput("erythema", 2)]),
        ("Cas Calm", 4, [])])
    main = supervisor_window
    main.show()
    queue = main.review
    qtbot.mouseClick(queue.refresh_button, Qt.MouseButton.LeftButton)  # logged since it opened
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=10_000)
    qtbot.mouseClick(queue.sign_all_button, Qt.MouseButton.LeftButton)
    assert main.messages.shown[-1] == "Sign off the 2 unflagged sessions shown as reviewed?"
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=10_000)
    assert queue.items[0].patient == "Ben Red (RQ-1)"
    assert queue.summary.text() == "1 session awaits sign-off; 1 flagged."
    assert not queue.sign_all_button.isEnabled()


def test_the_queue_model_keeps_qt_s_rules(qtmodeltester, qtbot, database, technician, device,
                                          supervisor):
    from ui.services.tasks import TaskRunner

    log_sessions(database, technician, device, [
        ("Ann", 2, [ReactionInput("burn", 3)]), ("Ben", 3, []), ("Cas", 4, [])])
    tasks = TaskRunner(database, lambda error: pytest.fail(str(error)))
    try:
        model = ReviewQueueModel(tasks, supervisor, page_size=2)
        model.reload()
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=10_000)
        qtmodeltester.check(model)
    finally:
        tasks.shutdown()
