"""Import profiles: one TOML file per device model says how to read its export files.

A profile names the file format, how text is encoded, which column (or key, or element)
holds each field, the unit each number is in and its plausible range, which fields every pulse
must give, the dates a pulse may carry, and how the device names treated areas. A new device
model needs a new profile file, not new code.
"""

import tomllib
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.importing.fields import NUMBER_FIELDS, REQUIRED_FIELDS, TEXT_FIELDS
from devices.importing.units import UnknownUnit, conversion
from models.errors import LaserLogError
from models.language import _, short_number_text
from models.storage.own_files import refuse_database_file
from models.values.vocabulary import Area

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

FORMATS = ("csv", "json", "xml")
FROM_FILE = "file"  # a unit given by the export file itself (header or units block)
#: A pulse dated before this day, or more than this many hours after the import, is a problem
#: (a device clock that was never set, or a file from a device set to the wrong year);
#: a profile may say otherwise with ``earliest_date`` and ``hours_ahead``.
EARLIEST_DATE = date(1990, 1, 1)
HOURS_AHEAD = 24.0


class ProfileError(LaserLogError):
    """A profile file that cannot be used; the message names the profile and the key."""


def _at(profile: str, key: str, **values: object) -> dict[str, object]:
    """The placeholders of a ``ProfileError``: the profile and the key (as they are written),
    and any others."""
    return {"profile": repr(profile), "key": repr(key), **values}


@dataclass(frozen=True)
class FieldSource:
    """Where one field is found in a record, and for numbers the unit and plausible range."""

    key: str
    column: str
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False  # every pulse must give it (session, serial, time, area always)


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    format: str
    fields: dict[str, FieldSource]
    encoding: str = "auto"
    delimiter: str = "auto"
    decimal: str = "auto"
    date_format: str = "iso"
    timezone: str = "UTC"
    record: str = "pulse"
    earliest_date: date = EARLIEST_DATE
    hours_ahead: float = HOURS_AHEAD
    detect: dict[str, Any] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    device_area_names: dict[str, str] = field(default_factory=dict)  # code -> device's name

    def area_name(self, code: str) -> str:
        """What the device calls a LaserLog area (its English label when the profile does
        not say)."""
        return self.device_area_names.get(code) or Area(code).source_label

    def area_code(self, name: str) -> str | None:
        """The LaserLog area a device's area name stands for (its code or label also work)."""
        return self.areas.get(name.strip().casefold())


def _area_names() -> dict[str, str]:
    names = {}
    for area in Area:
        names[area.value.casefold()] = area.value
        names[area.source_label.casefold()] = area.value
    return names


def parse_profile(name: str, data: dict[str, Any]) -> Profile:
    """Build a profile from parsed TOML, checking every key; ProfileError names the bad one."""

    def text(key: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value:
            raise ProfileError(_("Import profile {profile}, key {key}: must be given as text"
                                 ).format(**_at(name, key)))
        if choices and value not in choices:
            raise ProfileError(_("Import profile {profile}, key {key}: must be one of "
                                 "{choices}, not {value}").format(
                                     **_at(name, key, choices=", ".join(choices),
                                           value=repr(value))))
        return value

    known = {"title", "format", "encoding", "delimiter", "decimal", "date_format", "timezone",
             "record", "detect", "fields", "areas", "earliest_date", "hours_ahead"}
    for key in data:
        if key not in known:
            raise ProfileError(_("Import profile {profile}, key {key}: is not a profile key"
                                 ).format(**_at(name, key)))
    format_ = text("format", choices=FORMATS)
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, dict) or not raw_fields:
        raise ProfileError(_("Import profile {profile}, key {key}: must map LaserLog fields "
                             "to the file's columns").format(**_at(name, "fields")))
    fields = {key: _field_source(name, key, spec) for key, spec in raw_fields.items()}
    for key in REQUIRED_FIELDS:
        if key not in fields:
            raise ProfileError(_("Import profile {profile}, key {key}: is required").format(
                **_at(name, f"fields.{key}")))
    if not any(not NUMBER_FIELDS[k].trace for k in fields if k in NUMBER_FIELDS):
        raise ProfileError(_("Import profile {profile}, key {key}: must map at least one "
                             "device setting").format(**_at(name, "fields")))
    areas = _area_names()
    raw_areas = data.get("areas", {})
    if not isinstance(raw_areas, dict):
        raise ProfileError(_("Import profile {profile}, key {key}: must map the device's area "
                             "names to LaserLog areas").format(**_at(name, "areas")))
    device_area_names: dict[str, str] = {}
    for device_name, code in raw_areas.items():
        if code not in {a.value for a in Area}:
            raise ProfileError(_("Import profile {profile}, key {key}: {code} is not a "
                                 "LaserLog area").format(
                                     **_at(name, f"areas.{device_name}", code=repr(code))))
        areas[device_name.strip().casefold()] = code
        device_area_names.setdefault(code, device_name)
    detect = data.get("detect", {})
    if not isinstance(detect, dict):
        raise ProfileError(_("Import profile {profile}, key {key}: must be a table").format(
            **_at(name, "detect")))
    delimiter = text("delimiter", "auto")
    if delimiter not in ("auto", ",", ";", "\t", "|"):
        raise ProfileError(_("Import profile {profile}, key {key}: must be auto, a comma, "
                             "semicolon, tab or |").format(**_at(name, "delimiter")))
    encoding = text("encoding", "auto")
    if encoding != "auto":
        try:
            "".encode(encoding)
        except LookupError:
            raise ProfileError(_("Import profile {profile}, key {key}: unknown encoding "
                                 "{encoding}").format(
                                     **_at(name, "encoding", encoding=repr(encoding)))) from None
    timezone = text("timezone", "UTC")
    _zone(name, timezone)
    earliest = data.get("earliest_date", EARLIEST_DATE)
    if isinstance(earliest, datetime):
        earliest = earliest.date()
    elif isinstance(earliest, str):
        with suppress(ValueError):
            earliest = date.fromisoformat(earliest)
    if not isinstance(earliest, date) or not 1970 <= earliest.year <= 2100:
        raise ProfileError(_("Import profile {profile}, key {key}: must be a date from 1970 "
                             "on, like 1990-01-01").format(**_at(name, "earliest_date")))
    hours_ahead = data.get("hours_ahead", HOURS_AHEAD)
    if (isinstance(hours_ahead, bool) or not isinstance(hours_ahead, int | float)
            or not 0 <= hours_ahead <= 24 * 366):
        raise ProfileError(_("Import profile {profile}, key {key}: must be a number of hours "
                             "from 0 to 8784").format(**_at(name, "hours_ahead")))
    return Profile(
        name=name,
        title=text("title", name),
        format=format_,
        fields=fields,
        encoding=encoding,
        delimiter=delimiter,
        decimal=text("decimal", "auto", choices=("auto", ".", ",")),
        date_format=text("date_format", "iso"),
        timezone=timezone,
        record=text("record", "pulse"),
        earliest_date=earliest,
        hours_ahead=float(hours_ahead),
        detect=detect,
        areas=areas,
        device_area_names=device_area_names,
    )


