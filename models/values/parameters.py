"""The device parameters LaserLog records, in canonical units, with plausible ranges.

Manual entry, file imports and the simulated device all produce values in these units and
are checked against these ranges, so a value means the same whatever its source.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    label: str
    unit: str
    minimum: float
    maximum: float
    integer: bool = False

    @property
    def title(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def problem(self, value: float) -> str | None:
        """Say what is wrong with ``value``, or None when it is plausible."""
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value):
            return f"{self.label} must be a number"
        if self.integer and value != int(value):
            return f"{self.label} must be a whole number"
        if value < self.minimum or value > self.maximum:
            if self.minimum > 0 and value <= 0:
                return f"{self.label} must be a positive number"
            return (
                f"{self.label} must be between {self.minimum:g} and {self.maximum:g}"
                f"{' ' + self.unit if self.unit else ''}"
            )
        return None


WAVELENGTH = ParameterSpec("wavelength_nm", "Wavelength", "nm", 300, 11000)
FLUENCE = ParameterSpec("fluence_j_cm2", "Fluence", "J/cm²", 0.01, 500)
ENERGY = ParameterSpec("energy_j", "Energy", "J", 0.0001, 500)
POWER = ParameterSpec("power_w", "Power", "W", 0.01, 500)
PULSE_WIDTH = ParameterSpec("pulse_width_ms", "Pulse width", "ms", 0.000001, 10000)
SPOT_SIZE = ParameterSpec("spot_size_mm", "Spot size", "mm", 0.1, 100)
REPETITION_RATE = ParameterSpec("repetition_rate_hz", "Repetition rate", "Hz", 0.01, 1000)

#: Settings of one pass, in the order the session form shows them.
SETTINGS = (WAVELENGTH, FLUENCE, PULSE_WIDTH, SPOT_SIZE, REPETITION_RATE, ENERGY, POWER)
SETTINGS_BY_KEY = {spec.key: spec for spec in SETTINGS}

PULSES = ParameterSpec("pulses", "Pulses", "", 0, 10_000_000, integer=True)
PASSES = ParameterSpec("passes", "Passes", "", 1, 50, integer=True)

#: What the session form asks per treated area: settings first, then counts.
FORM_FIELDS = (WAVELENGTH, FLUENCE, PULSE_WIDTH, SPOT_SIZE, REPETITION_RATE, PULSES, PASSES)
