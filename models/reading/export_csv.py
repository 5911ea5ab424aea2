"""CSV export of sessions: one row per session, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reading.history import NO_FILTER, PageCursor, list_sessions
from models.reading.history_filter import HistoryFilter
from models.records.treatment import Anaesthetic, Reaction
from models.values.rows import Actor

COLUMNS = (
    "session_uuid", "start", "patient_identifier", "technician", "areas", "duration_minutes",
    "anaesthetic", "reactions", "status",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
            reactions.setdefault(session_id, []).append(f"{kind}:{grade}")
        for row in page.rows:
            yield [
                str(row.uuid),
                row.started_at.isoformat(timespec="seconds"),
                row.patient_identifier,
                row.technician,
                ";".join(row.areas),
                "" if row.duration_s is None else f"{row.duration_s / 60:g}",
                agents.get(row.id, "none"),
                ";".join(reactions.get(row.id, [])),
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

