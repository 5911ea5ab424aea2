"""How work on the whole database (a backup, a restore, a verify) says how far it has got, and
how the person waiting stops it."""

from collections.abc import Callable
from contextlib import suppress

from models.errors import LaserLogError
from models.language import _

#: Called now and then with what is being done (in the language in use), how much of it is
#: done and out of how much (0 when that is not known). Raising ``Cancelled`` from it stops
#: the work.
Progress = Callable[[str, int, int], None]

#: How often, at most, work reports (in units of its own: pages, events, sessions).
REPORT_EVERY = 2_000


class Cancelled(LaserLogError):
    """The person stopped the work before it changed anything."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Cancelled; nothing was changed"))


def unreported(_stage: str, _done: int, _total: int) -> None:
    """Progress nobody watches."""


def past_cancelling(progress: Progress) -> Progress:
    """``progress`` once the work can no longer be undone: it is still reported, and a
    cancellation asked for now is ignored (the work finishes)."""

    def report(stage: str, done: int, total: int) -> None:
        with suppress(Cancelled):
            progress(stage, done, total)

    return report