def _zone(name: str, timezone: str) -> "ZoneInfo":
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProfileError(_("Import profile {profile}, key {key}: unknown time zone {zone}"
                             ).format(**_at(name, "timezone", zone=repr(timezone)))) from None


def zone_of(profile: Profile) -> "ZoneInfo":
    return _zone(profile.name, profile.timezone)


def _field_source(name: str, key: str, spec: Any) -> FieldSource:
    where = f"fields.{key}"
    if key not in TEXT_FIELDS and key not in NUMBER_FIELDS:
        raise ProfileError(_("Import profile {profile}, key {key}: is not a field LaserLog "
                             "knows").format(**_at(name, where)))
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("column"), str):
        raise ProfileError(_("Import profile {profile}, key {key}: must name the column, key "
                             "or element").format(**_at(name, f"{where}.column")))
    unknown = set(spec) - {"column", "unit", "range", "required"}
    if unknown:
        raise ProfileError(_("Import profile {profile}, key {key}: is not a field setting"
                             ).format(**_at(name, f"{where}.{sorted(unknown)[0]}")))
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise ProfileError(_("Import profile {profile}, key {key}: must be true or false"
                             ).format(**_at(name, f"{where}.required")))
    number = NUMBER_FIELDS.get(key)
    if number is None:
        if "unit" in spec or "range" in spec:
            raise ProfileError(_("Import profile {profile}, key {key}: is text: it takes no "
                                 "unit or range").format(**_at(name, where)))
        return FieldSource(key, spec["column"], required=required or key in REQUIRED_FIELDS)
    unit = spec.get("unit")
    if not isinstance(unit, str):
        raise ProfileError(_("Import profile {profile}, key {key}: must give the unit, or "
                             "{file}").format(**_at(name, f"{where}.unit", file=repr(FROM_FILE))))
    if unit != FROM_FILE:
        try:
            conversion(number.quantity, unit)
        except UnknownUnit as error:
            raise ProfileError(_("Import profile {profile}, key {key}: {problem}").format(
                **_at(name, f"{where}.unit", problem=error))) from None
    minimum, maximum = number.spec.minimum, number.spec.maximum
    if "range" in spec:
        bounds = spec["range"]
        if (
            not isinstance(bounds, list) or len(bounds) != 2
            or not all(isinstance(b, int | float) for b in bounds)
            or not minimum <= bounds[0] < bounds[1] <= maximum
        ):
            raise ProfileError(_("Import profile {profile}, key {key}: must be [low, high] "
                                 "within {low} to {high} {unit}").format(
                                     **_at(name, f"{where}.range",
                                           low=short_number_text(minimum),
                                           high=short_number_text(maximum),
                                           unit=number.spec.unit)))
        minimum, maximum = float(bounds[0]), float(bounds[1])
    return FieldSource(key, spec["column"], unit, minimum, maximum, required)


def load_profile(path: Path) -> Profile:
    name = path.stem
    refuse_database_file(path, "read a profile from")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(_("Import profile {profile}, key {key}: cannot be read ({reason})"
                             ).format(**_at(name, "-", reason=error.strerror))) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _not_toml(name, error) from None
    return parse_profile(name, data)


def _not_toml(name: str, error: ValueError) -> ProfileError:
    return ProfileError(_("Import profile {profile}, key {key}: is not valid TOML ({error})"
                          ).format(**_at(name, "-", error=error)))


@cache
def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped in resources/profiles, by name (read once per process)."""
    folder = resources.files("resources").joinpath("profiles")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            name = entry.name.removesuffix(".toml")
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise _not_toml(name, error) from None
            found[name] = parse_profile(name, data)
    return found


def find_profile(name_or_path: str, profiles: dict[str, Profile] | None = None) -> Profile:
    """A profile by name (of ``profiles``, else the shipped ones), or a file by its path."""
    if name_or_path.endswith(".toml"):
        return load_profile(Path(name_or_path))
    profiles = profiles if profiles is not None else builtin_profiles()
    if name_or_path not in profiles:
        raise LaserLogError(_("No import profile {name}; the profiles are: {names}").format(
            name=repr(name_or_path), names=", ".join(profiles)))
    return profiles[name_or_path]
