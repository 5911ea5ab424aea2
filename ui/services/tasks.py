"""The one background-task runner: operations run off the GUI thread, results come back on it.

An operation is a plain function of the core. It takes the database as its first argument in
one of two ways, and the runner has one method for each:

- ``read(op, *args)`` / ``write(op, *args)``: ``op(session, *args)`` inside one read-only or
  one write transaction that the runner opens (nearly every operation);
- ``run(op, *args)``: ``op(database, *args)`` for the few that open their own transactions
  (signing in, importing a file, writing an export).

Each returns a ``Pending[T]``, typed by what the operation returns, whose ``then(done,
failed)`` says what to do with the result on the GUI thread. After every write that
succeeded, ``records_changed`` tells each screen to refresh itself if it shows records.
"""

from __future__ import annotations  # the types below are for mypy: SQLAlchemy loads later

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QRunnable, QThreadPool, Signal

from models.errors import LaserLogError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.storage.database import Database

log = logging.getLogger(__name__)

class _Relay(QObject):
    """Lives on the GUI thread; its signals carry a job's outcome back there."""

    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], relay: _Relay) -> None:
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


class Pending[T]:
    """An operation on its way: ``then`` names what runs on the GUI thread when it ends.

    The outcome arrives through the GUI thread's event loop, so callbacks given right after
    the operation was submitted (in the same GUI-thread call) are always in time.
    """

    def __init__(self, report_error: Callable[[Exception], None]) -> None:
        self._done: Callable[[T], None] | None = None
        self._failed = report_error
        self.changes_records = True

    def then(self, done: Callable[[T], None] | None = None,
             failed: Callable[[Exception], None] | None = None, *,
             changes_records: bool = True) -> None:
        """``changes_records`` False: the operation wrote nothing a screen shows (an export's
        disclosure record, a sign-in), so screens are not told to refresh."""
        self._done = done
        self.changes_records = changes_records
        if failed is not None:
            self._failed = failed

    def _deliver(self, result: T) -> None:
        if self._done is not None:
            self._done(result)

    def _fail(self, error: Exception) -> None:
        self._failed(error)


class TaskRunner(QObject):
    """Runs operations one at a time, in order, on a worker thread.

    One thread keeps writes in the order they were asked for (an autosave before a completion).

    Signals:
        busy_changed(bool): whether any operation is queued or running.
        records_changed(): a write succeeded here, or another PC changed sessions; screens
            that show records refresh themselves.
    """

    busy_changed = Signal(bool)
    records_changed = Signal()

    def __init__(self, database: Database, on_error: Callable[[Exception], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.report_error = on_error
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: set[_Relay] = set()
        self._closed = False

    def _submit[T](self, work: Callable[[], T], changes_records: bool = False) -> Pending[T]:
        pending: Pending[T] = Pending(self.report_error)
        if self._closed:
            log.log(logging.WARNING, "task submitted after shutdown was dropped")
            return pending
        relay = _Relay()
        self._pending.add(relay)

        def finish(deliver: Callable[[], None], succeeded: bool) -> None:
            self._pending.discard(relay)
            if not self._pending:
                self.busy_changed.emit(False)
            deliver()
            if succeeded and changes_records and pending.changes_records:
                self.records_changed.emit()

        relay.finished.connect(lambda result: finish(lambda: pending._deliver(result), True))
        relay.failed.connect(lambda error: finish(lambda: pending._fail(error), False))
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(work, relay))
        return pending

    def idle(self) -> bool:
        """Whether nothing is queued or running, and every result has been delivered."""
        return not self._pending

    def write[**P, T](self, operation: Callable[Concatenate[Session, P], T], *args: P.args,
              **kwargs: P.kwargs) -> Pending[T]:
        """Run ``operation(session, *args)`` in one write transaction."""

        def work() -> T:
            with self.database.write() as session:
                return operation(session, *args, **kwargs)

        return self._submit(work, changes_records=True)

    def read[**P, T](self, operation: Callable[Concatenate[Session, P], T], *args: P.args,
             **kwargs: P.kwargs) -> Pending[T]:
        """Run ``operation(session, *args)`` in one read-only unit of work."""

        def work() -> T:
            with self.database.read() as session:
                return operation(session, *args, **kwargs)

        return self._submit(work)

    def run[**P, T](self, operation: Callable[Concatenate[Database, P], T], *args: P.args,
            **kwargs: P.kwargs) -> Pending[T]:
        """Run ``operation(database, *args)``, which opens its own transactions."""
        return self._submit(lambda: operation(self.database, *args, **kwargs),
                            changes_records=True)

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
