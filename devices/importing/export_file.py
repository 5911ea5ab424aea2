"""The export-file adapter: a device's export file, read through its profile, as pulses.

It checks every value the way the session form does (the ranges in ``models.parameters``,
narrowed by the profile) and collects every problem with its line, element or record number,
so a technician sees the whole list at once rather than one error per try.
"""

import hashlib
import math
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from devices.importing.contract import (
    PROBLEMS_LISTED,
    ImportFailed,
    Problem,
    PulseReading,
    shown,
)
from devices.importing.fields import NUMBER_FIELDS, REQUIRED_FIELDS, TEXT_FIELDS
from devices.importing.file_values import (
    EXACT_INTEGERS,
    field_label,
    is_blank,
    number_value,
    pass_value,
    text_values,
    time_parser,
)
from devices.importing.json_reader import json_header, read_json
from devices.importing.profiles import FROM_FILE, Profile, builtin_profiles
from devices.importing.readers import (
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    RawRecords,
    check_size,
    fail,
    guess_delimiter,
    line_too_long,
    place,
    read_csv,
    sniff_format,
    split_header,
    text_encoding,
)
from devices.importing.units import Conversion, UnknownUnit, conversion
from devices.importing.xml_reader import read_xml
from models.errors import LaserLogError
from models.language import _, short_number_text
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
            raise fail(_("{name} is not a file").format(name=path.name))
        check_size(size, max_bytes)
        return path.open("rb")
    except OSError as error:
        raise fail(_("{name} cannot be opened ({reason})").format(
            name=path.name, reason=error.strerror)) from None


def detect_profile(path: Path, profiles: dict[str, Profile] | None = None) -> Profile:
    """The one profile that recognises this file; a clear error when none or several do."""
    profiles = profiles if profiles is not None else builtin_profiles()
    unreadable: list[ImportFailed] = []  # why the file could not be read far enough to tell
    with open_export(path) as binary:
        head = binary.read(4 * MAX_LINE_CHARS + 4)  # the longest first line there may be
        binary.seek(0)
        kind = sniff_format(head)
        candidates = [p for p in profiles.values() if p.format == kind]
        matching = [p for p in candidates if _matches(p, binary, head, unreadable)]
    names = ", ".join(sorted(profiles))
    if not matching:
        if unreadable:  # the file itself is wrong, whichever profile reads it: say why
            raise unreadable[0]
        raise LaserLogError(
            _("No import profile recognises {name} (read as {format}); choose one of: {names}"
              ).format(name=path.name, format=kind.upper(), names=names)
        )
    if len(matching) > 1:
        raise LaserLogError(
            _("{name} matches several import profiles ({names}); choose one").format(
                name=path.name, names=", ".join(p.name for p in matching))
        )
    return matching[0]


def _matches(profile: Profile, binary: BinaryIO, head: bytes,
             unreadable: list[ImportFailed]) -> bool:
    detect = profile.detect
    try:
        if profile.format == "csv":
            encoding = text_encoding(head, profile.encoding)
            first = head.decode(encoding, errors="replace").splitlines()[0]
            if len(first) > MAX_LINE_CHARS:
                unreadable.append(line_too_long(1))
                return False
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
    except ImportFailed as failed:
        unreadable.append(failed)
        return False
    except (IndexError, UnicodeError):
        return False
    finally:
        binary.seek(0)


