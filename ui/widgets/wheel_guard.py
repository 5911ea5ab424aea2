"""The mouse wheel scrolls the page, never a value the technician did not pick.

Qt lets a combo box or spin box under the pointer take the wheel even when it does not have
the keyboard focus: scrolling down a long form then silently changes a device, a skin type or
a grade on the way past. One filter on the whole application hands such a wheel event on to
the widget's parents (the scroll area scrolls), and gives these widgets ``StrongFocus`` so a
wheel does not focus them either. Once clicked or tabbed into, the wheel works on them as usual.

The same filter says when a person does anything (``input_seen``: a key, a click, the mouse
moved, the wheel turned), for the idle lock: one filter in Python for every event of the
application, not two.
"""

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)


INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                          QEvent.Type.MouseMove, QEvent.Type.Wheel})


class WheelGuard(QObject):
    """An application-wide event filter; see the module's docstring.

    Signals:
    input_seen(): a key pressed, a click, the mouse moved or the wheel turned.
    """

    input_seen = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS:
            self.input_seen.emit()
            if kind == QEvent.Type.Wheel and isinstance(watched, GUARDED) \
                    and not watched.hasFocus():
                assert isinstance(event, QWheelEvent)  # Qt's events are typed by type()
                pass_to_parents(watched, event)
                return True
        elif kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            # QtCore.Qt, not Qt imported: its namespace takes 11 ms to load, not to be spent
            # before the sign-in shows
            watched.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        return False


def pass_to_parents(widget: QWidget, event: QWheelEvent) -> None:
    """Offer ``event`` to each of ``widget``'s parents in turn, up to its window, until one
    takes it (the scroll area that holds the form). Done here rather than left to Qt, which
    passes a wheel on only when it came from the mouse itself, not from ``sendEvent``."""
    position, target = event.position(), widget
    while not target.isWindow() and (parent := target.parentWidget()) is not None:
        position, target = target.mapToParent(position), parent
        offered = QWheelEvent(position, event.globalPosition(), event.pixelDelta(),
                              event.angleDelta(), event.buttons(), event.modifiers(),
                              event.phase(), event.inverted(), event.source())
        offered.ignore()
        QApplication.sendEvent(target, offered)
        if offered.isAccepted():
            break
    event.accept()  # offered to every parent already: Qt is not to pass it on again


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` once (the application owns it); return it."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard

