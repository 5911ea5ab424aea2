"""Writing a file so that a failure never leaves half of it under the name asked for."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.errors import LaserLogError
from models.storage.own_files import refuse_database_file


@contextmanager
def written_in_place_of(path: Path, suffix: str = ".part") -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write; when the block ends cleanly it becomes
    ``path``, otherwise it is removed. A failure to write says which file, in one sentence."""
    refuse_database_file(path, "write")
    if not path.parent.is_dir():
        raise LaserLogError(f"Cannot write {path}: the folder {path.parent} does not exist")
    if path.exists() and not path.is_file():
        raise LaserLogError(f"Cannot write {path}: it exists and is not a regular file (a "
                            "folder, a device, a pipe or a link to one); choose another name")
    partial = path.with_name(path.name + suffix)
    partial.unlink(missing_ok=True)
    try:
        yield partial
        partial.replace(path)
    except OSError as error:
        raise LaserLogError(f"Cannot write {path}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
