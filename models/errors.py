"""Expected failures: each carries one sentence meant for the person at the keyboard.

Anything else raised by LaserLog is a bug and is logged with its traceback.
"""

from typing import TYPE_CHECKING

from models.language import _, ngettext

if TYPE_CHECKING:  # SQLAlchemy loads with the database, not before the sign-in is shown
    from sqlalchemy.orm import Session


def one_line(text: str, limit: int = 200) -> str:
    """A driver's message on one line, short enough to read."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def os_reason(error: OSError | UnicodeError) -> str:
    """What an operating-system failure means for the person choosing the file."""
    import errno

    if isinstance(error, UnicodeError):
        return _("its name has characters this system cannot write; choose another name")
    reasons = {
        errno.ENOSPC: _("the disk is full; free some space and try again"),
        errno.EDQUOT: _("the disk quota is used up; free some space and try again"),
        errno.EROFS: _("the disk or folder is read-only; choose another place"),
        errno.EACCES: _("permission denied; choose a folder you may write to"),
        errno.EPERM: _("permission denied; choose a folder you may write to"),
        errno.ENAMETOOLONG: _("the name is too long; choose a shorter one"),
        errno.EISDIR: _("it is a folder; choose a file name"),
        errno.ENOENT: _("the folder does not exist"),
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))


class LaserLogError(Exception):
    """An expected failure caused by input or the environment; ``str()`` is for the user.

    A file name that is not valid UTF-8 (kept by Python as lone surrogates) is shown with
    ``?`` in its place, so the sentence can always be printed.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(arg.encode("utf-8", "replace").decode("utf-8")
                           if isinstance(arg, str) else arg for arg in args))


class ValidationFailed(LaserLogError):
    """Input that cannot be saved as it is; ``problems`` maps a field key to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.values()), _("invalid input"))
        more = len(self.problems) - 1
        super().__init__(first if not more else ngettext(
            "{first} (and {n} more problem)", "{first} (and {n} more problems)", more
        ).format(first=first, n=more))


class NotFound(LaserLogError):
    """The record asked for does not exist."""


class NotAllowed(LaserLogError):
    """The user's role or ownership does not permit the action."""


class RecordedFailure(LaserLogError):
    """A failure that leaves a trace of its own once its transaction is rolled back.

    The storage layer calls ``record(session)`` in a new write transaction; the layers above
    decide what the trace is (a refusal writes an audit event).
    """

    def record(self, session: "Session") -> None:
        raise NotImplementedError


class DatabaseUnavailable(LaserLogError):
    """The database cannot be opened or reached; the message names it, password hidden."""


class ServerUnreachable(DatabaseUnavailable):
    """The database server went away mid-work; nothing of the interrupted write was kept."""


class StorageFull(DatabaseUnavailable):
    """The disk holding the database is full; nothing of the interrupted write was kept."""


class StorageReadOnly(DatabaseUnavailable):
    """The database cannot be written (read-only file, folder or disk, or no permission)."""


class ValueTooLong(LaserLogError):
    """A value is longer than its column allows (PostgreSQL checks; SQLite does not)."""


class Conflict(LaserLogError):
    """Someone else saved the same record since it was loaded; ``version`` is theirs."""

    def __init__(self, message: str, version: int) -> None:
        super().__init__(message)
        self.version = version
