"""What every device adapter produces, and how it reports a source it cannot read.

An adapter only reads. It turns one source (the session form, an export file, the simulated
device) into plain records in canonical units: ``PulseReading`` for each pulse a device
logged, and in the end ``models.session_input.AreaInput`` for each treated area, with its
settings per pass. Manual entry yields ``AreaInput`` directly (``devices.manual``).
Everything is then judged by the same rules: ``models.parameters`` ranges and
``models.session_input.problems_in``.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from models.errors import LaserLogError
from models.language import _, ngettext

#: How many problems an import lists before it only counts the rest.
PROBLEMS_LISTED = 200


class PulseReading(NamedTuple):
    """One pulse as a device logged it, in canonical units.

    ``settings`` and ``traces`` are aligned with the keys the reader announces
    (``FileAdapter.setting_keys`` / ``trace_keys``); a missing value is None.
    """

    number: int  # line, record or element number: ``FileAdapter.place`` says which
    session: str
    serial: str
    patient: str | None
    time: datetime
    area: str
    pass_number: int
    settings: tuple[float | None, ...]
    traces: tuple[float | None, ...]


@dataclass(frozen=True)
class Problem:
    """Something wrong in an export file, said so a technician understands, and where."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ImportFailed(LaserLogError):
    """The file was not imported; nothing was written. ``problems`` lists why, by line.

    ``cut_off`` is set when the file seems cut off (it is then one of the problems): an import
    confirmed with ``accept_cut_off`` would leave the incomplete end out and go on.
    """

    def __init__(self, problems: list[Problem], total: int | None = None,
                 cut_off: Problem | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        self.cut_off = cut_off
        first = str(problems[0]) if problems else _("unknown problem")
        more = self.total - 1
        message = (ngettext("Nothing was imported. {problem} (and {n} more problem)",
                            "Nothing was imported. {problem} (and {n} more problems)", more)
                   if more > 0 else _("Nothing was imported. {problem}"))
        super().__init__(message.format(problem=first, n=more))


class ImportCancelled(LaserLogError):
    def __init__(self) -> None:
        super().__init__(_("Import cancelled; nothing was imported"))


def shown(value: Any, limit: int = 40) -> str:
    """A value read from a file, as a message shows it: one line, short, never a Python repr.

    Text is quoted ('12,5'), with line breaks and control characters made spaces and anything
    past ``limit`` characters cut to '…'; numbers are written plainly, a JSON group or list is
    named as such.
    """
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -10**20 < value < 10**20 else _("a number of more than 20 digits")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return _("a group of named values")
    if isinstance(value, list | tuple):
        return _("a list of values")
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value)[:limit + 1]).split())
    return "'" + (text[:limit] + "…" if len(text) > limit else text) + "'"

