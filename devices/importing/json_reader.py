"""The JSON export reader: ijson's C parser, behind a guard that reads the bytes first.

The guard bounds nesting, texts and literals and the bytes between records before ijson's
parser sees them (the C parser cannot bound its own depth: 100,000 open brackets took it to
15 GB). The bounds themselves are in ``readers``.
"""

import re
from collections.abc import Iterator, Sequence
from itertools import accumulate, count
from operator import sub
from typing import IO, Any

import ijson

from devices.importing.contract import ImportFailed, shown
from devices.importing.readers import (
    CHUNK,
    MAX_BYTES_WITHOUT_RECORD,
    MAX_DEPTH,
    MAX_LITERAL_BYTES,
    MAX_TEXT_BYTES,
    SAMPLE_BYTES,
    RawRecords,
    Row,
    cut_off_at,
    fail,
    place,
    size_text,
)
from models.language import N_, _

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
            chunk = self.binary.read(CHUNK)
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
            raise fail(_("A text in the file is longer than {limit}, longer than any value of a "
                         "pulse log; this is not an export file LaserLog can read").format(
                             limit=size_text(MAX_TEXT_BYTES)),
                       place("line", self.line + piece.count(b"\n")))
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
            limit = size_text(MAX_BYTES_WITHOUT_RECORD)
            if self.header_only:
                raise fail(_("The file's first {limit} does not reach its {record} records; "
                             "this is not an export file LaserLog can read").format(
                                 limit=limit, record=shown(self.record)))
            raise fail(_("More than {limit} of the file holds no complete pulse record; this is "
                         "not an export file LaserLog can read").format(limit=limit),
                       _("after line {number}").format(number=self.record_line))
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
                    return fail(_("The file nests values more than {depth} deep, which no pulse "
                                  "log does; this is not an export file LaserLog can read").format(
                                      depth=MAX_DEPTH),
                                place("line", self.line + piece.count(b"\n", 0, match.start())))
            elif first in (b"]", b"}"):
                depth -= 1
            elif first != b'"' and match.end() - match.start() > MAX_LITERAL_BYTES:
                before = piece[max(0, match.start() - 300):match.start()]
                key = _JSON_KEY_BEFORE.search(before)
                message = (_("{key} is a number or word longer than {limit} characters, which "
                             "no device writes; this is not an export file LaserLog can read")
                           if key else
                           _("A number or word in the file is longer than {limit} characters, "
                             "which no device writes; this is not an export file LaserLog can "
                             "read"))
                return fail(message.format(key=shown(key.group(1)) if key else "",
                                           limit=MAX_LITERAL_BYTES),
                            place("line", self.line + piece.count(b"\n", 0, match.start())))
        return fail(_("This is not an export file LaserLog can read"))  # not reached

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
                return fail(_("This is not a readable JSON export file: it holds text that is "
                              "not UTF-8"), place("line", line))
        for match in _JSON_MEMBER.finditer(self.recent):
            token = match.group(2)
            if match.start(2) < start or _usable_json_literal(token):
                continue
            line = self.recent_line + self.recent.count(b"\n", 0, match.start(2))
            key = shown(match.group(1))
            if token.lstrip(b"-").lower() in (b"nan", b"infinity", b"inf"):
                why = _("This is not a readable JSON export file: {key} is {value}, which is not "
                        "a number")
            elif _JSON_NUMBER.fullmatch(token):
                why = _("This is not a readable JSON export file: {key} is {value}, too large a "
                        "number to be a measurement")
            else:
                why = _("This is not a readable JSON export file: {key} is {value}, neither a "
                        "number nor a text in double quotes")
            return fail(why.format(key=key, value=shown(token)[1:-1]), place("line", line))
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


_TOO_LARGE = N_("This is not a readable JSON export file: it holds a number too large to be a "
                "measurement")
_YAJL_WORDS = {
    "invalid char in json text": N_("This is not a readable JSON export file: it holds a "
                                    "character that does not belong in JSON"),
    "invalid bytes in UTF8 string": N_("This is not a readable JSON export file: it holds text "
                                       "that is not UTF-8"),
    "invalid string in json text": N_("This is not a readable JSON export file: it holds a text "
                                      "with a character JSON does not allow"),
    "trailing garbage": N_("This is not a readable JSON export file: it holds more after the "
                           "end of its JSON"),
    "numeric (floating point) overflow": _TOO_LARGE,
    "integer overflow": _TOO_LARGE,
    "premature EOF": N_("This is not a readable JSON export file: it holds an end before its "
                        "JSON is closed"),
}


def _json_problem(error: Exception) -> str:
    """ijson's (yajl's) complaint, in one line of words: never its bytes or its arrow."""
    raw = error.args[0] if error.args else ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    first = text.strip().splitlines()[0] if text.strip() else "it is not JSON"
    reason = first.split(": ", 1)[-1].strip().rstrip(".")
    if reason == "Incomplete JSON content":
        reason = "premature EOF"
    if reason in _YAJL_WORDS:
        return _(_YAJL_WORDS[reason])
    return _("This is not a readable JSON export file: it holds {problem}").format(
        problem=shown(reason, 80)[1:-1])


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
                    raise fail(_("The file is a JSON list; expected an object with "
                                 "{record}").format(record=shown(record)))
                continue
            assert builder is not None
            builder.event(event, value)
            if prefix == key and event not in ("start_map", "start_array", "map_key"):
                yield key, builder.value
    except (ijson.JSONError, UnicodeDecodeError) as error:  # ijson lets a bad UTF-8 byte out
        raise (guard.refused_value() or fail(_json_problem(error))) from None


def read_json(binary: IO[bytes], columns: Sequence[str], record: str) -> RawRecords:
    head = binary.read(SAMPLE_BYTES)
    binary.seek(0)
    if b"\x00" in head:
        raise fail(_("This is not a JSON export file: it holds binary data"))
    header = json_header(binary, record)
    units = header.get("units", {})
    if not isinstance(units, dict) or not all(isinstance(v, str) for v in units.values()):
        raise fail(_("'units' must map each field to the unit it is given in"))
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
                raise fail(_("Each record must be an object of named values"),
                           place("record", number))
            yield number, list(map(item.get, columns))
    except (ijson.JSONError, UnicodeDecodeError) as error:  # ijson lets a bad UTF-8 byte out
        if guard.cut_off:
            last = guard.line - guard.ends_with_newline
            result.cut_off = cut_off_at(last, _(
                "The file seems cut off at line {line}: it ends before its JSON is closed, after "
                "record {number}. Copy it from the device again, or confirm to import it without "
                "its incomplete end"), number=number)
            return
        raise (guard.refused_value()
               or fail(_json_problem(error),
                       _("after record {number}").format(number=number) if number else "")
               ) from None
    if number == 0:
        raise fail(_("The file holds no {record} records").format(record=shown(record)))


# --- XML -----------------------------------------------------------------------------------