class FileAdapter:
    """Reads one export file with one profile; ``readings()`` yields its pulses.

    Problems in single values are collected in ``problems`` (the row is left out) and reading
    goes on; a file that cannot be read further raises ``ImportFailed``. A file that seems cut
    off is a problem too, unless ``accept_cut_off``: then its incomplete end is left out and
    ``cut_off`` still says where it was.
    """

    def __init__(self, path: Path, profile: Profile, max_bytes: int = MAX_FILE_BYTES, *,
                 accept_cut_off: bool = False, now: datetime | None = None) -> None:
        self.path, self.profile, self.max_bytes = path, profile, max_bytes
        self.accept_cut_off = accept_cut_off
        self.now = now if now is not None else datetime.now(UTC)
        numbers = [f for f in profile.fields.values() if f.key in NUMBER_FIELDS]
        self.setting_keys = tuple(f.key for f in numbers if not NUMBER_FIELDS[f.key].trace)
        self.trace_keys = tuple(f.key for f in numbers if NUMBER_FIELDS[f.key].trace)
        self._numbers = [
            f for k in (*self.setting_keys, *self.trace_keys) for f in numbers if f.key == k
        ]
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.cut_off: Problem | None = None
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
        text_columns = [
            profile.fields[k].column if k in profile.fields else None for k in TEXT_FIELDS
        ]
        columns = [c or "" for c in text_columns] + [f.column for f in self._numbers]
        sources = [profile.fields.get(k) for k in TEXT_FIELDS] + list(self._numbers)
        required = [(index, f"{field_label(source.key)} ({source.column})")
                    for index, source in enumerate(sources)
                    if source is not None and (source.required or source.key in REQUIRED_FIELDS)]
        more_required = [index for index, source in enumerate(sources)
                         if source is not None and source.required
                         and source.key not in REQUIRED_FIELDS]
        setting_columns = ", ".join(f.column for f in self._numbers[: len(self.setting_keys)])
        with open_export(self.path, self.max_bytes) as binary:
            self.size = self.path.stat().st_size
            records = self._open(binary, columns)
            convert = None
            parse_time = time_parser(profile, self.now)
            area_code = profile.area_code
            comma = profile.decimal == "," or (
                profile.decimal == "auto" and records.signature.get("delimiter", ",") != ","
            )
            self.label = records.label
            first_serial = None
            first_trace = 6 + len(self.setting_keys)
            last_raw: Sequence[Any] | None = None
            last_settings: tuple[float | None, ...] = ()
            pass_numbers: dict[str | int, int] = {}  # the few pass values a file repeats
            for number, values in records.rows:
                self.rows += 1
                if self.rows % 4096 == 0:
                    self.bytes_read = binary.tell()
                if isinstance(values, str):  # the reader could not read this record
                    self.at(number, values)
                    continue
                if convert is None:
                    convert = self._converters(records)
                    setting_converters = convert[: len(self.setting_keys)]
                    trace_converters = convert[len(self.setting_keys) :]
                session, serial, patient, time_text, area_text = values[:5]
                if (type(session) is str and type(serial) is str and type(time_text) is str
                        and type(area_text) is str and (patient is None or type(patient) is str)
                        and (session := session.strip()) and (serial := serial.strip())
                        and (time_text := time_text.strip()) and (area_text := area_text.strip())
                        and not (more_required
                                 and any(is_blank(values[i]) for i in more_required))):
                    patient = patient.strip() or None if patient else None
                else:  # a field missing, blank or not text: say which
                    texts = text_values(values, required)
                    if isinstance(texts, str):
                        self.at(number, texts)
                        continue
                    session, serial, patient, time_text, area_text = texts
                ok = True
                if first_serial is None:
                    first_serial = serial
                elif serial != first_serial:
                    self.at(number, _(
                        "This pulse is from device {serial}, but the file's earlier pulses are "
                        "from device {first}").format(serial=shown(serial)[1:-1],
                                                      first=shown(first_serial)[1:-1]))
                    ok = False
                when = parse_time(time_text)
                if isinstance(when, str):
                    self.at(number, when)
                    ok = False
                area = area_code(area_text)
                if area is None:
                    self.at(number, _(
                        "The area {area} is not one LaserLog knows; add it to the [areas] of "
                        "profile {profile}").format(area=shown(area_text),
                                                    profile=shown(profile.name)))
                    ok = False
                pass_text = values[5]
                pass_number: int | None = 1
                if pass_text is not None and pass_text != "":
                    kind = type(pass_text)
                    cached = kind is str or kind is int
                    pass_number = pass_numbers.get(pass_text) if cached else None
                    if pass_number is None:
                        pass_number = pass_value(pass_text)
                        if pass_number is None:
                            self.at(number, _("The pass {value} is not a whole number from "
                                              "1 to 50").format(value=shown(pass_text)))
                            ok = False
                        elif cached and len(pass_numbers) < 64:
                            pass_numbers[pass_text] = pass_number
                raw_settings = values[6:first_trace]
                settings: tuple[float | None, ...] | None
                if raw_settings == last_raw:
                    settings = last_settings
                elif all(is_blank(raw) for raw in raw_settings):
                    self.at(number, _("This pulse gives none of its settings ({columns})"
                                      ).format(columns=setting_columns))
                    continue
                else:
                    settings = self._convert(number, setting_converters, raw_settings, comma)
                    if settings is not None:
                        last_raw, last_settings = raw_settings, settings
                traces = self._convert(number, trace_converters, values[first_trace:], comma)
                if (ok and settings is not None and traces is not None
                        and isinstance(when, datetime) and area is not None
                        and pass_number is not None):
                    yield PulseReading(number, session, serial, patient, when, area,
                                       pass_number, settings, traces)
            self.bytes_read = self.size
            if records.cut_off is not None:
                self.cut_off = records.cut_off
                if not self.accept_cut_off:
                    self.problem(records.cut_off.where, records.cut_off.message)

    def _convert(
        self, number: int, converters: list[tuple[Any, ...]], raws: Sequence[Any], comma: bool
    ) -> tuple[float | None, ...] | None:
        """Numbers in canonical units, or None when one is wrong (the problem is recorded)."""
        numbers: list[float | None] = []
        append = numbers.append
        for (column, factor, offset, low, high, spec), raw in zip(converters, raws, strict=True):
            if raw is None or raw == "":
                append(None)
                continue
            if type(raw) is str:
                try:
                    value = float(raw.replace(",", ".") if comma else raw)
                except ValueError:
                    value = math.nan
            elif type(raw) is float or (type(raw) is int
                                        and -EXACT_INTEGERS <= raw <= EXACT_INTEGERS):
                value = raw
            else:
                value = number_value(raw, comma)
            scaled = value * factor + offset
            if not low <= scaled <= high:  # also NaN and the infinities
                self.at(number, self._wrong_number(column, factor, raw, scaled, low, high, spec))
                return None
            append(scaled)
        return tuple(numbers)

    @staticmethod
    def _wrong_number(column: str, factor: float, raw: Any, scaled: float, low: float,
                      high: float, spec: Any) -> str:
        if factor != factor:  # NaN: the file never said which unit this column is in
            raise fail(_("The file does not say which unit {column} is in (name it in the "
                         "header, e.g. '{name} [unit]', or in its units)").format(
                             column=shown(column), name=column))
        label = _(spec.label)
        if is_blank(raw) or scaled != scaled:  # text that is no number, NaN, a group of values
            return _("{field} ({column}) {value} is not a number").format(
                field=label, column=column, value=shown(raw))
        if math.isinf(scaled):
            message = (_("{field} ({column}) {value} is too large a number to be a measurement")
                       if any(c.isdigit() for c in str(raw)[:50]) else
                       _("{field} ({column}) {value} is not a number"))
            return message.format(field=label, column=column, value=shown(raw))
        return _("{field} {value} {unit} is outside the plausible range {low} to {high} {unit}"
                 ).format(field=label, value=short_number_text(scaled), unit=spec.unit,
                          low=short_number_text(low), high=short_number_text(high))

    def at(self, number: int, message: str) -> None:
        self.problem(self.place(number), message)

    def place(self, number: int) -> str:
        """Where a record is, in the file's own terms ('line 12', 'element 3')."""
        return place(self.label, number)

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
                    raise fail(_("Column {column}: {problem}").format(
                        column=repr(source.column), problem=error)) from None
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
