"""The device parameters LaserLog records, in canonical units, with plausible ranges.

Manual entry, file imports and the simulated device all produce values in these units and
are checked against these ranges, so a value means the same whatever its source.
"""

import math
from dataclasses import dataclass

from models.language import N_, _, short_number_text


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    source_label: str  # in English, marked with N_; ``label`` is what a person reads
    unit: str
    minimum: float
    maximum: float
    integer: bool = False

    @property
    def label(self) -> str:
        """The parameter's name in the language in use."""
        return _(self.source_label)

    @property
    def title(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def problem(self, value: float) -> str | None:
        """Say what is wrong with ``value``, or None when it is plausible."""
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value):
            return _("{parameter} must be a number").format(parameter=self.label)
        if self.integer and value != int(value):
            return _("{parameter} must be a whole number").format(parameter=self.label)
        if value < self.minimum or value > self.maximum:
            if self.minimum > 0 and value <= 0:
                return _("{parameter} must be a positive number").format(parameter=self.label)
            return _("{parameter} must be between {minimum} and {maximum}{unit}").format(
                parameter=self.label, minimum=short_number_text(self.minimum),
                maximum=short_number_text(self.maximum),
                unit=f" {self.unit}" if self.unit else "")
        return None


WAVELENGTH = ParameterSpec("wavelength_nm", N_("Wavelength"), "nm", 300, 11000)
FLUENCE = ParameterSpec("fluence_j_cm2", N_("Fluence"), "J/cm²", 0.01, 500)
ENERGY = ParameterSpec("energy_j", N_("Energy"), "J", 0.0001, 500)
POWER = ParameterSpec("power_w", N_("Power"), "W", 0.01, 500)
PULSE_WIDTH = ParameterSpec("pulse_width_ms", N_("Pulse width"), "ms", 0.000001, 10000)
SPOT_SIZE = ParameterSpec("spot_size_mm", N_("Spot size"), "mm", 0.1, 100)
REPETITION_RATE = ParameterSpec("repetition_rate_hz", N_("Repetition rate"), "Hz", 0.01, 1000)

#: Settings of one pass, in the order the session form shows them.
SETTINGS = (WAVELENGTH, FLUENCE, PULSE_WIDTH, SPOT_SIZE, REPETITION_RATE, ENERGY, POWER)
SETTINGS_BY_KEY = {spec.key: spec for spec in SETTINGS}

PULSES = ParameterSpec("pulses", N_("Pulses"), "", 0, 10_000_000, integer=True)
PASSES = ParameterSpec("passes", N_("Passes"), "", 1, 50, integer=True)

#: What the session form asks per treated area: settings first, then counts.
FORM_FIELDS = (WAVELENGTH, FLUENCE, PULSE_WIDTH, SPOT_SIZE, REPETITION_RATE, PULSES, PASSES)
