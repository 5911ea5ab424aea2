"""Streaming readers for export files: CSV, JSON and XML, one record at a time.

A reader never holds the whole file: rows come out as they are read, so a file of a million
pulses costs the memory of one. Every reader yields ``(number, values)`` where ``values`` is
aligned with the columns asked for, or is a sentence saying why that record cannot be read;
``number`` is the line (CSV), record (JSON) or element (XML) number a problem is reported at.
A file that cannot be read at all raises ``ImportFailed`` with a sentence a technician
understands.

No file, however broken or hostile, costs more than these bounds allow, and each is checked
on the bytes before a parser holds them (issue #14):

- a CSV line, the header too: ``MAX_LINE_CHARS``;
- JSON and XML nesting: ``MAX_DEPTH`` levels;
- a JSON text, an XML tag, comment or field value: ``MAX_TEXT_BYTES``; a JSON number or word
  (true, false, null): ``MAX_LITERAL_BYTES``;
- JSON and XML: at most ``MAX_BYTES_WITHOUT_RECORD`` of the file between two records (so
  before the first: a header; or within one record); XML: ``MAX_ELEMENTS_OUTSIDE_RECORDS``
  elements between records, ``MAX_ELEMENTS_IN_RECORD`` in one, ``MAX_NAMES`` different
  element and attribute names.

A file that ends early (a last line without the line end the others have, a last row short of
columns, JSON or XML left open) is not refused here: ``RawRecords.cut_off`` says where, once
the rows are read, and the incomplete end is left out.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, count
from operator import itemgetter, sub
from typing import IO, Any
from xml.parsers.expat import ExpatError

import defusedxml.ElementTree as safe_xml
import ijson
from defusedxml import DefusedXmlException

from devices.importing.contract import ImportFailed, Problem, shown

MAX_FILE_BYTES = 1024**3
MAX_LINE_CHARS = 64 * 1024
MAX_DEPTH = 32
MAX_TEXT_BYTES = 64 * 1024
MAX_LITERAL_BYTES = 256
MAX_BYTES_WITHOUT_RECORD = 1024**2
MAX_ELEMENTS_OUTSIDE_RECORDS = 10_000
MAX_ELEMENTS_IN_RECORD = 1_000
MAX_NAMES = 1_000
_SAMPLE_BYTES = 64 * 1024
_CHUNK = 64 * 1024

Row = tuple[int, tuple[Any, ...] | list[Any] | str]


def fail(message: str, where: str = "") -> ImportFailed:
    return ImportFailed([Problem(where, message)])


def _size(limit: int) -> str:
    return f"{limit // 1024**2} MB" if limit >= 1024**2 else f"{limit // 1024} KB"


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
    rows: Iterator[Row]
    units: dict[str, str] = field(default_factory=dict)  # column (casefolded) -> unit text
    signature: dict[str, Any] = field(default_factory=dict)  # what profile detection matches
    cut_off: Problem | None = None  # set, once the rows are read, when the file ends early


def split_header(name: str) -> tuple[str, str | None]:
    """'Fluence (mJ/cm²)' -> ('fluence', 'mJ/cm²'); names compare without case.

    The unit is what the name ends with in brackets, from the first ( or [ after which no ]
    or ) comes before the end: found in one pass, whatever the name holds.
    """
    text = name.strip()
    if text.endswith((")", "]")):
        body = text[:-1]
        after = max(body.rfind("]"), body.rfind(")")) + 1
        openers = [i for i in (body.find("(", after), body.find("[", after)) if i >= 0]
        if openers:
            start = min(openers)
            return body[:start].strip().casefold(), body[start + 1:].strip() or None
    return text.casefold(), None


def cut_off_at(line: int, why: str) -> Problem:
    """The one message for a file that ends early, the same for every format."""
    return Problem("", f"The file seems cut off at line {line}: {why}. Copy it from the device "
                       "again, or confirm to import it without its incomplete end")


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


def _ending(line: str) -> str:
    if line.endswith("\n"):
        return "\r\n" if line.endswith("\r\n") else "\n"
    return "\r" if line.endswith("\r") else ""


class _Lines:
    """The lines of a text file for ``csv.reader``: each at most ``MAX_LINE_CHARS``, counted;
    the last one is kept, to see how it ends."""

    def __init__(self, text: io.TextIOWrapper, encoding: str) -> None:
        self.text, self.encoding = text, encoding
        self.number = 0  # lines read
        self.last = ""

    def read_line(self) -> str:
        line = self.text.readline(MAX_LINE_CHARS + 1)
        if len(line) > MAX_LINE_CHARS and line[-1] not in "\r\n":
            raise fail(f"The line is longer than {MAX_LINE_CHARS:,} characters, more than any "
                       "pulse log has; this is not an export file LaserLog can read",
                       f"line {self.number + 1}")
        if line:
            self.number += 1
            self.last = line
        return line

    def __iter__(self) -> Iterator[str]:
        read, limit, longest = self.text.readline, MAX_LINE_CHARS + 1, MAX_LINE_CHARS
        number, line = self.number, self.last
        try:
            while True:
                last, line = line, read(limit)
                if not line:
                    line = last
                    break
                number += 1
                if len(line) > longest and line[-1] not in "\r\n":
                    self.number = number - 1
                    self.read_line()  # refuses it, naming the line
                yield line
        except UnicodeDecodeError:
            raise fail(f"The text cannot be read as {self.encoding}",
                       f"line {number + 1}") from None
        finally:
            self.number, self.last = number, line


def read_csv(binary: IO[bytes], columns: Sequence[str], required: Sequence[str] = (),
             encoding: str = "auto", delimiter: str = "auto") -> RawRecords:
    """Rows of a CSV file, reordered to ``columns`` (header names compared without case).

    A column in ``required`` must be in the header; any other missing column reads as empty.
    A row with fewer values than the header names columns is a problem of its line; when it is
    the last row, or the last line lacks the line end the others have, the file is cut off.
    """
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    encoding = text_encoding(head, encoding)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
    lines = _Lines(text, encoding)
    try:
        header_line = lines.read_line()
    except UnicodeDecodeError:
        raise fail(f"The text cannot be read as {encoding}", "line 1") from None
    if not header_line.strip():
        raise fail("The first line should name the columns, but it is empty", "line 1")
    separator = guess_delimiter(header_line, delimiter)
    try:
        names = next(csv.reader([header_line], delimiter=separator))
    except csv.Error:
        raise fail("The first line cannot be read as the names of the columns",
                   "line 1") from None
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
    result = RawRecords("line", iter(()), units, signature)
    result.rows = _csv_rows(lines, separator, indexes, len(names), missing, result)
    return result


def _csv_rows(lines: _Lines, separator: str, indexes: list[int | None], width: int,
              missing: list[str], result: RawRecords) -> Iterator[Row]:
    if missing:
        raise fail("The file has no column " + ", ".join(shown(m) for m in missing)
                   + " (the first line names the columns)", "line 1")
    header_ending = _ending(lines.last)
    # a column the file lacks reads as the empty value appended to each row
    positions = [-1 if i is None else i for i in indexes]
    pick: Callable[[list[str]], tuple[Any, ...] | list[Any]] = (
        itemgetter(*positions) if len(positions) > 1
        else lambda row: [row[i] for i in positions])
    short = f"of the {width} values the first line names"
    reader = csv.reader(lines, delimiter=separator)
    held: list[str] | None = None  # the row read last, not handed on: it may be cut off
    number = 1
    try:
        for row in reader:
            if not row:
                continue
            if held is not None:
                if len(held) < width:
                    yield number, f"This line has {len(held)} {short}; it was cut short"
                else:
                    held.append("")
                    yield number, pick(held)
            held, number = row, reader.line_num + 1
    except csv.Error as error:
        raise fail(_csv_problem(error), f"line {lines.number}") from None
    if held is None:
        return
    ending = _ending(lines.last)
    if ending != header_ending and header_ending.startswith(ending):
        result.cut_off = cut_off_at(number, "its last line ends without the line break the "
                                            "others end with")
    elif len(held) < width:
        result.cut_off = cut_off_at(number, f"its last line has {len(held)} {short}")
    else:
        held.append("")
        yield number, pick(held)


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (f"A value is longer than {csv.field_size_limit():,} characters; a quote mark "
                "may be missing")
    return f"The line cannot be read as CSV ({text.strip().splitlines()[0] if text else 'error'})"


# --- JSON ----------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[{]|[\]}]|[^\s\[\]{}:,"]++', re.DOTALL)
_JSON_MEMBER = re.compile(rb'"((?:[^"\\]|\\.){0,200})"\s*:\s*([^\s\[\]{}:,"]+)', re.DOTALL)
_JSON_KEY_BEFORE = re.compile(rb'"((?:[^"\\]|\\.){0,200})"\s*:\s*$', re.DOTALL)
_JSON_NUMBER = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_NOT_STRUCTURE = bytes(range(256)).translate(None, b'"[]{}')
_BRACKET_WEIGHT = bytes(2 if b in b"[{" else 0 for b in range(256))
_LITERAL_MASK = bytes(32 if b in b' \t\r\n\f\v[]{}:,"' else 97 for b in range(256))
_LONG_LITERAL = b"a" * (MAX_LITERAL_BYTES + 1)
_INT_LIMIT = 2**63 - 1  # yajl, ijson's C parser, refuses integers beyond


class _JsonGuard:
    """What ijson reads instead of the file: the same bytes, each piece checked first.

    A piece is handed on only when it nests no deeper than ``MAX_DEPTH``, holds no number or
    word longer than ``MAX_LITERAL_BYTES`` and ends outside a text (a text left open waits for
    the next piece, up to ``MAX_TEXT_BYTES``); and no more than ``MAX_BYTES_WITHOUT_RECORD``
    is handed on between two records (``record_read``). The checks are a few passes of
    ``bytes`` methods over each piece (texts found by their quote marks once the escapes are
    taken out), some 350 MB/s: ijson itself reads about 60.
    """

    def __init__(self, binary: IO[bytes], record: str, header_only: bool = False) -> None:
        self.binary, self.record, self.header_only = binary, record, header_only
        self.carry = b""  # an open text, handed on once it is closed
        self.depth = 0
        self.line = 1  # line of the next byte handed on
        self.since_record = 0
        self.record_line = 1
        self.last = b""  # the pieces handed on last, to find a value the parser refused
        self.recent = b""
        self.recent_line = 1
        self.ended = False
        self.open_text = False
        self.ends_with_newline = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        while not self.ended:
            chunk = self.binary.read(_CHUNK)
            if not chunk:
                self.ended = True
                self.open_text = bool(self.carry)
                piece, self.carry = self.carry, b""
                self.ends_with_newline = (piece or self.last).endswith(b"\n")
                self.line += piece.count(b"\n")
                return piece
            piece = self._checked(self.carry + chunk)
            if piece:
                return piece
        return b""

    def record_read(self) -> None:
        self.since_record = 0
        self.record_line = self.line

    @property
    def cut_off(self) -> bool:
        """The file ended inside its JSON: an array, object or text left open."""
        return self.ended and (self.depth > 0 or self.open_text)

    def _checked(self, data: bytes) -> bytes:
        # Without its escapes (\\ and \" taken out, as JSON reads them: left to right), a
        # piece's texts are between quote marks, the first of each pair opening one.
        clean = _unescaped(data)
        if clean.count(b'"') % 2:  # it ends in an open text: hand that on with the next
            opening = clean.rfind(b'"')  # the same quote mark as the last unescaped one
            cut = opening if clean is data else _last_quote(data)
            piece, clean = data[:cut], clean[:opening]
        else:
            cut, piece = len(data), data
        self.carry = data[cut:]
        if len(self.carry) > MAX_TEXT_BYTES:
            raise fail(f"A text in the file is longer than {_size(MAX_TEXT_BYTES)}, longer than "
                       "any value of a pulse log; this is not an export file LaserLog can read",
                       f"line {self.line + piece.count(b'\n')}")
        # Texts rarely hold a long word or a bracket: look at the whole piece first, and take
        # the texts out (split at the quote marks) only when it seems to matter.
        outside: bytes | None = None
        if _LONG_LITERAL in clean.translate(_LITERAL_MASK):
            outside = _without_texts(clean)
            if _LONG_LITERAL in outside.translate(_LITERAL_MASK):
                raise self._excess(piece)
        # the quote marks and brackets; a text without brackets is left as '""': once those
        # are dropped, no quote mark remains unless a text holds a bracket
        brackets = clean.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
        if b'"' in brackets:
            outside = outside if outside is not None else _without_texts(clean)
            brackets = outside.translate(None, _NOT_BRACKETS)
        if brackets:
            weights = brackets.translate(_BRACKET_WEIGHT)
            if self.depth + max(map(sub, accumulate(weights), count(1))) > MAX_DEPTH:
                raise self._excess(piece)
            self.depth += sum(weights) - len(brackets)
        self.since_record += len(piece)
        if self.since_record > MAX_BYTES_WITHOUT_RECORD:
            limit = _size(MAX_BYTES_WITHOUT_RECORD)
            if self.header_only:
                raise fail(f"The file's first {limit} does not reach its {shown(self.record)} "
                           "records; this is not an export file LaserLog can read")
            raise fail(f"More than {limit} of the file holds no complete pulse record; this "
                       "is not an export file LaserLog can read", f"after line {self.record_line}")
        self.recent, self.recent_line = self.last + piece, self.line - self.last.count(b"\n")
        self.last = piece
        self.line += piece.count(b"\n")
        return piece

    def _excess(self, piece: bytes) -> ImportFailed:
        """The first value nested too deep or literal too long in ``piece``, with its line."""
        depth = self.depth
        for match in _JSON_TOKEN.finditer(piece):
            first = match.group()[:1]
            if first in (b"[", b"{"):
                depth += 1
                if depth > MAX_DEPTH:
                    return fail(f"The file nests values more than {MAX_DEPTH} deep, which no "
                                "pulse log does; this is not an export file LaserLog can read",
                                f"line {self.line + piece.count(b'\n', 0, match.start())}")
            elif first in (b"]", b"}"):
                depth -= 1
            elif first != b'"' and match.end() - match.start() > MAX_LITERAL_BYTES:
                before = piece[max(0, match.start() - 300):match.start()]
                key = _JSON_KEY_BEFORE.search(before)
                what = (f"{shown(key.group(1))} is a number or word" if key
                        else "A number or word in the file is")
                return fail(f"{what} longer than {MAX_LITERAL_BYTES} characters, which no "
                            "device writes; this is not an export file LaserLog can read",
                            f"line {self.line + piece.count(b'\n', 0, match.start())}")
        return fail("This is not an export file LaserLog can read")  # not reached

    def refused_value(self) -> ImportFailed | None:
        """The value the parser stopped at, named with its line and field, when it is one:
        NaN, Infinity, a number too large, or a word that is not JSON; or text that is not
        UTF-8, with its line."""
        start = len(self.recent) - len(self.last)
        try:
            self.recent.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start >= start - 3:  # a character split between the pieces decodes whole
                line = self.recent_line + self.recent.count(b"\n", 0, error.start)
                return fail("This is not a readable JSON export file: it holds text that is "
                            "not UTF-8", f"line {line}")
        for match in _JSON_MEMBER.finditer(self.recent):
            token = match.group(2)
            if match.start(2) < start or _usable_json_literal(token):
                continue
            line = self.recent_line + self.recent.count(b"\n", 0, match.start(2))
            key = shown(match.group(1))
            if token.lstrip(b"-").lower() in (b"nan", b"infinity", b"inf"):
                why = f"{key} is {shown(token)[1:-1]}, which is not a number"
            elif _JSON_NUMBER.fullmatch(token):
                why = f"{key} is {shown(token)[1:-1]}, too large a number to be a measurement"
            else:
                why = (f"{key} is {shown(token)[1:-1]}, neither a number nor a text in "
                       "double quotes")
            return fail(f"This is not a readable JSON export file: {why}", f"line {line}")
        return None


def _unescaped(data: bytes) -> bytes:
    """JSON bytes without the escapes that could hide a quote mark: \\ and \"."""
    return data.replace(b"\\\\", b"").replace(b'\\"', b"") if b"\\" in data else data


