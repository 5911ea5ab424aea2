"""The administrator's window, and how a person reaches things on it: a section's tab, a
row of a list, a button, a dialog's field; all with real mouse clicks and keys."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget

from models.storage.preferences import Settings
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def admin_window(qtbot, database, admin):
    main = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def open_section(qtbot, view, title: str):
    """Click the section's tab; return the section once its list is read."""
    bar = view.sections.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i).replace("&", "") == title)
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    section = view.sections.widget(index)
    assert view.sections.currentWidget() is section
    settle(qtbot, view)
    return section


def settle(qtbot, view) -> None:
    """Wait until every read and write queued so far has been delivered."""
    done: list[bool] = []
    view.tasks.read(lambda _db: None).then(lambda _r: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def row_point(table: QAbstractItemView, row: int) -> QPoint:
    if isinstance(table, QTableWidget):
        return table.visualItemRect(table.item(row, 0)).center()
    return table.visualRect(table.model().index(row, 0)).center()


def click_row(qtbot, table: QAbstractItemView, row: int) -> None:
    qtbot.mouseClick(table.viewport(), LEFT, pos=row_point(table, row))


def double_click_row(qtbot, table: QAbstractItemView, row: int) -> None:
    point = row_point(table, row)
    qtbot.mouseClick(table.viewport(), LEFT, pos=point)
    qtbot.mouseDClick(table.viewport(), LEFT, pos=point)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, LEFT)


def shown_dialog(qtbot, owner, name: str):
    """The dialog ``owner`` keeps as ``name``, once it is on screen."""
    qtbot.waitUntil(lambda: getattr(owner, name, None) is not None
                    and getattr(owner, name).isVisible(), timeout=10_000)
    return getattr(owner, name)


def type_into(qtbot, field, text: str) -> None:
    """Click into the field, clear what it holds and type ``text``."""
    qtbot.mouseClick(field, LEFT)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def press_return(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def cells(table: QAbstractItemView) -> list[list[str]]:
    model = table.model()
    return [[model.index(r, c).data() or "" for c in range(model.columnCount())]
            for r in range(model.rowCount())]
