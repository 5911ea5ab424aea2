"""Per-pulse traces as a device measured them, gathered for storage in chunks.

An import and a connected device both fill a ``TraceBuffer`` pulse by pulse; ``take`` hands
over what was gathered as chunks of at most ``TRACE_CHUNK`` pulses, one per channel measured,
in the stored form: little-endian float32.
"""

import sys
from array import array
from collections.abc import Iterable
from typing import NamedTuple

from devices.importing.fields import DEVIATION_LIMIT, SKIN_TEMPERATURE_LIMIT_C, TRACE_CHANNELS
from models.records.imports import TRACE_CHUNK


class TraceChunk(NamedTuple):
    channel: str
    chunk: int
    # Named like the stored column; shadowing tuple.count is deliberate, and callers read
    # ``chunk.count`` and unpack four fields.
    count: int  # type: ignore[assignment]
    data: bytes


def is_stray(delivered_and_set: Iterable[tuple[float | None, float | None]],
             skin_temperature_c: float | None) -> bool:
    """A pulse delivered well off its setting, or on skin too hot, is marked for review."""
    for delivered, wanted in delivered_and_set:
        if delivered is not None and wanted and abs(delivered / wanted - 1) > DEVIATION_LIMIT:
            return True
    return skin_temperature_c is not None and skin_temperature_c > SKIN_TEMPERATURE_LIMIT_C


class TraceBuffer:
    """The channels of one session's pulses since the last ``take``.

    A channel no pulse measured is not stored; a pulse that missed a measured channel holds
    NaN there. ``time_s`` is always stored.
    """

    def __init__(self) -> None:
        self.channels: dict[str, array[float]] = {name: array("f") for name in TRACE_CHANNELS}
        self.present: set[str] = set()
        self.chunk = 0  # number of the next chunk taken

    def __len__(self) -> int:
        return len(self.channels["time_s"])

    def append(self, time_s: float, values: Iterable[tuple[str, float | None]]) -> None:
        """One pulse: its time since the first pulse and its measured ``(channel, value)``."""
        channels = self.channels
        channels["time_s"].append(time_s)
        count = len(channels["time_s"])
        for name, value in values:
            if value is None:
                continue
            column = channels[name]
            if len(column) < count - 1:  # earlier pulses did not measure this channel
                column.extend([float("nan")] * (count - 1 - len(column)))
            column.append(value)
            self.present.add(name)

    @property
    def full(self) -> bool:
        return len(self) >= TRACE_CHUNK

    def take(self) -> list[TraceChunk]:
        """What was gathered, as stored chunks, and start over empty."""
        chunks = self.chunks()
        self.chunk += -(-len(self) // TRACE_CHUNK)
        for values in self.channels.values():
            del values[:]
        return chunks

    def chunks(self) -> list[TraceChunk]:
        """What was gathered, as stored chunks, leaving it gathered."""
        count = len(self)
        chunks = []
        for start in range(0, count, TRACE_CHUNK):
            size = min(TRACE_CHUNK, count - start)
            for name in ("time_s", *sorted(self.present)):
                values = self.channels[name][start:start + size]
                values.extend([float("nan")] * (size - len(values)))
                if sys.byteorder == "big":
                    values.byteswap()
                chunks.append(TraceChunk(name, self.chunk + start // TRACE_CHUNK, size,
                                         values.tobytes()))
        return chunks
