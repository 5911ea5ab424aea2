"""The fields an export file can fill: what each means, its canonical unit and plausible range.

Settings reuse the specs of ``models.parameters`` so an imported value is judged exactly like
a typed one; trace channels (what the device measured pulse by pulse) are described here.
"""

from dataclasses import dataclass

from models.language import N_
from models.values.parameters import SETTINGS_BY_KEY, ParameterSpec

#: Text fields of every pulse record; ``session``, ``serial``, ``time`` and ``area`` are needed.
TEXT_FIELDS = ("session", "serial", "patient", "time", "area", "pass")
REQUIRED_FIELDS = ("session", "serial", "time", "area")


@dataclass(frozen=True)
class NumberField:
    """A numeric field of a pulse record: a setting of the pass or a measured trace channel."""

    spec: ParameterSpec
    quantity: str
    trace: bool  # measured per pulse (a trace channel) rather than a setting of the pass

    @property
    def key(self) -> str:
        return self.spec.key


_SETTING_QUANTITY = {
    "wavelength_nm": "wavelength", "fluence_j_cm2": "fluence", "energy_j": "energy",
    "power_w": "power", "pulse_width_ms": "duration", "spot_size_mm": "length",
    "repetition_rate_hz": "frequency",
}

_TRACES = (
    NumberField(ParameterSpec("delivered_fluence_j_cm2", N_("Delivered fluence"), "J/cm²", 0,
                              500), "fluence", trace=True),
    NumberField(ParameterSpec("delivered_energy_j", N_("Delivered energy"), "J", 0, 500),
                "energy", trace=True),
    NumberField(ParameterSpec("skin_temperature_c", N_("Skin temperature"), "°C", 0, 80),
                "temperature", trace=True),
    NumberField(ParameterSpec("impedance_ohm", N_("Impedance"), "Ω", 1, 100_000),
                "resistance", trace=True),
)

NUMBER_FIELDS: dict[str, NumberField] = {
    key: NumberField(SETTINGS_BY_KEY[key], quantity, trace=False)
    for key, quantity in _SETTING_QUANTITY.items()
} | {field.key: field for field in _TRACES}

#: Trace channels in storage order; ``time_s`` (seconds since the session's first pulse) is
#: always recorded.
TRACE_CHANNELS = ("time_s", *(field.key for field in _TRACES))

#: A delivered value this far from its setting, or skin this hot, marks the pulse for review.
DEVIATION_LIMIT = 0.2
SKIN_TEMPERATURE_LIMIT_C = 45.0
