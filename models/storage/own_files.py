"""The files of the SQLite databases this process has open, kept from the rest of it.

SQLite's locks are POSIX advisory locks: they belong to the process, and closing any
descriptor on a database's file drops every lock the process holds on it. So no code of
LaserLog other than SQLite may open a database's file (``laserlog.db``, its ``-wal``,
``-shm`` or ``-journal``) while it is open: an import of that file, an export, a PDF or a
backup written over it would each cost saves (another process then takes the app for gone
and deletes its write-ahead log). Every place that opens a file a person chose asks here
first.
"""

import os
import threading
from collections import Counter
from pathlib import Path

from models.errors import LaserLogError

SIDE_FILES = ("", "-wal", "-shm", "-journal")

_lock = threading.Lock()
_open: Counter[Path] = Counter()


class DatabaseFileRefused(LaserLogError):
    """A file a person chose is one of the open database's own files."""


def opened(path: Path) -> None:
    with _lock:
        _open[path.resolve()] += 1


def closed(path: Path) -> None:
    with _lock:
        resolved = path.resolve()
        _open[resolved] -= 1
        if _open[resolved] <= 0:
            del _open[resolved]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def database_of(path: Path) -> Path | None:
    """The open database whose file ``path`` is (by name, or by inode for a link), if any."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return None
    with _lock:
        databases = list(_open)
    for database in databases:
        for side in SIDE_FILES:
            own = database.with_name(database.name + side)
            if resolved == own or _same_file(resolved, own):
                return database
    return None


def refuse_database_file(path: Path, doing: str) -> None:
    """Raise ``DatabaseFileRefused`` when ``path`` is a file of an open database."""
    database = database_of(path)
    if database is not None:
        raise DatabaseFileRefused(
            f"Cannot {doing} {path.name}: it is a file of the LaserLog database in use "
            f"({database.name}); choose another file")
