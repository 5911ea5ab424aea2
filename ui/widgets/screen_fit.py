"""Windows sized to the screen they open on: treatment-room PCs often have 1366×768 screens,
and a dialog taller than the screen hides its buttons below the taskbar."""

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

#: Room for the window manager's border and title bar, unknown until a window is shown.
FRAME_ALLOWANCE = QSize(16, 48)


def available_size(window: QWidget) -> QSize:
    """The most a window's contents may take on the screen it opens on (or the parent's)."""
    screen = window.screen()
    room = screen.availableGeometry().size()
    return QSize(room.width() - FRAME_ALLOWANCE.width(),
                 room.height() - FRAME_ALLOWANCE.height())


def fit_to_screen(window: QWidget, wanted: QSize) -> None:
    """Resize ``window`` to ``wanted``, or smaller where the screen is smaller."""
    window.resize(wanted.boundedTo(available_size(window)))
