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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import IO, Any

from devices.importing.contract import ImportFailed, Problem, shown
from models.language import N_, _, ngettext, number_text

MAX_FILE_BYTES = 1024**3
MAX_LINE_CHARS = 64 * 1024
MAX_DEPTH = 32
MAX_TEXT_BYTES = 64 * 1024
MAX_LITERAL_BYTES = 256
MAX_BYTES_WITHOUT_RECORD = 1024**2
MAX_ELEMENTS_OUTSIDE_RECORDS = 10_000
MAX_ELEMENTS_IN_RECORD = 1_000
MAX_NAMES = 1_000
SAMPLE_BYTES = 64 * 1024
CHUNK = 64 * 1024

Row = tuple[int, tuple[Any, ...] | list[Any] | str]
#: Where a problem is, by what a reader counts (``RawRecords.label``).
PLACES = {"line": N_("line {number}"), "record": N_("record {number}"),
          "element": N_("element {number}")}


def fail(message: str, where: str = "") -> ImportFailed:
    return ImportFailed([Problem(where, message)])


def place(label: str, number: int) -> str:
    """Where a record is, in the file's own terms ('line 12', 'element 3')."""
    return _(PLACES[label]).format(number=number)


def line_too_long(number: int) -> ImportFailed:
    return fail(_("The line is longer than {limit} characters, more than any pulse log has; "
                  "this is not an export file LaserLog can read").format(
                      limit=number_text(MAX_LINE_CHARS)), place("line", number))


def size_text(limit: int) -> str:
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
        raise fail(_("The file is empty"))
    if size > max_bytes:
        raise fail(_("The file is {size} MB, larger than the {limit} MB an export file may be; "
                     "it was not read. Export fewer sessions at a time.").format(
                         size=number_text(size / 1024**2), limit=number_text(max_bytes / 1024**2)))


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


def cut_off_at(line: int, message: str, **values: object) -> Problem:
    """The message for a file that ends early: ``message`` says where ({line}) and why, and
    what to do, in the same words for every format."""
    return Problem("", message.format(line=line, **values))


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
        raise fail(_("This is not a text export file: it holds binary data"))
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
            raise line_too_long(self.number + 1)
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
            raise fail(_("The text cannot be read as {encoding}").format(encoding=self.encoding),
                       place("line", number + 1)) from None
        finally:
            self.number, self.last = number, line


def read_csv(binary: IO[bytes], columns: Sequence[str], required: Sequence[str] = (),
             encoding: str = "auto", delimiter: str = "auto") -> RawRecords:
    """Rows of a CSV file, reordered to ``columns`` (header names compared without case).

    A column in ``required`` must be in the header; any other missing column reads as empty.
    A row with fewer values than the header names columns is a problem of its line; when it is
    the last row, or the last line lacks the line end the others have, the file is cut off.
    """
    head = binary.read(SAMPLE_BYTES)
    binary.seek(0)
    encoding = text_encoding(head, encoding)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
    lines = _Lines(text, encoding)
    try:
        header_line = lines.read_line()
    except UnicodeDecodeError:
        raise fail(_("The text cannot be read as {encoding}").format(encoding=encoding),
                   place("line", 1)) from None
    if not header_line.strip():
        raise fail(_("The first line should name the columns, but it is empty"),
                   place("line", 1))
    separator = guess_delimiter(header_line, delimiter)
    try:
        names = next(csv.reader([header_line], delimiter=separator))
    except csv.Error:
        raise fail(_("The first line cannot be read as the names of the columns"),
                   place("line", 1)) from None
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
        raise fail(ngettext("The file has no column {columns} (the first line names the columns)",
                            "The file has no columns {columns} (the first line names the columns)",
                            len(missing)).format(columns=", ".join(shown(m) for m in missing)),
                   place("line", 1))
    header_ending = _ending(lines.last)
    # a column the file lacks reads as the empty value appended to each row
    positions = [-1 if i is None else i for i in indexes]
    pick: Callable[[list[str]], tuple[Any, ...] | list[Any]] = (
        itemgetter(*positions) if len(positions) > 1
        else lambda row: [row[i] for i in positions])
    short_row = _("This line has {count} of the {width} values the first line names; it was "
                  "cut short")
    reader = csv.reader(lines, delimiter=separator)
    held: list[str] | None = None  # the row read last, not handed on: it may be cut off
    number = 1
    try:
        for row in reader:
            if not row:
                continue
            if held is not None:
                if len(held) < width:
                    yield number, short_row.format(count=len(held), width=width)
                else:
                    held.append("")
                    yield number, pick(held)
            held, number = row, reader.line_num + 1
    except csv.Error as error:
        raise fail(_csv_problem(error), place("line", lines.number)) from None
    if held is None:
        return
    ending = _ending(lines.last)
    if ending != header_ending and header_ending.startswith(ending):
        result.cut_off = cut_off_at(number, _(
            "The file seems cut off at line {line}: its last line ends without the line break "
            "the others end with. Copy it from the device again, or confirm to import it "
            "without its incomplete end"))
    elif len(held) < width:
        result.cut_off = cut_off_at(number, _(
            "The file seems cut off at line {line}: its last line has {count} of the {width} "
            "values the first line names. Copy it from the device again, or confirm to import "
            "it without its incomplete end"), count=len(held), width=width)
    else:
        held.append("")
        yield number, pick(held)


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return _("A value is longer than {limit} characters; a quote mark may be missing").format(
            limit=number_text(csv.field_size_limit()))
    return _("The line cannot be read as CSV ({error})").format(
        error=text.strip().splitlines()[0] if text else "error")


# --- JSON ----------------------------------------------------------------------------------
