"""The export-file adapter: a device's export file, read through its profile, as pulses.

It checks every value the way the session form does (the ranges in ``models.parameters``,
narrowed by the profile) and collects every problem with its line, element or record number,
so a technician sees the whole list at once rather than one error per try.
"""

import hashlib
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from devices.importing.contract import PROBLEMS_LISTED, ImportFailed, Problem, PulseReading
from devices.importing.fields import NUMBER_FIELDS, REQUIRED_FIELDS
from devices.importing.profiles import FROM_FILE, Profile, builtin_profiles, zone_of
from devices.importing.readers import (
    MAX_FILE_BYTES,
    RawRecords,
    check_size,
    fail,
    guess_delimiter,
    json_header,
    read_csv,
    read_json,
    read_xml,
    sniff_format,
    split_header,
    text_encoding,
)
from devices.importing.units import Conversion, UnknownUnit, conversion
from models.errors import LaserLogError
from models.storage.own_files import refuse_database_file


def file_sha256(path: Path) -> str:
    refuse_database_file(path, "import")
    digest = hashlib.sha256()
    with path.open("rb") as binary:
        while chunk := binary.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def open_export(path: Path, max_bytes: int = MAX_FILE_BYTES) -> BinaryIO:
    """Open an export file for reading, refusing an empty or too large one before reading."""
    refuse_database_file(path, "import")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise fail(f"{path.name} is not a file")
        check_size(size, max_bytes)
        return path.open("rb")
    except OSError as error:
        raise fail(f"{path.name} cannot be opened ({error.strerror})") from None


def detect_profile(path: Path, profiles: dict[str, Profile] | None = None) -> Profile:
    """The one profile that recognises this file; a clear error when none or several do."""
    profiles = profiles if profiles is not None else builtin_profiles()
    with open_export(path) as binary:
        head = binary.read(64 * 1024)
        binary.seek(0)
        kind = sniff_format(head)
        candidates = [p for p in profiles.values() if p.format == kind]
        matching = [p for p in candidates if _matches(p, binary, head)]
    names = ", ".join(sorted(profiles))
    if not matching:
        raise LaserLogError(
            f"No import profile recognises {path.name} (read as {kind.upper()}); "
            f"choose one of: {names}"
        )
    if len(matching) > 1:
        raise LaserLogError(
            f"{path.name} matches several import profiles "
            f"({', '.join(p.name for p in matching)}); choose one"
        )
    return matching[0]


def _matches(profile: Profile, binary: BinaryIO, head: bytes) -> bool:
    detect = profile.detect
    try:
        if profile.format == "csv":
            encoding = text_encoding(head, profile.encoding)
            first = head.decode(encoding, errors="replace").splitlines()[0]
            sep = guess_delimiter(first, profile.delimiter)
            header = {split_header(n)[0] for n in first.split(sep)}
            wanted = detect.get("columns") or [f.column for f in profile.fields.values()]
            return all(c.casefold() in header for c in wanted)
        if profile.format == "json":
            json_head = json_header(binary, profile.record)
            return all(json_head.get(k) == v for k, v in detect.items())
        records = read_xml(binary, [], profile.record)
        signature = records.signature
        return all(signature.get(k) == v for k, v in detect.items())
    except (ImportFailed, IndexError, UnicodeError):
        return False
    finally:
        binary.seek(0)


