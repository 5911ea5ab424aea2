"""A simulated treatment device: seeded, realistic settings for demos and tests.

It stands in for hardware; like every adapter it only produces readings.
"""

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from models.values.session_input import AreaInput
from models.values.vocabulary import Area, DeviceKind, ParameterSource

FACE_AREAS = frozenset(
    {Area.FOREHEAD, Area.PERIORBITAL, Area.CHEEKS, Area.PERIORAL, Area.JAWLINE, Area.SUBMENTAL}
)

#: Typical minutes per area, per treatment (face areas are quick, large body areas slow).
MINUTES_BY_AREA = {
    Area.FOREHEAD: 10, Area.PERIORBITAL: 8, Area.CHEEKS: 12, Area.PERIORAL: 8,
    Area.JAWLINE: 12, Area.SUBMENTAL: 10, Area.NECK: 15, Area.DECOLLETAGE: 18,
    Area.ABDOMEN: 30, Area.ARMS: 25, Area.THIGHS: 35, Area.BUTTOCKS: 30, Area.KNEES: 15,
    Area.HANDS: 12,
}


@dataclass(frozen=True)
class DeviceModel:
    make: str
    model: str
    kind: DeviceKind


SIMULATED_MODELS = (
    DeviceModel("Lumen Aesthetics", "NdYAG Tighten 1064", DeviceKind.LASER),
    DeviceModel("Solace", "IPL Pro 640", DeviceKind.IPL),
    DeviceModel("Thermera", "RF Contour", DeviceKind.RF),
    DeviceModel("Infrasense", "IR Lift 1300", DeviceKind.INFRARED),
)


class SimulatedPulse(NamedTuple):
    """One pulse as the device measured it, in canonical units."""

    area: str
    pass_number: int
    offset_s: float  # since the session's first pulse
    delivered: float  # fluence (J/cm²), or energy (J) for RF
    skin_temperature_c: float
    impedance_ohm: float | None  # RF only


#: About one pulse in this many is delivered well off its setting, as real handpieces do.
STRAY_PULSE_EVERY = 500


class SimulatedDevice:
    """Produces the settings a technician would choose, varying with area and skin type."""

    def __init__(self, kind: DeviceKind, seed: int = 0) -> None:
        self.kind = kind
        self.random = random.Random(seed)

    def _around(self, centre: float, spread: float, digits: int = 1) -> float:
        return round(self.random.gauss(centre, spread), digits)

    def settings_for(self, area: str, fitzpatrick: int) -> AreaInput:
        """One area's settings; darker skin (higher Fitzpatrick type) gets gentler energy."""
        gentler = 1.0 - 0.06 * (fitzpatrick - 1)
        face = area in FACE_AREAS
        rnd = self.random
        if self.kind == DeviceKind.LASER:
            settings = {
                "wavelength_nm": 1064.0,
                "fluence_j_cm2": max(5.0, self._around(38 * gentler, 3)),
                "pulse_width_ms": self._around(0.3 if face else 0.5, 0.05, 2) + 0.05 * fitzpatrick,
                "spot_size_mm": 5.0 if face else 10.0,
                "repetition_rate_hz": float(rnd.choice((5, 7, 10))),
            }
        elif self.kind == DeviceKind.IPL:
            settings = {
                "wavelength_nm": float(rnd.choice((560, 590, 640))) + 20 * (fitzpatrick > 3),
                "fluence_j_cm2": max(6.0, self._around(16 * gentler, 1.5)),
                "pulse_width_ms": self._around(10 + 2 * fitzpatrick, 1.0),
                "spot_size_mm": 15.0,
                "repetition_rate_hz": 1.0,
            }
        elif self.kind == DeviceKind.RF:
            settings = {
                "energy_j": max(5.0, self._around(90 if face else 130, 10)),
                "power_w": max(10.0, self._around(45 if face else 70, 5)),
                "pulse_width_ms": self._around(1500, 200, 0),
                "spot_size_mm": 16.0 if face else 30.0,
                "repetition_rate_hz": 0.5,
            }
        else:
            settings = {
                "wavelength_nm": 1300.0,
                "fluence_j_cm2": max(10.0, self._around(40 * gentler, 3)),
                "pulse_width_ms": self._around(5000, 500, 0),
                "spot_size_mm": 15.0 if face else 25.0,
                "repetition_rate_hz": 0.2,
            }
        passes = rnd.choice((1, 2, 2, 3))
        # A pass takes a few minutes, the handpiece firing about half of that time.
        pass_s = rnd.uniform(90, 180) if face else rnd.uniform(180, 360)
        per_pass = max(10, round(pass_s * 0.5 * settings["repetition_rate_hz"]))
        return AreaInput(
            area=area,
            settings=dict(settings),  # typed as AreaInput's dict[str, float | None]
            pulses=per_pass * passes,
            passes=passes,
            source=ParameterSource.SIMULATED,
        )

    def minutes_for(self, areas: Sequence[str]) -> int:
        """A session length for these areas, at least 15 minutes."""
        total = sum(MINUTES_BY_AREA[Area(a)] for a in areas)
        return max(15, round(total * self.random.uniform(0.8, 1.3)))

    def pulses(self, areas: Sequence[AreaInput]) -> Iterator[SimulatedPulse]:
        """The pulses of a session with these areas and settings, as the device logs them.

        Delivered values scatter a few per cent around the setting, the skin warms during a
        pass and cools between passes, and now and then a pulse strays well off its setting.
        """
        rnd = self.random
        rf = self.kind == DeviceKind.RF
        setting_key = "energy_j" if rf else "fluence_j_cm2"
        offset, skin = 0.0, 31.0
        first = True
        for area in areas:
            passes = area.passes or 1
            per_pass, extra = divmod(area.pulses or passes, passes)
            target = area.settings[setting_key] or 1.0
            interval = 1.0 / (area.settings.get("repetition_rate_hz") or 1.0)
            for pass_number in range(1, passes + 1):
                for _ in range(per_pass + (pass_number <= extra)):
                    if first:
                        first = False
                    else:
                        offset += interval * rnd.uniform(0.95, 1.15)
                    skin += (39.0 - skin) * 0.01 + rnd.gauss(0, 0.05)
                    delivered = target * rnd.gauss(1.0, 0.02)
                    if rnd.randrange(STRAY_PULSE_EVERY) == 0:
                        delivered = target * rnd.choice((0.6, 1.35))
                    yield SimulatedPulse(
                        area.area, pass_number, round(offset, 3), round(delivered, 3),
                        round(skin, 1), round(rnd.gauss(180, 12), 1) if rf else None,
                    )
                offset += rnd.uniform(20, 60)  # the technician pauses between passes
                skin -= (skin - 32.0) * 0.5
            offset += rnd.uniform(60, 180)  # and moves to the next area
