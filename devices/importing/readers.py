"""Streaming readers for export files: CSV, JSON and XML, one record at a time.

A reader never holds the whole file: rows come out as they are read, so a file of a million
pulses costs the memory of one. Every reader yields ``(number, values)`` where ``values`` is
aligned with the columns asked for; ``number`` is the line (CSV), record (JSON) or element
(XML) number a problem is reported at. A file that cannot be read at all raises
``ImportFailed`` with a sentence a technician understands.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import defusedxml.ElementTree as safe_xml
import ijson
from defusedxml import DefusedXmlException

from devices.importing.contract import ImportFailed, Problem

MAX_FILE_BYTES = 1024**3
_SAMPLE_BYTES = 64 * 1024
_HEADER = re.compile(r"^\s*(.*?)\s*(?:[\[(]\s*([^\])]*?)\s*[\])])?\s*$")


def fail(message: str, where: str = "") -> ImportFailed:
    return ImportFailed([Problem(where, message)])


def sniff_format(head: bytes) -> str:
    """'json', 'xml' or 'csv', from the first bytes of a file."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{") or text.startswith(b"["):
        return "json"
    if text.startswith(b"<"):
        return "xml"
    return "csv"


def check_size(size: int, max_bytes: int = MAX_FILE_BYTES) -> None:
    if size == 0:
        raise fail("The file is empty")
    if size > max_bytes:
        raise fail(
            f"The file is {size / 1024**2:,.0f} MB, larger than the {max_bytes / 1024**2:,.0f} MB "
            "an export file may be; it was not read. Export fewer sessions at a time."
        )


@dataclass
class RawRecords:
    """What a reader found: the file's own units, its header, and its records as they come."""

    label: str  # what ``number`` counts: "line", "record" or "element"
    rows: Iterator[tuple[int, list[Any]]]
    units: dict[str, str] = field(default_factory=dict)  # column (casefolded) -> unit text
    signature: dict[str, Any] = field(default_factory=dict)  # what profile detection matches


def split_header(name: str) -> tuple[str, str | None]:
    """'Fluence (mJ/cm²)' -> ('fluence', 'mJ/cm²'); names compare without case."""
    match = _HEADER.match(name)
    assert match is not None  # the pattern matches any text
    return match.group(1).casefold(), match.group(2) or None


# --- CSV -----------------------------------------------------------------------------------

def text_encoding(head: bytes, configured: str = "auto") -> str:
    """The encoding of a text file from its first bytes: BOM, profile, UTF-8, else cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if configured != "auto":
        return configured
    if b"\x00" in head:
        quarter = len(head) // 4
        if head[1::2].count(0) > quarter:
            return "utf-16-le"
        if head[0::2].count(0) > quarter:
            return "utf-16-be"
        raise fail("This is not a text export file: it holds binary data")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def guess_delimiter(header_line: str, configured: str = "auto") -> str:
    """The profile's delimiter, or the one that splits the header line most."""
    if configured != "auto":
        return configured
    return max((",", ";", "\t", "|"), key=header_line.count)


def read_csv(binary: IO[bytes], columns: Sequence[str], required: Sequence[str] = (),
             encoding: str = "auto", delimiter: str = "auto") -> RawRecords:
    """Rows of a CSV file, reordered to ``columns`` (header names compared without case).

    A column in ``required`` must be in the header; any other missing column reads as None.
    """
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    encoding = text_encoding(head, encoding)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
    try:
        header_line = text.readline()
    except UnicodeDecodeError:
        raise fail(f"The text cannot be read as {encoding}", "line 1") from None
    if not header_line.strip():
        raise fail("The first line should name the columns, but it is empty", "line 1")
    separator = guess_delimiter(header_line, delimiter)
    names = next(csv.reader([header_line], delimiter=separator))
    found: dict[str, int] = {}
    units: dict[str, str] = {}
    for index, name in enumerate(names):
        column, unit = split_header(name)
        found.setdefault(column, index)
        if unit:
            units[column] = unit
    missing = [c for c in required if c.casefold() not in found]
    signature = {"columns": tuple(found), "delimiter": separator}
    indexes = [found.get(c.casefold()) for c in columns]
    return RawRecords("line", _csv_rows(text, separator, indexes, len(names), missing),
                      units, signature)


def _csv_rows(text: io.TextIOWrapper, separator: str, indexes: list[int | None], width: int,
              missing: list[str]) -> Iterator[tuple[int, list[Any]]]:
    if missing:
        raise fail("The file has no column " + ", ".join(repr(m) for m in missing)
                   + " (the first line names the columns)", "line 1")
    reader = csv.reader(text, delimiter=separator)
    line = 1
    try:
        for row in reader:
            line = reader.line_num + 1
            if not row:
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield line, [None if i is None else row[i] for i in indexes]
    except UnicodeDecodeError:
        raise fail(f"The text cannot be read as {text.encoding}", f"line {line + 1}") from None
    except csv.Error as error:
        raise fail(f"The line cannot be read as CSV ({error})", f"line {line + 1}") from None


