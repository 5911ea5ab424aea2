"""Live history across workstations: on PostgreSQL, LISTEN for sessions changed elsewhere.

A daemon thread holds its own connection, waits for notifications on the sessions channel
and hands each one to the GUI thread as a Qt signal; if the server goes away it reconnects.
SQLite has one workstation and needs none of this.
"""

import logging
import threading

import psycopg
from PySide6.QtCore import QObject, Signal

from models.storage.database import Database
from models.workflow.session_logging import SESSIONS_CHANNEL

log = logging.getLogger(__name__)
WAIT_S = 0.5  # how long one wait for a notification lasts, so stopping is prompt
RECONNECT_S = 2.0


class SessionListener(QObject):
    """Signals:
    session_changed(str): the UUID of a session another workstation changed.
    """

    session_changed = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dsn = database.libpq_url()
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="laserlog-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {SESSIONS_CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for notify in conn.notifies(timeout=WAIT_S):
                            self.session_changed.emit(notify.payload)
            except psycopg.Error as error:
                self.listening.clear()
                log.info("listening for session changes stopped (%s); retrying", error)
                self._stop.wait(RECONNECT_S)
