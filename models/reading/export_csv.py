"""CSV export of sessions: one row per session, safe to open in a spreadsheet, in the words
of the screens (area and reaction names, whole minutes)."""

import csv
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reading.history import NO_FILTER, PageCursor, list_sessions
from models.reading.history_filter import HistoryFilter
from models.records.treatment import Anaesthetic, Reaction
from models.values.rows import Actor
from models.values.vocabulary import Area, ReactionKind

COLUMNS = (
    "session_uuid", "start", "patient_identifier", "technician", "areas", "duration_minutes",
    "anaesthetic", "reactions", "status",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Areas and reactions as the screens name them (the codes stay in the FHIR export).
AREA_LABELS = {area.value: area.source_label for area in Area}
REACTION_LABELS = {kind.value: kind.source_label for kind in ReactionKind}


def spreadsheet_safe(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with an apostrophe."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _rows(db: Session, page_size: int, filters: HistoryFilter, actor: Actor | None
          ) -> Iterator[list[str]]:
    cursor: PageCursor | None = None
    while True:
        page = list_sessions(db, actor, after=cursor, limit=page_size, filters=filters)
        ids = [row.id for row in page.rows]
        agents = {session_id: agent for session_id, agent in db.execute(
            select(Anaesthetic.session_id, Anaesthetic.agent).where(
                Anaesthetic.session_id.in_(ids), Anaesthetic.superseded_in.is_(None))
        )} if ids else {}
        reactions: dict[int, list[str]] = {}
        statement = (
            select(Reaction.session_id, Reaction.kind, Reaction.grade)
            .where(Reaction.session_id.in_(ids), Reaction.superseded_in.is_(None))
            .order_by(Reaction.session_id, Reaction.id)
        )
        for session_id, kind, grade in db.execute(statement) if ids else ():
            reactions.setdefault(session_id, []).append(f"{REACTION_LABELS.get(kind, kind)} "
                                                        f"{grade}")
        for row in page.rows:
            yield [
                str(row.uuid),
                row.started_at.isoformat(timespec="seconds"),
                row.patient_identifier,
                row.technician,
                "; ".join(AREA_LABELS.get(area, area) for area in row.areas),
                "" if row.duration_s is None else str(round(row.duration_s / 60)),
                agents.get(row.id, "none"),
                "; ".join(reactions.get(row.id, [])),
                row.status,
            ]
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def write_sessions_csv(db: Session, out: TextIO, filters: HistoryFilter = NO_FILTER,
                       actor: Actor | None = None, page_size: int = 500) -> int:
    """Write the sessions the filter finds (and ``actor`` may see), in the filter's order, as
    RFC 4180 CSV; return how many were written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for values in _rows(db, page_size, filters, actor):
        writer.writerow([spreadsheet_safe(v) for v in values])
        count += 1
    return count