def _last_quote(data: bytes) -> int:
    """Where the last quote mark not escaped by a backslash is."""
    end = len(data)
    while (quote := data.rfind(b'"', 0, end)) > 0:
        slash = quote
        while slash > 0 and data[slash - 1] == 0x5C:  # backslash
            slash -= 1
        if (quote - slash) % 2 == 0:
            return quote
        end = quote
    return max(quote, 0)


def _without_texts(clean: bytes) -> bytes:
    """Unescaped bytes that start and end outside a text, with their texts taken out: every
    other part between quote marks."""
    return b"".join(clean.split(b'"')[::2])


def _usable_json_literal(token: bytes) -> bool:
    if token in (b"true", b"false", b"null"):
        return True
    if not _JSON_NUMBER.fullmatch(token):
        return False
    if b"." in token or b"e" in token or b"E" in token:
        return float(token) not in (float("inf"), float("-inf"))
    return -_INT_LIMIT <= int(token) <= _INT_LIMIT


_YAJL_WORDS = {
    "invalid char in json text": "a character that does not belong in JSON",
    "invalid bytes in UTF8 string": "text that is not UTF-8",
    "invalid string in json text": "a text with a character JSON does not allow",
    "trailing garbage": "more after the end of its JSON",
    "numeric (floating point) overflow": "a number too large to be a measurement",
    "integer overflow": "a number too large to be a measurement",
    "premature EOF": "an end before its JSON is closed",
}


def _json_problem(error: Exception) -> str:
    """ijson's (yajl's) complaint, in one line of words: never its bytes or its arrow."""
    raw = error.args[0] if error.args else ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    first = text.strip().splitlines()[0] if text.strip() else "it is not JSON"
    reason = first.split(": ", 1)[-1].strip().rstrip(".")
    if reason == "Incomplete JSON content":
        reason = "premature EOF"
    words = _YAJL_WORDS.get(reason, shown(reason, 80)[1:-1])
    return f"This is not a readable JSON export file: it holds {words}"


def json_header(binary: IO[bytes], record: str) -> dict[str, Any]:
    """The small top-level values that come before the records (format, device, units)."""
    header: dict[str, Any] = {}
    try:
        for key, value in _top_level_until(_JsonGuard(binary, record, header_only=True),
                                           record):
            header[key] = value
    finally:
        binary.seek(0)
    return header


def _top_level_until(guard: _JsonGuard, record: str) -> Iterator[tuple[str, Any]]:
    key, builder = None, None
    try:
        for prefix, event, value in ijson.parse(guard, use_float=True):
            if prefix == "":
                if event == "map_key":
                    if value == record:
                        return
                    key, builder = value, ijson.ObjectBuilder()
                elif event == "start_array":
                    raise fail(f"The file is a JSON list; expected an object with "
                               f"{shown(record)}")
                continue
            assert builder is not None
            builder.event(event, value)
            if prefix == key and event not in ("start_map", "start_array", "map_key"):
                yield key, builder.value
    except ijson.JSONError as error:
        raise (guard.refused_value() or fail(_json_problem(error))) from None


def read_json(binary: IO[bytes], columns: Sequence[str], record: str) -> RawRecords:
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if b"\x00" in head:
        raise fail("This is not a JSON export file: it holds binary data")
    header = json_header(binary, record)
    units = header.get("units", {})
    if not isinstance(units, dict) or not all(isinstance(v, str) for v in units.values()):
        raise fail("'units' must map each field to the unit it is given in")
    result = RawRecords("record", iter(()), {k.casefold(): v for k, v in units.items()},
                        {"format": header.get("format"), "keys": tuple(header)})
    result.rows = _json_rows(_JsonGuard(binary, record), columns, record, result)
    return result


def _json_rows(guard: _JsonGuard, columns: Sequence[str], record: str, result: RawRecords
               ) -> Iterator[Row]:
    number = 0
    try:
        for number, item in enumerate(
            ijson.items(guard, f"{record}.item", use_float=True), start=1
        ):
            guard.record_read()
            if not isinstance(item, dict):
                raise fail("Each record must be an object of named values", f"record {number}")
            yield number, list(map(item.get, columns))
    except ijson.JSONError as error:
        if guard.cut_off:
            last = guard.line - guard.ends_with_newline
            result.cut_off = cut_off_at(
                last, f"it ends before its JSON is closed, after record {number}")
            return
        raise (guard.refused_value()
               or fail(_json_problem(error), f"after record {number}" if number else "")
               ) from None
    if number == 0:
        raise fail(f"The file holds no {shown(record)} records")


# --- XML -----------------------------------------------------------------------------------

_XML_WORDS = {
    "not well-formed (invalid token)": "a character or tag XML does not allow",
    "mismatched tag": "an element closed with another element's name",
    "junk after document element": "more after the end of its XML",
    "undefined entity": "an unknown &name; reference",
    "duplicate attribute": "an attribute given twice",
    "unclosed token": "a tag left open",
    "no element found": "no XML element",
}


class _XmlTarget:
    """Receives the parser's events and keeps only records, as lists of their columns' values.

    Nothing outside a record is kept (the XML is never built as a tree), so memory is that of
    one record whatever the file holds; the bounds are checked as each element starts.
    """

    def __init__(self, record: str, columns: Sequence[str], where: Callable[[], str]) -> None:
        self.record, self.columns, self.where = record, columns, where
        self.wanted = frozenset(columns)
        self.root: tuple[str, Any] | None = None
        self.closed = False  # the root element has ended
        self.units: dict[str, str] = {}
        self.events = 0
        self.records = 0
        self.found: list[list[Any]] = []  # records ended since the last ``take``
        self.depth = 0
        self.record_depth = 0  # depth of the open record, 0 outside records
        self.attrib: dict[str, str] = {}
        self.children: dict[str, str | None] = {}
        self.text: list[str] | None = None  # text of the field element being read
        self.text_tag = ""
        self.text_size = 0
        self.inside = 0  # elements in the open record
        self.outside = 0  # elements since the last record
        self.names: set[str] = set()

    def _refuse(self, message: str) -> ImportFailed:
        return fail(message + "; this is not an export file LaserLog can read", self.where())

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events += 1
        depth = self.depth = self.depth + 1
        if depth > MAX_DEPTH:
            raise self._refuse(f"The file nests elements more than {MAX_DEPTH} deep, which no "
                               "pulse log does")
        names = self.names
        if tag not in names or not names.issuperset(attrib):
            names.add(tag)
            names.update(attrib)
            if len(names) > MAX_NAMES:
                raise self._refuse(f"The file uses more than {MAX_NAMES:,} different element "
                                   "and attribute names")
        if self.root is None:  # as ElementTree names it: '{namespace}tag'
            self.root = ("{" + tag if "}" in tag else tag, attrib.get("format"))
        elif self.record_depth:
            self.inside += 1
            if self.inside > MAX_ELEMENTS_IN_RECORD:
                raise self._refuse(f"A <{self.record}> record holds more than "
                                   f"{MAX_ELEMENTS_IN_RECORD:,} elements")
            if self.text is not None:
                self._end_text()
            if (depth == self.record_depth + 1 and tag in self.wanted
                    and tag not in self.children):
                self.text, self.text_tag, self.text_size = [], tag, 0
        elif tag == self.record:
            self.record_depth, self.attrib, self.children = depth, attrib, {}
        else:
            self.outside += 1
            if self.outside > MAX_ELEMENTS_OUTSIDE_RECORDS:
                raise self._refuse(f"The file holds more than {MAX_ELEMENTS_OUTSIDE_RECORDS:,} "
                                   f"elements in a row that are not <{self.record}> records")
            if tag == "units":
                self.units.update({k.casefold(): v for k, v in attrib.items()})

    def end(self, tag: str) -> None:
        self.events += 1
        depth = self.depth
        self.depth -= 1
        if not self.record_depth:
            self.closed = depth == 1
            return
        if self.text is not None and depth == self.record_depth + 1:
            self._end_text()
        if depth == self.record_depth:
            attrib, children = self.attrib, self.children
            self.found.append([attrib[c] if c in attrib else children.get(c)
                               for c in self.columns] if children
                              else list(map(attrib.get, self.columns)))
            self.records += 1
            self.record_depth = self.inside = self.outside = 0
            self.attrib, self.children = {}, {}

    def _end_text(self) -> None:
        assert self.text is not None
        self.children[self.text_tag] = "".join(self.text) or None
        self.text = None

    def data(self, text: str) -> None:
        self.events += 1
        if self.text is not None:
            self.text_size += len(text)
            if self.text_size > MAX_TEXT_BYTES:
                raise self._refuse(f"The value of <{self.text_tag}> is longer than "
                                   f"{_size(MAX_TEXT_BYTES)}")
            self.text.append(text)

    def comment(self, text: str) -> None:
        self.events += 1

    def pi(self, target: str, data: str) -> None:
        self.events += 1

    def take(self) -> list[list[Any]]:
        found, self.found = self.found, []
        return found


