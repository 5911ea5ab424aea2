"""Writing a file so that a failure never leaves half of it under the name asked for."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from models.errors import LaserLogError, os_reason
from models.language import _
from models.storage.own_files import refuse_database_file


@contextmanager
def written_in_place_of(path: Path, suffix: str = ".part") -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write; when the block ends cleanly it becomes
    ``path``, otherwise it is removed. A failure to write says which file, in one sentence."""
    refuse_database_file(path, "write")
    try:
        if not path.parent.is_dir():
            raise LaserLogError(_("Cannot write {path}: the folder {folder} does not exist")
                                .format(path=path, folder=path.parent))
        if path.exists() and not path.is_file():
            raise LaserLogError(_("Cannot write {path}: it exists and is not a regular file (a "
                                  "folder, a device, a pipe or a link to one); choose another "
                                  "name").format(path=path))
        partial = path.with_name(path.name + suffix)
        partial.unlink(missing_ok=True)
    except (OSError, UnicodeError) as error:
        raise LaserLogError(_("Cannot write {path}: {reason}").format(
            path=path, reason=os_reason(error))) from None
    try:
        yield partial
        partial.replace(path)
    except (OSError, UnicodeError) as error:
        raise LaserLogError(_("Cannot write {path}: {reason}").format(
            path=path, reason=os_reason(error))) from None
    except sqlite3.Error as error:  # a backup copied with SQLite's backup API
        full = "full" in str(error)
        raise LaserLogError(_("Cannot write {path}: {reason}").format(path=path, reason=(
            _("the disk is full; free some space and try again") if full else str(error)))
        ) from None
    finally:
        with suppress(OSError, UnicodeError):
            partial.unlink(missing_ok=True)
