"""The main window's screens as each role sees them on a demo clinic, and what a technician
with gloves on a 1366×768 screen would find wrong with them: controls too small to hit,
content wider than the window."""

from collections.abc import Iterator

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionSpinBox,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QWidget,
)

from devices.simulated.demo_clinic import DEMO_PASSWORD, build_demo
from models.access import accounts
from models.storage.preferences import Settings
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow

SMALL_SCREEN = QSize(1366, 768)
MIN_HEIGHT = 32  # every control pressed or typed in
MIN_INDICATOR = 24  # tick boxes, radio buttons, the ticks in lists
MIN_ARROW_WIDTH = 20  # a spin box's arrow buttons
DEMO_USERS = {"technician": "demo.tech1", "supervisor": "demo.supervisor", "admin": "admin"}


def demo_clinic(database) -> None:
    build_demo(database, sessions=12, seed=7)


def demo_window(qtbot, database, role: str) -> MainWindow:
    """The main window of a demo user of ``role``, shown at 1366×768, its lists read."""
    actor = accounts.sign_in(database, DEMO_USERS[role], DEMO_PASSWORD)
    window = MainWindow(database, actor, Settings(room="Room 1", autosave_seconds=0.2),
                        RecordedMessages())
    qtbot.addWidget(window)
    window.resize(SMALL_SCREEN)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def settle(qtbot, window: MainWindow) -> None:
    """Wait until the window's queued reads (and those their results queue) are shown."""
    for _ in range(3):
        _queue_behind_the_rest(qtbot, window)
    qtbot.wait(20)


def _queue_behind_the_rest(qtbot, window: MainWindow) -> None:
    """One task after those queued (the runner does one at a time), waited for."""
    done: list[bool] = []
    window.tasks.read(lambda _db: None).then(lambda _r: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def tabs(qtbot, window: MainWindow) -> Iterator[tuple[str, QWidget]]:
    """Each screen of the window in turn, shown and filled: (its tab's title, the screen)."""
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle(qtbot, window)
        yield window.tabs.tabText(index).replace("&", ""), window.tabs.widget(index)


def _name(widget: QWidget) -> str:
    for text in (widget.accessibleName(), getattr(widget, "text", lambda: "")(),
                 getattr(widget, "placeholderText", lambda: "")(), widget.objectName()):
        if isinstance(text, str) and text:
            return f"{type(widget).__name__} {text!r}"
    return type(widget).__name__


def _shown(root: QWidget) -> list[QWidget]:
    return [w for w in [root, *root.findChildren(QWidget)] if w.isVisible()]


def _inside_another_control(widget: QWidget) -> bool:
    """A spin box's or combo box's own line edit: measured with its owner."""
    parent = widget.parentWidget()
    return isinstance(parent, QAbstractSpinBox | QComboBox)


def too_small_to_hit(root: QWidget) -> list[str]:
    """Every control shown under ``root`` that a gloved finger would find too small."""
    problems = []
    for widget in _shown(root):
        style = widget.style()
        if (isinstance(widget, QLineEdit | QComboBox | QAbstractSpinBox | QPushButton)
                and not _inside_another_control(widget) and widget.height() < MIN_HEIGHT):
            problems.append(f"{_name(widget)} is {widget.height()} px high")
        if isinstance(widget, QCheckBox | QRadioButton):
            option = QStyleOptionButton()
            widget.initStyleOption(option)
            element = (QStyle.SubElement.SE_CheckBoxIndicator if isinstance(widget, QCheckBox)
                       else QStyle.SubElement.SE_RadioButtonIndicator)
            box = style.subElementRect(element, option, widget)
            if min(box.width(), box.height()) < MIN_INDICATOR:
                problems.append(f"{_name(widget)}: its indicator is {box.width()}×"
                                f"{box.height()} px")
        if isinstance(widget, QAbstractSpinBox) and not (
                isinstance(widget, QDateTimeEdit) and widget.calendarPopup()) and (
                widget.buttonSymbols() != QAbstractSpinBox.ButtonSymbols.NoButtons):
            option = QStyleOptionSpinBox()
            widget.initStyleOption(option)
            for arrow in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
                button = style.subControlRect(QStyle.ComplexControl.CC_SpinBox, option, arrow,
                                              widget)
                if button.width() < MIN_ARROW_WIDTH:
                    problems.append(f"{_name(widget)}: an arrow is {button.width()} px wide")
        if isinstance(widget, QListView | QTableView):
            problems += _small_rows(widget)
        if isinstance(widget, QTabBar):
            problems += [f"{_name(widget)}: tab {widget.tabText(i)!r} is "
                         f"{widget.tabRect(i).height()} px high"
                         for i in range(widget.count())
                         if widget.tabRect(i).height() < MIN_HEIGHT]
    return problems


def _small_rows(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None or model.rowCount() == 0:
        return []
    index = model.index(0, 0)
    problems = []
    row = view.visualRect(index)
    if 0 < row.height() < MIN_HEIGHT:
        problems.append(f"{_name(view)}: rows are {row.height()} px high")
    if index.data(Qt.ItemDataRole.CheckStateRole) is not None:  # the rows have tick boxes
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = row
        option.index = index
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        tick = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator,
                                           option, view)
        if min(tick.width(), tick.height()) < MIN_INDICATOR:
            problems.append(f"{_name(view)}: its ticks are {tick.width()}×{tick.height()} px")
    return problems


def wider_than(root: QWidget, width: int) -> list[str]:
    """What makes the screen under ``root`` wider than ``width``: a horizontal scroll bar
    shown, or a widget that cannot be narrower than that."""
    problems = []
    for widget in _shown(root):
        if isinstance(widget, QAbstractScrollArea) and widget.horizontalScrollBar().isVisible():
            problems.append(f"{_name(widget)} scrolls sideways")
        if widget.minimumSizeHint().width() > width:
            problems.append(f"{_name(widget)} needs {widget.minimumSizeHint().width()} px")
    return problems


def cut_texts(root: QWidget) -> list[str]:
    """Every text shown under ``root`` that its widget is too narrow for: a label, button,
    tick box or group title narrower than its text, a tab whose title is elided."""
    problems = []
    for widget in _shown(root):
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            if widget.width() < widget.minimumSizeHint().width() - 1:
                problems.append(f"{_name(widget)}: {widget.width()} px of "
                                f"{widget.minimumSizeHint().width()}")
        elif isinstance(widget, QPushButton | QCheckBox | QRadioButton) and widget.text():
            needed = widget.sizeHint().width()
            if widget.width() < needed - 1:
                problems.append(f"{_name(widget)}: {widget.width()} px of {needed}")
        elif isinstance(widget, QGroupBox) and widget.title():
            needed = widget.fontMetrics().horizontalAdvance(widget.title())
            if widget.width() < needed:
                problems.append(f"group {widget.title()!r}: {widget.width()} px of {needed}")
        elif isinstance(widget, QTabBar):
            problems += [f"tab {widget.tabText(i)!r}: {widget.tabRect(i).width()} px of "
                         f"{widget.tabSizeHint(i).width()}" for i in range(widget.count())
                         if widget.tabRect(i).width() < widget.tabSizeHint(i).width() - 1]
    return problems