# --- JSON ----------------------------------------------------------------------------------

def json_header(binary: IO[bytes], record: str) -> dict[str, Any]:
    """The small top-level values that come before the records (format, device, units)."""
    header: dict[str, Any] = {}
    try:
        for key, value in _top_level_until(binary, record):
            header[key] = value
    finally:
        binary.seek(0)
    return header


def _top_level_until(binary: IO[bytes], record: str) -> Iterator[tuple[str, Any]]:
    key, builder = None, None
    try:
        for prefix, event, value in ijson.parse(binary, use_float=True):
            if prefix == "":
                if event == "map_key":
                    if value == record:
                        return
                    key, builder = value, ijson.ObjectBuilder()
                elif event == "start_array":
                    raise fail(f"The file is a JSON list; expected an object with {record!r}")
                continue
            assert builder is not None
            builder.event(event, value)
            if prefix == key and event not in ("start_map", "start_array", "map_key"):
                yield key, builder.value
    except ijson.JSONError as error:
        raise fail(_json_problem(error)) from None


def _json_problem(error: Exception) -> str:
    text = str(error)
    if isinstance(error, ijson.IncompleteJSONError) and ("premature" in text.lower()
                                                         or "incomplete" in text.lower()):
        return "The file ends too early: it was cut off while being copied"
    return f"This is not a readable JSON export file ({text.strip()[:120]})"


def read_json(binary: IO[bytes], columns: Sequence[str], record: str) -> RawRecords:
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if b"\x00" in head:
        raise fail("This is not a JSON export file: it holds binary data")
    header = json_header(binary, record)
    units = header.get("units", {})
    if not isinstance(units, dict) or not all(isinstance(v, str) for v in units.values()):
        raise fail("'units' must map each field to the unit it is given in")
    return RawRecords(
        "record", _json_rows(binary, columns, record),
        {k.casefold(): v for k, v in units.items()},
        {"format": header.get("format"), "keys": tuple(header)},
    )


def _json_rows(binary: IO[bytes], columns: Sequence[str], record: str
               ) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        for number, item in enumerate(
            ijson.items(binary, f"{record}.item", use_float=True), start=1
        ):
            if not isinstance(item, dict):
                raise fail("Each record must be an object of named values", f"record {number}")
            yield number, [item.get(c) for c in columns]
    except ijson.JSONError as error:
        raise fail(_json_problem(error), f"after record {number}") from None
    if number == 0:
        raise fail(f"The file holds no {record!r} records")


# --- XML -----------------------------------------------------------------------------------

def read_xml(binary: IO[bytes], columns: Sequence[str], record: str) -> RawRecords:
    """Records are ``<record>`` elements; a field is an attribute or a child element.

    Units come from a ``<units field="unit" .../>`` element before the records. Parsed with
    defusedxml: a DOCTYPE, entity or external reference is refused, never expanded.
    """
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail("This is not an XML export file: it holds binary data")
    events = _xml_events(binary)
    try:
        _event, root = next(events)
    except StopIteration:
        raise fail("The file holds no XML element") from None
    result = RawRecords("element", iter(()), {},
                        {"root": root.tag, "format": root.get("format")})
    result.rows = _xml_rows(events, root, columns, record, result.units)
    return result


def _xml_events(binary: IO[bytes]) -> Iterator[tuple[str, Any]]:
    try:
        yield from safe_xml.iterparse(binary, events=("start", "end"), forbid_dtd=True)
    except DefusedXmlException:
        raise fail("The file declares a document type or entities, which LaserLog refuses "
                   "to read for safety") from None
    except safe_xml.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        message = ("The file ends too early: it was cut off while being copied"
                   if "no element found" in str(error) or "unclosed token" in str(error)
                   else f"This is not a readable XML export file ({error})")
        raise fail(message, f"line {line}" if line else "") from None
    except LookupError as error:  # the declaration names an encoding nobody knows
        raise fail(f"This XML export file declares an unknown text encoding ({error})",
                   "line 1") from None


def _xml_rows(events: Iterator[tuple[str, Any]], root: Any, columns: Sequence[str],
              record: str, units: dict[str, str]) -> Iterator[tuple[int, list[Any]]]:
    open_elements = [root]
    number = 0
    for event, element in events:
        if event == "start":
            open_elements.append(element)
            continue
        open_elements.pop()
        if element.tag == "units":
            units.update({k.casefold(): v for k, v in element.attrib.items()})
        elif element.tag == record:
            number += 1
            values = []
            for column in columns:
                value = element.get(column)
                if value is None:
                    child = element.find(column)
                    value = child.text if child is not None else None
                values.append(value)
            yield number, values
        else:
            continue
        if open_elements:
            open_elements[-1].remove(element)  # keep memory flat: done with this record
    if number == 0:
        raise fail(f"The file holds no <{record}> elements")
