"""Manual entry: parameters read off the device's screen and typed into the session form."""

from collections.abc import Mapping

from models.language import _
from models.values.parameters import FORM_FIELDS, PASSES, PULSES
from models.values.session_input import AreaInput, area_key, parse_number
from models.values.vocabulary import ParameterSource


def area_from_form(area: str, typed: Mapping[str, str]) -> tuple[AreaInput, dict[str, str]]:
    """Turn one area's typed fields (keyed by parameter) into canonical values.

    Returns the values that could be read and, keyed like the session problems, what could
    not: the caller keeps the typed text on screen either way.
    """
    problems: dict[str, str] = {}
    values: dict[str, float | None] = {}
    for spec in FORM_FIELDS:
        try:
            value = parse_number(typed.get(spec.key, ""), _(spec.label))
        except ValueError as error:
            problems[area_key(area, spec.key)] = str(error)
            value = None
        if value is not None and (problem := spec.problem(value)):
            problems[area_key(area, spec.key)] = problem
            value = None
        values[spec.key] = value
    pulses, passes = values.pop(PULSES.key), values.pop(PASSES.key)
    entry = AreaInput(
        area=area,
        settings=values,
        pulses=None if pulses is None else int(pulses),
        passes=None if passes is None else int(passes),
        source=ParameterSource.MANUAL,
    )
    return entry, problems
