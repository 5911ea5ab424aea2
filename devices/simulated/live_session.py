"""A device connected to an open session: its pulses as they happen, gathered for the draft.

The simulated device is the one that connects: ``Playback`` hands out its pulses at the pace
they would come (or faster, for a demo), and ``LiveRecording`` gathers them: pulses per area
and pass, pulses flagged for review, and the traces the session detail draws. Like every
adapter it only reads; nothing is ever sent to the device.
"""

from array import array
from collections.abc import Iterator, Sequence

from devices.importing.traces import TraceBuffer, TraceChunk, is_stray
from devices.simulated.treatment_device import SimulatedDevice, SimulatedPulse
from models.values.session_input import AreaInput
from models.values.vocabulary import DeviceKind, ParameterSource


def delivered_channel(kind: DeviceKind | str) -> tuple[str, str]:
    """The trace channel a device kind delivers and the setting it is judged against."""
    if kind == DeviceKind.RF:
        return "delivered_energy_j", "energy_j"
    return "delivered_fluence_j_cm2", "fluence_j_cm2"


class LiveRecording:
    """The pulses a connected device delivered so far in one session."""

    def __init__(self, kind: DeviceKind | str, areas: Sequence[AreaInput]) -> None:
        self.planned = {area.area: area for area in areas}
        self.channel, self.setting = delivered_channel(kind)
        self.traces = TraceBuffer()
        self.per_pass: dict[str, dict[int, int]] = {}
        self.pulses = 0
        self.flagged = 0
        self.last_s = 0.0

    def add(self, pulse: SimulatedPulse) -> bool:
        """Record one pulse; True when it is flagged for review."""
        wanted = self.planned[pulse.area].settings.get(self.setting)
        stray = is_stray([(pulse.delivered, wanted)], pulse.skin_temperature_c)
        self.traces.append(pulse.offset_s, (
            (self.channel, pulse.delivered),
            ("skin_temperature_c", pulse.skin_temperature_c),
            ("impedance_ohm", pulse.impedance_ohm),
        ))
        passes = self.per_pass.setdefault(pulse.area, {})
        passes[pulse.pass_number] = passes.get(pulse.pass_number, 0) + 1
        self.pulses += 1
        self.flagged += stray
        self.last_s = pulse.offset_s
        return stray

    def series(self, channel: str) -> array[float]:
        """One channel so far, pulse by pulse (for drawing)."""
        return self.traces.channels[channel]

    @property
    def duration_s(self) -> int:
        """The session's length from the pulses, at least a minute."""
        return max(60, round(self.last_s))

    def areas(self) -> list[AreaInput]:
        """The areas that received pulses, with the settings used and the pulses counted."""
        return [
            AreaInput(area=code, settings=dict(planned.settings),
                      pulses=sum(self.per_pass[code].values()),
                      passes=max(self.per_pass[code]), source=ParameterSource.SIMULATED)
            for code, planned in self.planned.items() if code in self.per_pass
        ]

    def chunks(self) -> list[TraceChunk]:
        return self.traces.chunks()


class Playback:
    """A simulated session's pulses, handed out as the clock reaches each one."""

    def __init__(self, device: SimulatedDevice, areas: Sequence[AreaInput]) -> None:
        self.total = sum(area.pulses or area.passes or 1 for area in areas)
        self._pulses: Iterator[SimulatedPulse] = device.pulses(areas)
        self._next: SimulatedPulse | None = next(self._pulses, None)

    @property
    def finished(self) -> bool:
        return self._next is None

    def due(self, session_s: float) -> list[SimulatedPulse]:
        """The pulses delivered up to ``session_s`` seconds into the session, not given yet."""
        due = []
        while self._next is not None and self._next.offset_s <= session_s:
            due.append(self._next)
            self._next = next(self._pulses, None)
        return due

    def next_at(self) -> float | None:
        """When the next pulse comes, in seconds into the session."""
        return None if self._next is None else self._next.offset_s


def planned_areas(device: SimulatedDevice, areas: Sequence[str],
                  fitzpatrick: int | None) -> list[AreaInput]:
    """The settings the simulated device would be set to for these areas and skin type."""
    return [device.settings_for(area, fitzpatrick or 3) for area in areas]
