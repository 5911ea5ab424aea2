"""Dates, times and numbers as a person reads them in the locale in use.

Stored values never pass through here: they stay in UTC and canonical units, and the machine
exports (CSV, FHIR) write ISO 8601 and a decimal point whatever the locale.
"""

import re
from datetime import date, datetime

from models.language.catalogue import Choice, current


def date_text(day: date, choice: Choice | None = None) -> str:
    """``2026-11-29`` with no locale; ``29.11.2026`` in German, ``Nov 29, 2026`` in US English
    (in the locale in use, or ``choice``'s: a document printed in the patient's language)."""
    locale = (choice or current()).locale
    if locale is None:
        return day.isoformat()
    from babel.dates import format_date  # only once a locale asks for it

    return format_date(day, "medium", locale=locale)


def date_entry_pattern() -> str:
    """How a date is typed (and shown where it is typed), as a pattern of ``d``, ``M`` and
    ``yyyy`` that Babel and Qt both read: ``yyyy-MM-dd`` with no locale, else the locale's
    short date with a four-digit year (``dd.MM.yyyy``, ``M/d/yyyy``)."""
    locale = current().locale
    if locale is None:
        return "yyyy-MM-dd"
    from babel.dates import get_date_format

    return re.sub(r"y+", "yyyy", get_date_format("short", locale=locale).pattern)


def typed_date_text(day: date) -> str:
    """``day`` as it is typed in the locale: ``29.11.2026`` in German, ISO with no locale."""
    if current().locale is None:
        return day.isoformat()
    from babel.dates import format_date

    return format_date(day, date_entry_pattern(), locale=current().locale)


def date_hint() -> str:
    """What a date field asks for: ``YYYY-MM-DD`` with no locale, else an example typed in
    the locale (``31.12.2026``)."""
    return "YYYY-MM-DD" if current().locale is None else typed_date_text(date(2026, 12, 31))


def time_hint() -> str:
    """What a time of day is typed as: ``HH:MM`` with no locale, else an example (``14:30``)."""
    return "HH:MM" if current().locale is None else "14:30"


def grouping_separator() -> str:
    locale = current().locale
    if locale is None:
        return ","
    from babel.numbers import get_group_symbol

    return get_group_symbol(locale)


def read_date(text: str) -> date:
    """A date typed as ISO 8601 (always understood) or exactly in the locale's typed form with
    a four-digit year (``dd.MM.yyyy``: 05.13.2026 is no date, never the 13th of May);
    ValueError when it is neither."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if current().locale is None:
        raise ValueError(text)
    fields = {"d": r"(?P<day>\d{1,2})", "M": r"(?P<month>\d{1,2})", "y": r"(?P<year>\d{4})"}
    pattern = "".join(fields[part[0]] if part[0] in fields else re.escape(part)
                      for part in re.findall(r"d+|M+|y+|[^dMy]+", date_entry_pattern()))
    typed = re.fullmatch(pattern, text)
    if typed is None:
        raise ValueError(text)
    return date(int(typed["year"]), int(typed["month"]), int(typed["day"]))


def long_date_text(day: date, locale: str | None) -> str:
    """The day written out for a letter or a sheet: ``29 November 2026``, ``29. November 2026``."""
    if locale is None:
        return f"{day:%d %B %Y}"
    from babel.dates import format_date

    return format_date(day, "long", locale=locale)


def time_text(moment: datetime, choice: Choice | None = None) -> str:
    """The local time of day, in hours and minutes."""
    local = moment.astimezone()
    locale = (choice or current()).locale
    if locale is None:
        return local.strftime("%H:%M")
    from babel.dates import format_time

    return format_time(local.timetz(), "short", locale=locale)


def datetime_text(moment: datetime, choice: Choice | None = None) -> str:
    """The local day and time, joined as the locale joins them."""
    local = moment.astimezone()
    locale = (choice or current()).locale
    if locale is None:
        return local.strftime("%Y-%m-%d %H:%M")
    from babel.dates import get_datetime_format

    pattern = str(get_datetime_format("medium", locale=locale))
    return (pattern.replace("{1}", date_text(local.date(), choice))
            .replace("{0}", time_text(local, choice)))


def number_text(value: float, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` places, with the locale's decimal sign and grouping."""
    locale = current().locale
    if locale is None:
        return f"{value:,.{decimals}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(value, decimals), pattern, locale=locale)


def short_number_text(value: float, significant: int = 6) -> str:
    """A measured value as typed, in its shortest form to ``significant`` digits (``12.5``,
    ``30``), with the locale's decimal sign: ``12,5`` in German. Read back by
    ``parse_number``, which takes either sign."""
    return f"{value:.{significant}g}".replace(".", decimal_separator())


def decimal_separator() -> str:
    locale = current().locale
    if locale is None:
        return "."
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(locale)
