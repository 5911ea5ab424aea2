"""The draft the Log session form works on: which one, whether it has unsaved edits, and the
version this PC last saved. Plain Python, no widgets: its transitions are the form's rules.

    closed --open()--> open, clean --edited()--> open, dirty --take_edits()--> open, clean
      ^                                                                             |
      +----------------------------------- close() --------------------------------+

The version is moved on by the worker thread that saves (queued saves must see each other's
versions), so it sits behind a lock; everything else belongs to the GUI thread.
"""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Concatenate
from uuid import UUID

from sqlalchemy.orm import Session

from models.storage.database import Database
from models.values.rows import PatientRow, SessionDetail


class DraftState:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.close()

    def close(self) -> None:
        """No draft: the form is empty, ready for the next patient. The one reset."""
        self.id: int | None = None
        self.uuid: UUID | None = None
        self.patient: PatientRow | None = None
        self.started_at: datetime | None = None
        self.filled_note = ""  # what a device filled, kept on the status line
        self.dirty = False
        with self._lock:
            self._version: int | None = None

    def open(self, draft: SessionDetail) -> None:
        """A draft just started, or resumed as it was last saved; no edits yet."""
        self.id, self.uuid = draft.summary.id, draft.summary.uuid
        self.patient = draft.patient
        self.started_at = self.started_at or draft.summary.started_at
        self.dirty = False
        self.saw(draft.version)

    @property
    def is_open(self) -> bool:
        return self.id is not None

    def edited(self) -> bool:
        """Note an edit; whether there is a draft to save it to."""
        self.dirty = True
        return self.is_open

    def take_edits(self) -> bool:
        """Whether there are edits to save; they count as saved from now (a failure puts them
        back with ``edited``)."""
        if not self.is_open or not self.dirty:
            return False
        self.dirty = False
        return True

    def saw(self, version: int) -> None:
        """The draft's version as saved last, by this PC or (after a conflict) another."""
        with self._lock:
            self._version = version

    def tracked[**P](self, operation: Callable[Concatenate[Session, P], SessionDetail]
                     ) -> Callable[Concatenate[Database, P], SessionDetail]:
        """``operation`` in its own write transaction, checked against the version last seen,
        which moves on once the transaction has committed (a save the disk refused at the
        commit leaves the version where it was, so the next try is no "conflict")."""
        def run(database: Database, /, *args: P.args, **kwargs: P.kwargs) -> SessionDetail:
            with self._lock:
                expected = self._version
            with database.write() as db:
                # expected_version is one of the operation's keywords, hidden inside P
                detail = operation(db, *args, expected_version=expected, **kwargs)  # type: ignore[arg-type]
            self.saw(detail.version)
            return detail
        return run
