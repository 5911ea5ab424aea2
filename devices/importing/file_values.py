"""Reading one value of an export file: a field's label, a blank, texts, numbers with a
decimal point or comma, pass numbers, and times within the profile's plausible window."""


import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from devices.importing.contract import shown
from devices.importing.fields import NUMBER_FIELDS, TEXT_FIELDS
from devices.importing.profiles import Profile, zone_of
from models.language import _, date_text, ngettext, short_number_text


def field_label(key: str) -> str:
    """A field as a technician knows it: 'time', 'Fluence'."""
    return _(NUMBER_FIELDS[key].spec.label) if key in NUMBER_FIELDS else key


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_values(values: Sequence[Any], required: list[tuple[int, str]]
           ) -> tuple[str, str, str | None, str, str] | str:
    """The text fields of a record, or why it cannot be read: a required field missing or
    blank, or a text field holding a group of values."""
    missing = [name for index, name in required if is_blank(values[index])]
    if missing:
        return _("Missing {fields}").format(fields=", ".join(missing))
    texts = [text_value(value) for value in values[:5]]
    wrong = [(key, value) for key, text, value in zip(TEXT_FIELDS, texts, values[:5],
                                                      strict=False)
             if text is None and not is_blank(value)]
    if wrong:
        return "; ".join(_("The {field} must be text, not {value}").format(
            field=key, value=shown(value)) for key, value in wrong)
    session, serial, patient, time_text, area_text = texts
    # required, so neither blank nor missing: checked above
    assert session and serial and time_text and area_text
    return session, serial, patient or None, time_text, area_text


def text_value(value: Any) -> str | None:
    """A text field as text: numbers (a serial 12345) are written out, groups are not text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


EXACT_INTEGERS = 2**53  # integers up to this are floats exactly


def number_value(raw: Any, comma: bool) -> float:
    """The number a value stands for, maybe infinite; NaN when it is none."""
    if isinstance(raw, str):
        try:
            return float(raw.replace(",", ".") if comma else raw)
        except ValueError:
            return math.nan
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return math.nan
    try:
        return float(raw)
    except OverflowError:  # an integer beyond any float
        return math.inf if raw > 0 else -math.inf


def pass_value(raw: Any) -> int | None:
    """A pass number 1 to 50 ('2', 2, 2.0), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        try:
            raw = float(raw.strip().replace(",", "."))
        except ValueError:
            return None
    if isinstance(raw, float):
        if not raw.is_integer():  # also NaN and the infinities
            return None
        raw = int(raw)
    if isinstance(raw, int) and 1 <= raw <= 50:
        return raw
    return None


def time_parser(profile: Profile, now: datetime) -> Callable[[str], datetime | str]:
    """Parses a pulse's time to UTC, or says what is wrong with it.

    A time before the profile's ``earliest_date`` or more than ``hours_ahead`` after ``now``
    is wrong (a device clock never set, or set to another year): it is never replaced.
    """
    zone = zone_of(profile)
    pattern = profile.date_format
    not_a_time = (
        _("The time {time} is not a date and time written like 2026-03-14 09:30:00")
        if pattern == "iso"
        else _("The time {time} is not a date and time written as {format}")
    )
    earliest = datetime.combine(profile.earliest_date, time(), tzinfo=zone)
    latest = now + timedelta(hours=profile.hours_ahead)
    hours = profile.hours_ahead
    # a part of an hour takes the plural, like the whole numbers but one
    in_future = ngettext(
        "The time {time} is in the future, more than {hours} hour from now; the device's clock "
        "may be wrong",
        "The time {time} is in the future, more than {hours} hours from now; the device's "
        "clock may be wrong", int(hours) if hours.is_integer() else 2)
    too_early = _("The time {time} is before {day}, earlier than the profile accepts; the "
                  "device's clock may be wrong")

    def parse(text: str) -> datetime | str:
        try:
            when = (datetime.fromisoformat(text) if pattern == "iso"
                    else datetime.strptime(text, pattern))
        except (ValueError, OverflowError):
            return not_a_time.format(time=shown(text), format=pattern)
        if when.tzinfo is None:
            when = when.replace(tzinfo=zone)
        try:
            when = when.astimezone(UTC)
            if earliest <= when <= latest:
                return when
            early = when < earliest
        except OverflowError:  # a day from the first or last date a computer can hold
            early = when.year < 5000
        if early:
            return too_early.format(time=shown(text), day=date_text(profile.earliest_date))
        return in_future.format(time=shown(text), hours=short_number_text(hours))

    return parse
