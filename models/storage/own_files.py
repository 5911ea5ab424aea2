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
from models.language import N_, _

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


#: The refusal for each thing a caller is ``doing``, one sentence each to translate whole.
_REFUSALS = {
    "write": N_("Cannot write {name}: it is a file of the LaserLog database in use "
                "({database}); choose another file"),
    "import": N_("Cannot import {name}: it is a file of the LaserLog database in use "
                 "({database}); choose another file"),
    "preview": N_("Cannot preview {name}: it is a file of the LaserLog database in use "
                  "({database}); choose another file"),
    "restore from": N_("Cannot restore from {name}: it is a file of the LaserLog database in "
                       "use ({database}); choose another file"),
    "compare with": N_("Cannot compare with {name}: it is a file of the LaserLog database in "
                       "use ({database}); choose another file"),
    "read a profile from": N_("Cannot read a profile from {name}: it is a file of the "
                              "LaserLog database in use ({database}); choose another file"),
}


def refuse_database_file(path: Path, doing: str) -> None:
    """Raise ``DatabaseFileRefused`` when ``path`` is a file of an open database; ``doing``
    says what was to be done with it ("write", "import", "restore from" …)."""
    database = database_of(path)
    if database is not None:
        refusal = _REFUSALS.get(doing)
        raise DatabaseFileRefused(
            _(refusal).format(name=path.name, database=database.name) if refusal else
            _("Cannot {doing} {name}: it is a file of the LaserLog database in use "
              "({database}); choose another file").format(doing=doing, name=path.name,
                                                         database=database.name))
