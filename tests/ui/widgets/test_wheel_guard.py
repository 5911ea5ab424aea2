"""Scrolling a long form with the mouse wheel never changes a combo box or spin box on the way
past; the page scrolls instead. Once the technician has clicked into one, the wheel works."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)


def _scrolled_form(qtbot):
    """A form taller than its scroll area, a combo box and a spin box half-way down."""
    form = QWidget()
    layout = QFormLayout(form)
    for row in range(12):
        layout.addRow(f"Field {row}", QLineEdit())
    combo = QComboBox()
    combo.addItems(["Choose…", "Type I", "Type II", "Type III"])
    spin = QSpinBox()
    spin.setRange(0, 100)
    spin.setValue(50)
    layout.addRow("Skin type", combo)
    layout.addRow("Fluence", spin)
    for row in range(12, 40):
        layout.addRow(f"Field {row}", QLineEdit())
    area = QScrollArea()
    area.setWidget(form)
    area.setWidgetResizable(True)
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.ensureWidgetVisible(combo)
    return area, combo, spin


def _wheel_down(widget: QWidget) -> None:
    """One notch of the wheel down, over the middle of ``widget``."""
    inside = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(inside, QPointF(widget.mapToGlobal(inside.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_page_past_an_unfocused_combo_and_spin_box(qtbot):
    area, combo, spin = _scrolled_form(qtbot)
    bar = area.verticalScrollBar()
    for widget in (combo, spin):
        assert not widget.hasFocus()
        before = bar.value()
        _wheel_down(widget)
        assert combo.currentIndex() == 0 and spin.value() == 50  # nothing changed...
        assert bar.value() > before  # ...the page scrolled instead
        area.ensureWidgetVisible(spin)


def test_the_wheel_changes_the_value_once_the_field_has_the_focus(qtbot):
    _area, combo, spin = _scrolled_form(qtbot)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel_down(combo)
    assert combo.currentIndex() == 1
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel_down(spin)
    assert spin.value() != 50


def test_a_wheel_does_not_focus_them_a_click_or_tab_does(qtbot):
    _area, combo, spin = _scrolled_form(qtbot)
    for widget in (combo, spin):
        assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus
