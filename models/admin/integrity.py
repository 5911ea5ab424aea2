"""Checking a database end to end: its storage, its foreign keys and the whole audit chain.

The chain is recomputed event by event in sequence order: an event altered, deleted,
inserted or moved breaks it, and the first broken sequence number is named.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.access.audit_chain import GENESIS_HASH, event_hash
from models.records.audit_events import AuditEvent
from models.storage.database import Database

_BATCH = 5_000


@dataclass
class Verification:
    events: int = 0
    problems: list[str] = field(default_factory=list)
    first_broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _storage_problems(db: Session, sqlite: bool) -> list[str]:
    if sqlite:
        found = [row[0] for row in db.execute(text("PRAGMA integrity_check"))]
        problems = [] if found == ["ok"] else [f"integrity_check: {line}" for line in found[:20]]
        for table, rowid, parent, _fk in db.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"foreign_key_check: {table} row {rowid} points to a missing "
                            f"{parent} row")
        return problems
    # PostgreSQL checks pages and constraints as it writes; what can still be wrong is a
    # constraint left unvalidated or a guard trigger switched off.
    problems = [
        f"constraint {name} on {table} is not validated"
        for name, table in db.execute(text(
            "SELECT conname, conrelid::regclass::text FROM pg_constraint "
            "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"))
    ]
    problems += [
        f"the guard trigger {name} on {table} is disabled"
        for name, table in db.execute(text(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE '%\\_guard' AND tgenabled = 'D'"))
    ]
    return problems


def _chain_problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        if event.seq > expected_seq:
            return (f"audit event {expected_seq} is missing "
                    f"(the chain jumps from {expected_seq - 1} to {event.seq})")
        return f"audit event {event.seq} appears again after {expected_seq - 1}"
    if event.prev_hash != prev_hash:
        return f"audit event {event.seq} does not follow event {event.seq - 1}"
    if event_hash(event) != event.hash:
        return f"audit event {event.seq} was altered after it was written"
    return None


def verify(database: Database, progress: Callable[[int], None] | None = None) -> Verification:
    """Check storage, foreign keys and every audit event; report the first broken link."""
    result = Verification()
    with database.read() as db:
        result.problems += _storage_problems(db, database.is_sqlite)
        expected_seq, prev_hash, after_seq = 1, GENESIS_HASH, None
        while True:
            statement = select(AuditEvent).order_by(AuditEvent.seq).limit(_BATCH)
            if after_seq is not None:
                statement = statement.where(AuditEvent.seq > after_seq)
            events = db.scalars(statement).all()
            if not events:
                break
            for event in events:
                problem = _chain_problem(event, expected_seq, prev_hash)
                if problem is not None:
                    result.problems.append(problem)
                    result.first_broken_seq = min(expected_seq, event.seq)
                    return result
                result.events += 1
                expected_seq, prev_hash = event.seq + 1, event.hash
            after_seq = events[-1].seq
            db.expunge_all()
            if progress is not None:
                progress(result.events)
    return result
