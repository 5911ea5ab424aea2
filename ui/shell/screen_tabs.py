"""The main window's screens as tabs, each built the first time it is shown or asked for."""

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget


class ScreenTabs(QTabWidget):
    """Tabs whose screens are built when first wanted: a screen not shown yet costs nothing
    at start-up (no widgets, no reads, its modules not imported). Until then its tab holds an
    empty page; once built, the screen itself is the tab's widget, in the same place.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._screens: dict[str, QWidget] = {}
        self._waiting: dict[str, tuple[QWidget, Callable[[], QWidget]]] = {}
        self.currentChanged.connect(self._shown)

    def add_screen(self, name: str, title: str, screen: QWidget | Callable[[], QWidget]
                   ) -> None:
        """A tab for ``screen``, or for the screen ``screen()`` builds when first wanted."""
        if isinstance(screen, QWidget):
            self._screens[name] = screen
            self.addTab(screen, title)
        else:
            page = QWidget()
            self._waiting[name] = (page, screen)
            self.addTab(page, title)  # the first tab is shown at once: built now

    def has(self, name: str) -> bool:
        """Whether there is a tab for the screen ``name`` (built or not)."""
        return name in self._screens or name in self._waiting

    def built(self, name: str) -> QWidget | None:
        """The screen ``name`` if it has been built, without building it."""
        return self._screens.get(name)

    def get(self, name: str) -> QWidget | None:
        """The screen ``name``, built now if it was not yet; None when there is no such tab."""
        waiting = self._waiting.pop(name, None)
        if waiting is not None:
            page, build = waiting
            screen = self._screens[name] = build()
            index, current = self.indexOf(page), self.currentIndex()
            blocked = self.blockSignals(True)  # the same tab stays current: nothing changed
            try:
                title = self.tabText(index)
                self.removeTab(index)
                self.insertTab(index, screen, title)
                self.setCurrentIndex(current)
            finally:
                self.blockSignals(blocked)
            page.deleteLater()
        return self._screens.get(name)

    def _shown(self, index: int) -> None:
        page = self.widget(index)
        for name, (waiting, _build) in list(self._waiting.items()):
            if waiting is page:
                self.get(name)
