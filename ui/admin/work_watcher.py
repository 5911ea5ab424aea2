"""Between long work on the database (a backup, a restore, a verify) running off the GUI
thread and the screen watching it: progress comes to the screen, Cancel and the answer to a
question go back to the work. The worker never touches a widget."""

import threading
import time

from PySide6.QtCore import QObject, Signal

from models.admin.progress import Cancelled

#: The screen hears at most this often about the same stage (seconds).
REPORT_INTERVAL = 0.05


class WorkWatcher(QObject):
    """Lives on the GUI thread. ``report`` and ``ask`` are called by the work (on its thread);
    ``cancel`` and ``answer`` by the screen.

    Signals:
        progressed(str, int, int): what is being done, how much of it is done, out of how
            much (0: not known).
        asked(str): a question for the person; the work waits for ``answer``.
    """

    progressed = Signal(str, int, int)
    asked = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancelled = threading.Event()
        self._answered = threading.Event()
        self._yes = False
        self._stage = ""
        self._reported_at = 0.0

    def start(self) -> None:
        """Before each piece of work: nothing cancelled, nothing asked."""
        self._cancelled.clear()
        self._answered.clear()
        self._stage, self._reported_at = "", 0.0

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def report(self, stage: str, done: int, total: int) -> None:
        """The work's ``progress``: raises ``Cancelled`` once Cancel was pressed."""
        if self._cancelled.is_set():
            raise Cancelled()
        now = time.monotonic()
        if stage != self._stage or now - self._reported_at >= REPORT_INTERVAL \
                or (total and done >= total):
            self._stage, self._reported_at = stage, now
            self.progressed.emit(stage, done, total)

    def ask(self, question: str) -> bool:
        """The work's ``confirm``: the person's answer; no once Cancel was pressed."""
        self._answered.clear()
        self.asked.emit(question)
        while not self._answered.wait(0.1):
            if self._cancelled.is_set():
                return False
        return self._yes

    def answer(self, yes: bool) -> None:
        self._yes = yes
        self._answered.set()
