"""One session opened from the History fits the screen it opens on (treatment-room PCs have
1366×768 screens): its buttons show, the record and traces scroll, and the parameter table
breaks lines between words, never inside one ("Waveleng / th")."""

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QTextDocument

from devices.simulated.demo_clinic import build_demo
from models.reading import history
from models.workflow import import_recording
from tests.ui.conftest import RecordedMessages
from ui.records.history_view import HistoryView
from ui.services.tasks import TaskRunner

SMALL_SCREEN = QRect(0, 0, 1366, 768)


@pytest.fixture
def opened(qtbot, database, supervisor):
    """A supervisor's History with a session that has traces opened from it."""
    build_demo(database, sessions=6, seed=5)
    with database.read() as db:
        rows = history.list_sessions(db, None, limit=50).rows
        with_traces = next(r.id for r in rows if import_recording.load_traces(db, r.id))
    messages = RecordedMessages()
    tasks = TaskRunner(database, lambda error: messages.error(None, str(error)))
    view = HistoryView(tasks, supervisor, messages)
    qtbot.addWidget(view)
    view.show()
    view.open_session_id(with_traces)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(),
                    timeout=10_000)
    qtbot.waitExposed(view.dialog)
    yield view.dialog
    view.dialog.reject()
    tasks.shutdown()
    assert messages.shown == []


def _on_screen(widget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


def test_the_dialog_and_its_buttons_fit_the_screen(opened):
    dialog = opened
    assert dialog.plot is not None  # the tall case: the record and three trace plots
    screen = dialog.screen().availableGeometry()
    for bound in (screen, SMALL_SCREEN):
        assert dialog.frameGeometry().width() <= bound.width()
        assert dialog.frameGeometry().height() <= bound.height()
    close = dialog.buttons.buttons()[0]
    sign_off = dialog.action_panel.findChild(type(close), None)
    for button in (close, dialog.pdf_button, sign_off):
        assert button.isVisible() and screen.contains(_on_screen(button)), button.text()


def _words_broken(document: QTextDocument) -> list[str]:
    """Each place a line of the laid-out document ends inside a word."""
    broken = []
    block = document.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        for number in range(1, layout.lineCount()):
            start = layout.lineAt(number).textStart()
            if 0 < start < len(text) and text[start - 1].isalpha() and text[start].isalpha():
                broken.append(f"{text[:start]} / {text[start:]}")
        block = block.next()
    return broken


def test_the_parameter_table_breaks_no_word(opened):
    dialog = opened
    document = dialog.browser.document()
    assert "Wavelength" in document.toPlainText()
    assert _words_broken(document) == []


def test_the_pdf_at_an_a4_pages_width_breaks_no_word(opened, tmp_path):
    """The session's PDF, laid out as it is printed: on an A4 page with the report's margins,
    its text measured at the PDF's resolution."""
    from PySide6.QtCore import QSizeF

    from ui.records.session_detail import session_html
    from ui.widgets.pdf_writer import STYLE, pdf_writer

    writer = pdf_writer(tmp_path / "session.pdf", "Session")
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setHtml(STYLE + session_html(opened.detail))
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    assert "Wavelength" in document.toPlainText()
    assert _words_broken(document) == []
