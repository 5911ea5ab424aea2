"""Screens that show records follow the one "records changed" notification of the runner."""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from ui.services.tasks import TaskRunner


class _Follower(QObject):
    """Refreshes its screen after a change while the screen is shown, else when it next shows."""

    def __init__(self, screen: QWidget, refresh: Callable[[], None], stale: bool) -> None:
        super().__init__(screen)
        self.screen, self.refresh, self.stale = screen, refresh, stale
        screen.installEventFilter(self)

    def changed(self) -> None:
        if self.screen.isVisible():
            self.refresh()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.screen and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.refresh()
        return False


def follow_changes(screen: QWidget, tasks: TaskRunner, refresh: Callable[[], None],
                   load_when_first_shown: bool = False) -> None:
    """Call ``refresh`` whenever records change (here or on another PC) and ``screen`` shows;
    with ``load_when_first_shown``, also the first time it shows."""
    follower = _Follower(screen, refresh, stale=load_when_first_shown)
    tasks.records_changed.connect(follower.changed)