class FileAdapter:
    """Reads one export file with one profile; ``readings()`` yields its pulses.

    Problems in single values are collected in ``problems`` (the row is left out) and reading
    goes on; a file that cannot be read further raises ``ImportFailed``.
    """

    def __init__(self, path: Path, profile: Profile, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path, self.profile, self.max_bytes = path, profile, max_bytes
        numbers = [f for f in profile.fields.values() if f.key in NUMBER_FIELDS]
        self.setting_keys = tuple(f.key for f in numbers if not NUMBER_FIELDS[f.key].trace)
        self.trace_keys = tuple(f.key for f in numbers if NUMBER_FIELDS[f.key].trace)
        self._numbers = [
            f for k in (*self.setting_keys, *self.trace_keys) for f in numbers if f.key == k
        ]
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.label = "line"
        self.rows = 0
        self.bytes_read = 0
        self.size = 0

    def problem(self, where: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_LISTED:
            self.problems.append(Problem(where, message))

    def readings(self) -> Iterator[PulseReading]:
        profile = self.profile
        text_keys = ("session", "serial", "patient", "time", "area", "pass")
        text_columns = [
            profile.fields[k].column if k in profile.fields else None for k in text_keys
        ]
        columns = [c or "" for c in text_columns] + [f.column for f in self._numbers]
        with open_export(self.path, self.max_bytes) as binary:
            self.size = self.path.stat().st_size
            records = self._open(binary, columns)
            convert = None
            parse_time = _time_parser(profile)
            area_code = profile.area_code
            comma = profile.decimal == "," or (
                profile.decimal == "auto" and records.signature.get("delimiter", ",") != ","
            )
            self.label = records.label
            first_serial = None
            first_trace = 6 + len(self.setting_keys)
            last_raw: list[Any] | None = None
            last_settings: tuple[float | None, ...] = ()
            for number, values in records.rows:
                self.rows += 1
                if self.rows % 4096 == 0:
                    self.bytes_read = binary.tell()
                if convert is None:
                    convert = self._converters(records)
                    setting_converters = convert[: len(self.setting_keys)]
                    trace_converters = convert[len(self.setting_keys) :]
                session, serial, patient, time_text, area_text, pass_text = values[:6]
                ok = True
                if not session or not serial or not time_text or not area_text:
                    missing = [
                        k
                        for k, v in zip(
                            ("session", "serial", "time", "area"),
                            (session, serial, time_text, area_text),
                            strict=True,
                        )
                        if not v
                    ]
                    self.at(
                        number,
                        "Missing "
                        + ", ".join(f"{k} ({profile.fields[k].column})" for k in missing),
                    )
                    continue
                serial = str(serial).strip()
                if first_serial is None:
                    first_serial = serial
                elif serial != first_serial:
                    self.at(
                        number,
                        f"This pulse is from device {serial}, but the file's "
                        f"earlier pulses are from device {first_serial}",
                    )
                    ok = False
                try:
                    when = parse_time(str(time_text))
                except ValueError:
                    self.at(
                        number,
                        f"The time {time_text!r} is not a date and time "
                        f"written {_format_hint(profile)}",
                    )
                    ok = False
                area = area_code(str(area_text))
                if area is None:
                    self.at(
                        number,
                        f"The area {area_text!r} is not one LaserLog knows; "
                        f"add it to the [areas] of profile {profile.name!r}",
                    )
                    ok = False
                pass_number = 1
                if pass_text not in (None, ""):
                    try:
                        pass_number = int(float(str(pass_text).replace(",", ".")))
                        if not 1 <= pass_number <= 50:
                            raise ValueError
                    except ValueError:
                        self.at(number, f"The pass {pass_text!r} is not a number 1 to 50")
                        ok = False
                raw_settings = values[6:first_trace]
                settings: tuple[float | None, ...] | None
                if raw_settings == last_raw:
                    settings = last_settings
                else:
                    settings = self._convert(number, setting_converters, raw_settings, comma)
                    if settings is not None:
                        last_raw, last_settings = raw_settings, settings
                traces = self._convert(number, trace_converters, values[first_trace:], comma)
                # ``ok`` is False whenever ``area`` is None; mypy needs it said
                if ok and area is not None and settings is not None and traces is not None:
                    yield PulseReading(
                        number,
                        str(session).strip(),
                        serial,
                        str(patient).strip() if patient else None,
                        when,
                        area,
                        pass_number,
                        settings,
                        traces,
                    )
            self.bytes_read = self.size

    def _convert(
        self, number: int, converters: list[tuple[Any, ...]], raws: list[Any], comma: bool
    ) -> tuple[float | None, ...] | None:
        """Numbers in canonical units, or None when one is wrong (the problem is recorded)."""
        numbers: list[float | None] = []
        for (column, factor, offset, low, high, spec), raw in zip(converters, raws, strict=True):
            if raw is None or raw == "":
                numbers.append(None)
                continue
            try:
                if isinstance(raw, str):
                    raw = float(raw.replace(",", ".") if comma else raw)
                elif isinstance(raw, bool) or not isinstance(raw, int | float):
                    raise ValueError
                if not math.isfinite(raw):
                    raise ValueError
            except ValueError:
                self.at(number, f"{spec.label} ({column}) {raw!r} is not a number")
                return None
            if factor != factor:  # NaN: the file never said which unit this column is in
                raise fail(f"The file does not say which unit {column!r} is in (name it in "
                           f"the header, e.g. '{column} [unit]', or in its units)")
            value = raw * factor + offset
            if not low <= value <= high:
                self.at(
                    number,
                    f"{spec.label} {value:g} {spec.unit} is outside the plausible "
                    f"range {low:g} to {high:g} {spec.unit}",
                )
                return None
            numbers.append(value)
        return tuple(numbers)

    def at(self, number: int, message: str) -> None:
        self.problem(self.place(number), message)

    def place(self, number: int) -> str:
        """Where a record is, in the file's own terms ('line 12', 'element 3')."""
        return f"{self.label} {number}"

    def _open(self, binary: BinaryIO, columns: list[str]) -> RawRecords:
        profile = self.profile
        if profile.format == "csv":
            required = [profile.fields[k].column for k in REQUIRED_FIELDS]
            return read_csv(binary, columns, required, profile.encoding, profile.delimiter)
        if profile.format == "json":
            return read_json(binary, columns, profile.record)
        return read_xml(binary, columns, profile.record)

    def _converters(self, records: RawRecords) -> list[tuple[Any, ...]]:
        """Per number column: column, unit factor and offset, plausible range, spec."""
        converters = []
        for source in self._numbers:
            field = NUMBER_FIELDS[source.key]
            unit = source.unit
            if unit == FROM_FILE:
                unit = records.units.get(source.column.casefold())
            if unit is None:  # refused when a value turns up: the column may be absent
                change = Conversion(math.nan)
            else:
                try:
                    change = conversion(field.quantity, unit)
                except UnknownUnit as error:
                    raise fail(f"Column {source.column!r}: {error}") from None
            converters.append(
                (
                    source.column,
                    change.factor,
                    change.offset,
                    source.minimum,
                    source.maximum,
                    field.spec,
                )
            )
        return converters


def _format_hint(profile: Profile) -> str:
    return (
        "like 2026-03-14 09:30:00"
        if profile.date_format == "iso"
        else (f"as {profile.date_format}")
    )


def _time_parser(profile: Profile) -> Callable[[str], datetime]:
    zone = zone_of(profile)
    pattern = profile.date_format

    def parse(text: str) -> datetime:
        text = text.strip()
        when = (
            datetime.fromisoformat(text) if pattern == "iso" else datetime.strptime(text, pattern)
        )
        if when.tzinfo is None:
            when = when.replace(tzinfo=zone)
        return when.astimezone(UTC)

    return parse
