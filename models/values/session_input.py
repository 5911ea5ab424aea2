"""What a technician enters for a session, as plain values, and the rules it must meet.

The session form, the command line and the device adapters all build a ``SessionInput``;
``problems_for_completion`` is the one place that says what a complete session needs.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from models.language import _, date_hint, decimal_separator, grouping_separator, read_date
from models.values.parameters import PASSES, PULSES, SETTINGS_BY_KEY
from models.values.screening import ScreeningInput, problems_for_treatment, problems_in_screening
from models.values.vocabulary import Area, ParameterSource, ReactionKind, ReactionOnset

MAX_DURATION_S = 6 * 3600
_AREA_CODES = frozenset(a.value for a in Area)
_REACTION_CODES = frozenset(k.value for k in ReactionKind)
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before any clinic logged sessions this way


@dataclass(frozen=True)
class PassSettings:
    number: int
    settings: dict[str, float | None]


@dataclass(frozen=True)
class AreaInput:
    """One treated area. ``settings`` hold for every pass unless ``per_pass`` (from a device
    log) gives each pass its own; ``import_batch_id`` names the file they came from."""

    area: str
    settings: dict[str, float | None] = field(default_factory=dict)
    pulses: int | None = None
    passes: int | None = None
    source: str = ParameterSource.MANUAL
    per_pass: tuple[PassSettings, ...] = ()
    import_batch_id: int | None = None
    change_reason: str = ""  # why the setting moved beyond the limit since the last session


@dataclass(frozen=True)
class ReactionInput:
    kind: str
    grade: int
    note: str = ""
    onset: str = ReactionOnset.DURING


@dataclass(frozen=True)
class SessionInput:
    device_id: int | None = None
    room: str = ""
    started_at: datetime | None = None
    duration_s: int | None = None
    anaesthetic_agent: str | None = None
    anaesthetic_applied_at: datetime | None = None
    areas: tuple[AreaInput, ...] = ()
    reactions: tuple[ReactionInput, ...] = ()
    notes: str = ""
    screening: ScreeningInput = field(default_factory=ScreeningInput)
    late_reason: str = ""  # why it is logged long after it started (late_entry_hours)


def area_key(area: str, parameter: str) -> str:
    """The problem key of one parameter of one treated area."""
    return f"areas.{area}.{parameter}"


def problems_in(entry: SessionInput, now: datetime | None = None) -> dict[str, str]:
    """Every value that is present but wrong, keyed by field; missing values are not judged."""
    now = now or datetime.now(UTC)
    problems: dict[str, str] = {}
    if entry.duration_s is not None:
        if entry.duration_s <= 0:
            problems["duration"] = _("Duration must be more than zero minutes")
        elif entry.duration_s > MAX_DURATION_S:
            problems["duration"] = _("Duration cannot be over 6 hours (360 minutes)")
    if entry.started_at is not None and entry.started_at > now + CLOCK_SKEW:
        problems["started_at"] = _("The session cannot start in the future")
    elif entry.started_at is not None and entry.started_at < EARLIEST:
        problems["started_at"] = _("A session cannot start before {year}").format(
            year=EARLIEST.year)
    applied = entry.anaesthetic_applied_at
    if applied is not None and applied > now + CLOCK_SKEW:
        problems["anaesthetic_applied_at"] = _("The anaesthetic cannot be applied in the future")
    seen: set[str] = set()
    for area in entry.areas:
        if area.area not in _AREA_CODES:
            problems[f"areas.{area.area}"] = _("Unknown treated area {code}").format(
                code=repr(area.area))
        elif area.area in seen:
            problems[f"areas.{area.area}"] = _("{area} is listed twice").format(
                area=Area(area.area).label)
        seen.add(area.area)
        for settings in (area.settings, *(p.settings for p in area.per_pass)):
            for key, value in settings.items():
                spec = SETTINGS_BY_KEY.get(key)
                if spec is None:
                    problems[area_key(area.area, key)] = _("Unknown parameter {code}").format(
                        code=repr(key))
                elif value is not None and (problem := spec.problem(value)):
                    problems[area_key(area.area, key)] = problem
        for spec, value in ((PULSES, area.pulses), (PASSES, area.passes)):
            if value is not None and (problem := spec.problem(value)):
                problems[area_key(area.area, spec.key)] = problem
    for reaction in entry.reactions:
        if reaction.kind not in _REACTION_CODES:
            problems[f"reactions.{reaction.kind}"] = _("Unknown reaction {code}").format(
                code=repr(reaction.kind))
        elif not 0 <= reaction.grade <= 4:
            problems[f"reactions.{reaction.kind}"] = _("A reaction is graded from 0 to 4")
    problems.update(problems_in_screening(entry.screening, now.astimezone().date()))
    return problems


def problems_for_completion(entry: SessionInput, now: datetime | None = None) -> dict[str, str]:
    """What stops this session from being completed and signed; empty when nothing does."""
    problems = problems_in(entry, now)
    today = (now or datetime.now(UTC)).astimezone().date()
    problems.update(problems_for_treatment(entry.screening, today))
    if entry.duration_s is None:
        problems["duration"] = _("Enter how long the session took, in minutes")
    if not entry.areas:
        problems["areas"] = _("Pick at least one treated area")
    if entry.device_id is None:
        problems["device"] = _("Pick the device used")
    if entry.anaesthetic_agent is not None and not entry.anaesthetic_agent.strip():
        problems["anaesthetic_agent"] = _("Name the topical anaesthetic, or choose None")
    return problems


# --- Reading typed text -------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(text: str, label: str) -> float | None:
    """A number typed by hand ('12.5' or '12,5'); None when empty; ValueError when not a number.
    ``label`` names the field in the language in use.

    Either sign is taken as the decimal one, except the locale's grouping sign before three
    digits: "1.500" in German is a thousand and a half, not one and a half, so it is asked
    again rather than guessed."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(_("{field} must be a number, not {text}").format(
            field=label, text=repr(text)))
    if re.fullmatch(rf"[+-]?[1-9]\d{{0,2}}{re.escape(grouping_separator())}\d{{3}}", text):
        raise ValueError(_("{field}: {text} could be read two ways; type it without a "
                           "thousands separator, with {decimal} for decimals").format(
            field=label, text=repr(text), decimal=repr(decimal_separator())))
    return float(text.replace(",", "."))


def parse_minutes(text: str) -> int | None:
    """A duration typed as minutes ('45', '52.5') or hours and minutes ('1:05'), in seconds."""
    text = text.strip()
    if not text:
        return None
    if ":" in text:
        hours, _colon, minutes = text.partition(":")
        if not (hours.strip().isdigit() and minutes.strip().isdigit()):
            raise ValueError(_(
                "Type the duration as minutes (45) or hours:minutes (1:05), not {text}").format(
                text=repr(text)))
        return int(hours) * 3600 + int(minutes) * 60
    minutes_value = parse_number(text, _("Duration"))
    assert minutes_value is not None
    return round(minutes_value * 60)


def parse_date(text: str, label: str) -> date | None:
    """A date typed as YYYY-MM-DD or in the locale's short form (``29.11.2026``); None when
    empty (``label``: the field, as read)."""
    text = text.strip()
    if not text:
        return None
    try:
        return read_date(text)
    except ValueError:
        raise ValueError(_("{field} must be a date written {pattern}, not {text}").format(
            field=label, pattern=date_hint(), text=repr(text))) from None
