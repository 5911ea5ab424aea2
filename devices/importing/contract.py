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
from typing import NamedTuple

from models.errors import LaserLogError

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
    """The file was not imported; nothing was written. ``problems`` lists why, by line."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        first = str(problems[0]) if problems else "unknown problem"
        more = f" (and {self.total - 1} more problems)" if self.total > 1 else ""
        super().__init__(f"Nothing was imported. {first}{more}")


class ImportCancelled(LaserLogError):
    def __init__(self) -> None:
        super().__init__("Import cancelled; nothing was imported")
