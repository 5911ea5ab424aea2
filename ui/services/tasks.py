"""The one background-task runner: operations run off the GUI thread, results come back on it."""

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QRunnable, QThreadPool, Signal

from models.errors import LaserLogError
from models.storage.database import Database

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its signals carry a job's outcome back there."""

    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work, self.relay = work, relay

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed to the GUI thread, never lost
            if not isinstance(error, LaserLogError):
                log.exception("operation failed")
            self.relay.failed.emit(error)
        else:
            self.relay.finished.emit(result)


class TaskRunner(QObject):
    """Runs operations one at a time, in order, on a worker thread.

    One thread keeps writes in the order they were asked for (an autosave before a completion).

    Signals:
        busy_changed(bool): whether any operation is queued or running.
    """

    busy_changed = Signal(bool)

    def __init__(self, database: Database, on_error: Callable[[Exception], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.report_error = on_error
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: set[_Relay] = set()
        self._closed = False

    def submit(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
               failed: Callable[[Exception], None] | None = None) -> None:
        if self._closed:
            log.warning("task submitted after shutdown was dropped")
            return
        relay = _Relay()
        self._pending.add(relay)

        def finish(callback, value) -> None:
            self._pending.discard(relay)
            if not self._pending:
                self.busy_changed.emit(False)
            if callback is not None:
                callback(value)

        relay.finished.connect(lambda result: finish(done, result))
        relay.failed.connect(lambda error: finish(failed or self.report_error, error))
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(work, relay))

    def write(self, operation: Callable[..., Any], *args: Any,
              done: Callable[[Any], None] | None = None,
              failed: Callable[[Exception], None] | None = None) -> None:
        """Run ``operation(session, *args)`` in one write transaction."""

        def work() -> Any:
            with self.database.write() as session:
                return operation(session, *args)

        self.submit(work, done, failed)

    def read(self, operation: Callable[..., Any], *args: Any,
             done: Callable[[Any], None] | None = None,
             failed: Callable[[Exception], None] | None = None) -> None:
        """Run ``operation(session, *args)`` in one read-only unit of work."""

        def work() -> Any:
            with self.database.read() as session:
                return operation(session, *args)

        self.submit(work, done, failed)

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Finish queued work and deliver its results now; later submissions are dropped.

        A result's callback may queue more work (a completed session refreshes the history), so
        this waits and delivers until nothing is left; no job outlives the runner.
        """
        deadline = QDeadlineTimer(msecs)
        finished = True
        while self._pending and finished:
            finished = self._pool.waitForDone(deadline)
            QCoreApplication.sendPostedEvents()
        self._closed = True
        return finished
