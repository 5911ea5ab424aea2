"""Units a device may report in, and how each converts to LaserLog's canonical unit.

A conversion is ``canonical = value * factor + offset``. Unit names are matched after
dropping spaces and case, with µ/u and ²/2 treated alike, so "mJ/cm²" and "mj/cm2" agree.
"""

from dataclasses import dataclass

from models.language import N_, _


@dataclass(frozen=True)
class Conversion:
    factor: float
    offset: float = 0.0

    def __call__(self, value: float) -> float:
        return value * self.factor + self.offset


#: Canonical unit of each quantity, and every unit accepted for it.
UNITS: dict[str, tuple[str, dict[str, Conversion]]] = {
    "wavelength": ("nm", {"nm": Conversion(1), "um": Conversion(1000)}),
    "fluence": ("J/cm²", {
        "j/cm2": Conversion(1), "mj/cm2": Conversion(0.001),
        "kj/m2": Conversion(0.1), "j/m2": Conversion(0.0001),
    }),
    "energy": ("J", {"j": Conversion(1), "mj": Conversion(0.001), "kj": Conversion(1000)}),
    "power": ("W", {"w": Conversion(1), "mw": Conversion(0.001), "kw": Conversion(1000)}),
    "duration": ("ms", {
        "ms": Conversion(1), "us": Conversion(0.001), "ns": Conversion(0.000001),
        "s": Conversion(1000),
    }),
    "length": ("mm", {
        "mm": Conversion(1), "cm": Conversion(10), "um": Conversion(0.001), "m": Conversion(1000),
    }),
    "frequency": ("Hz", {"hz": Conversion(1), "khz": Conversion(1000)}),
    "temperature": ("°C", {
        "°c": Conversion(1), "c": Conversion(1), "degc": Conversion(1),
        "k": Conversion(1, -273.15), "°f": Conversion(5 / 9, -32 * 5 / 9),
        "f": Conversion(5 / 9, -32 * 5 / 9),
    }),
    "resistance": ("Ω", {"ohm": Conversion(1), "kohm": Conversion(1000)}),
    "time": ("s", {"s": Conversion(1), "ms": Conversion(0.001)}),
}

#: Each quantity as a message names it.
QUANTITY_NAMES = {
    "wavelength": N_("wavelength"), "fluence": N_("fluence"), "energy": N_("energy"),
    "power": N_("power"), "duration": N_("duration"), "length": N_("length"),
    "frequency": N_("frequency"), "temperature": N_("temperature"),
    "resistance": N_("resistance"), "time": N_("time"),
}


def _normal(unit: str) -> str:
    return (
        unit.strip().lower().replace(" ", "").replace("µ", "u").replace("μ", "u")
        .replace("²", "2").replace("Ω", "ohm").replace("ω", "ohm")
    )


class UnknownUnit(ValueError):
    pass


def conversion(quantity: str, unit: str) -> Conversion:
    """How to turn a value of ``quantity`` given in ``unit`` into the canonical unit."""
    canonical, known = UNITS[quantity]
    found = known.get(_normal(unit))
    if found is None:
        accepted = ", ".join(sorted({canonical, *known}))
        raise UnknownUnit(_("unknown unit {unit} for {quantity} (accepted: {accepted})").format(
            unit=repr(unit), quantity=_(QUANTITY_NAMES[quantity]), accepted=accepted))
    return found
