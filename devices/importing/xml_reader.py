"""The XML export reader: defusedxml's expat parser with handlers that keep only the records.

No element tree is built; elements outside records are counted, not kept, and every bound
(in ``readers``) is checked as the parser goes.
"""

import codecs
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any
from xml.parsers.expat import ExpatError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from devices.importing.contract import ImportFailed, shown
from devices.importing.readers import (
    CHUNK,
    MAX_BYTES_WITHOUT_RECORD,
    MAX_DEPTH,
    MAX_ELEMENTS_IN_RECORD,
    MAX_ELEMENTS_OUTSIDE_RECORDS,
    MAX_NAMES,
    MAX_TEXT_BYTES,
    SAMPLE_BYTES,
    RawRecords,
    Row,
    cut_off_at,
    fail,
    place,
    size_text,
)
from models.language import N_, _, number_text

_XML_WORDS = {
    "not well-formed (invalid token)": N_("This is not a readable XML export file: it holds a "
                                          "character or tag XML does not allow"),
    "mismatched tag": N_("This is not a readable XML export file: it holds an element closed "
                         "with another element's name"),
    "junk after document element": N_("This is not a readable XML export file: it holds more "
                                       "after the end of its XML"),
    "undefined entity": N_("This is not a readable XML export file: it holds an unknown &name; "
                           "reference"),
    "duplicate attribute": N_("This is not a readable XML export file: it holds an attribute "
                              "given twice"),
    "unclosed token": N_("This is not a readable XML export file: it holds a tag left open"),
    "no element found": N_("This is not a readable XML export file: it holds no XML element"),
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
        return fail(message, self.where())

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events += 1
        depth = self.depth = self.depth + 1
        if depth > MAX_DEPTH:
            raise self._refuse(_("The file nests elements more than {depth} deep, which no "
                                 "pulse log does; this is not an export file LaserLog can read"
                                 ).format(depth=MAX_DEPTH))
        names = self.names
        if tag not in names or not names.issuperset(attrib):
            names.add(tag)
            names.update(attrib)
            if len(names) > MAX_NAMES:
                raise self._refuse(_("The file uses more than {limit} different element and "
                                     "attribute names; this is not an export file LaserLog can "
                                     "read").format(limit=number_text(MAX_NAMES)))
        if self.root is None:  # as ElementTree names it: '{namespace}tag'
            self.root = ("{" + tag if "}" in tag else tag, attrib.get("format"))
        elif self.record_depth:
            self.inside += 1
            if self.inside > MAX_ELEMENTS_IN_RECORD:
                raise self._refuse(_("A <{record}> record holds more than {limit} elements; "
                                     "this is not an export file LaserLog can read").format(
                                         record=self.record,
                                         limit=number_text(MAX_ELEMENTS_IN_RECORD)))
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
                raise self._refuse(_("The file holds more than {limit} elements in a row that "
                                     "are not <{record}> records; this is not an export file "
                                     "LaserLog can read").format(
                                         limit=number_text(MAX_ELEMENTS_OUTSIDE_RECORDS),
                                         record=self.record))
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
                raise self._refuse(_("The value of <{tag}> is longer than {limit}; this is not "
                                     "an export file LaserLog can read").format(
                                         tag=self.text_tag, limit=size_text(MAX_TEXT_BYTES)))
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
        return place("line", self.expat.CurrentLineNumber)

    def feed(self) -> bool:
        """Read and parse one piece; False at the end of the file (then closed)."""
        if self.ended:
            return False
        chunk = self.binary.read(CHUNK)
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
            raise fail(_("The file declares a document type or entities, which LaserLog "
                         "refuses to read for safety")) from None
        except (ExpatError, safe_xml.ParseError) as error:
            line = getattr(error, "lineno", None) or (getattr(error, "position", None)
                                                      or (None,))[0]
            self.line = line or self.line
            if self.ended and target.root is not None and not target.closed:
                return False  # cut off: ``_xml_rows`` says so
            reason = str(error).split(": line ")[0]
            message = (_(_XML_WORDS[reason]) if reason in _XML_WORDS else
                       _("This is not a readable XML export file: it holds {problem}").format(
                           problem=shown(reason, 80)[1:-1]))
            raise fail(message, place("line", line) if line else "") from None
        except (LookupError, ValueError):  # an encoding nobody knows, or none of its chars
            raise fail(_("This XML export file declares a text encoding LaserLog cannot read"),
                       place("line", 1)) from None
        self.quiet = self.quiet + len(chunk) if target.events == events else 0
        if self.quiet > MAX_TEXT_BYTES:
            raise fail(_("A tag, comment or declaration in the file is longer than {limit}; "
                         "this is not an export file LaserLog can read").format(
                             limit=size_text(MAX_TEXT_BYTES)), self.where())
        if target.records != records:
            self.since_record, self.record_line = 0, self.expat.CurrentLineNumber
        else:
            self.since_record += len(chunk)
            if self.since_record > MAX_BYTES_WITHOUT_RECORD:
                raise fail(_("More than {limit} of the file holds no <{record}> record; this is "
                             "not an export file LaserLog can read").format(
                                 limit=size_text(MAX_BYTES_WITHOUT_RECORD), record=target.record),
                           _("after line {number}").format(number=self.record_line))
        return True


def read_xml(binary: IO[bytes], columns: Sequence[str], record: str) -> RawRecords:
    """Records are ``<record>`` elements; a field is an attribute or a child element.

    Units come from a ``<units field="unit" .../>`` element before the records. Parsed with
    defusedxml: a DOCTYPE, entity or external reference is refused, never expanded.
    """
    head = binary.read(SAMPLE_BYTES)
    binary.seek(0)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail(_("This is not an XML export file: it holds binary data"))
    reader = _XmlReader(binary, record, columns)
    while reader.target.root is None and reader.feed():
        pass
    root = reader.target.root
    if root is None:
        raise fail(_("The file holds no XML element"))
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
        result.cut_off = cut_off_at(reader.line, _(
            "The file seems cut off at line {line}: it ends before <{root}> is closed, after "
            "element {number}. Copy it from the device again, or confirm to import it without "
            "its incomplete end"), root=target.root[0], number=number)
    elif number == 0:
        raise fail(_("The file holds no <{record}> elements").format(record=target.record))