class _XmlReader:
    """Feeds the file to expat a piece at a time, checking the bounds between pieces: a tag,
    comment or declaration may not stay open past ``MAX_TEXT_BYTES`` (expat holds it whole),
    nor the records stop for ``MAX_BYTES_WITHOUT_RECORD``.

    The expat parser is defusedxml's (a DOCTYPE, entity or external reference is refused);
    the events go straight to ``_XmlTarget``, attributes as a dict expat builds.
    """

    def __init__(self, binary: IO[bytes], record: str, columns: Sequence[str]) -> None:
        self.binary = binary
        self.defused = safe_xml.DefusedXMLParser(forbid_dtd=True)
        self.expat = expat = self.defused.parser
        self.target = target = _XmlTarget(record, columns, self.where)
        expat.ordered_attributes = False
        expat.StartElementHandler = target.start
        expat.EndElementHandler = target.end
        expat.CharacterDataHandler = target.data
        expat.CommentHandler = target.comment
        expat.ProcessingInstructionHandler = target.pi
        if hasattr(expat, "SetReparseDeferralEnabled"):
            # tokens are bounded here, so parsing an open one again costs little; deferring
            # it would hold events back and hide how long a token has been open
            expat.SetReparseDeferralEnabled(False)
        self.quiet = 0  # bytes fed since the last event
        self.since_record = 0
        self.record_line = 1
        self.ended = False
        self.line = 1

    def where(self) -> str:
        return f"line {self.expat.CurrentLineNumber}"

    def feed(self) -> bool:
        """Read and parse one piece; False at the end of the file (then closed)."""
        if self.ended:
            return False
        chunk = self.binary.read(_CHUNK)
        target = self.target
        events, records = target.events, target.records
        try:
            if not chunk:
                self.ended = True
                self.line = self.expat.CurrentLineNumber
                self.expat.Parse(b"", True)
                return False
            self.expat.Parse(chunk, False)
        except DefusedXmlException:
            raise fail("The file declares a document type or entities, which LaserLog refuses "
                       "to read for safety") from None
        except (ExpatError, safe_xml.ParseError) as error:
            line = getattr(error, "lineno", None) or (getattr(error, "position", None)
                                                      or (None,))[0]
            self.line = line or self.line
            if self.ended and target.root is not None and not target.closed:
                return False  # cut off: ``_xml_rows`` says so
            reason = str(error).split(": line ")[0]
            raise fail(f"This is not a readable XML export file: it holds "
                       f"{_XML_WORDS.get(reason, shown(reason, 80)[1:-1])}",
                       f"line {line}" if line else "") from None
        except (LookupError, ValueError):  # an encoding nobody knows, or none of its chars
            raise fail("This XML export file declares a text encoding LaserLog cannot read",
                       "line 1") from None
        self.quiet = self.quiet + len(chunk) if target.events == events else 0
        if self.quiet > MAX_TEXT_BYTES:
            raise fail(f"A tag, comment or declaration in the file is longer than "
                       f"{_size(MAX_TEXT_BYTES)}; this is not an export file LaserLog can read",
                       self.where())
        if target.records != records:
            self.since_record, self.record_line = 0, self.expat.CurrentLineNumber
        else:
            self.since_record += len(chunk)
            if self.since_record > MAX_BYTES_WITHOUT_RECORD:
                raise fail(f"More than {_size(MAX_BYTES_WITHOUT_RECORD)} of the file holds no "
                           f"<{target.record}> record; this is not an export file LaserLog can "
                           "read", f"after line {self.record_line}")
        return True


def read_xml(binary: IO[bytes], columns: Sequence[str], record: str) -> RawRecords:
    """Records are ``<record>`` elements; a field is an attribute or a child element.

    Units come from a ``<units field="unit" .../>`` element before the records. Parsed with
    defusedxml: a DOCTYPE, entity or external reference is refused, never expanded.
    """
    head = binary.read(_SAMPLE_BYTES)
    binary.seek(0)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail("This is not an XML export file: it holds binary data")
    reader = _XmlReader(binary, record, columns)
    while reader.target.root is None and reader.feed():
        pass
    root = reader.target.root
    if root is None:
        raise fail("The file holds no XML element")
    result = RawRecords("element", iter(()), reader.target.units,
                        {"root": root[0], "format": root[1]})
    result.rows = _xml_rows(reader, result)
    return result


def _xml_rows(reader: _XmlReader, result: RawRecords) -> Iterator[Row]:
    target = reader.target
    number = 0
    more = True
    while more:
        more = reader.feed()
        for values in target.take():
            number += 1
            yield number, values
    if not target.closed:
        assert target.root is not None
        result.cut_off = cut_off_at(reader.line, f"it ends before <{target.root[0]}> is "
                                                 f"closed, after element {number}")
    elif number == 0:
        raise fail(f"The file holds no <{target.record}> elements")
