"""Checking a database end to end: its storage, its foreign keys, its guard triggers, the
whole audit chain, and the content of every signed session.

The chain is recomputed event by event in sequence order: an event altered, deleted,
inserted or moved breaks it, and the first broken sequence number is named. Signing and each
amendment recorded a digest of the session's content in their event; every signed session's
content is digested again and compared, and a signed session that is gone is named.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models.access import witness
from models.access.audit_chain import GENESIS_HASH, event_hash
from models.admin.progress import REPORT_EVERY, Progress, unreported
from models.clinic import consent_forms
from models.reading.session_content import content_digests
from models.records.audit_events import AuditEvent
from models.records.treatment import TreatmentSession
from models.storage.database import Database
from models.storage.migrations import guards_expected
from models.workflow.session_logging import CONTENT_KEY, SEALING

_BATCH = 5_000


@dataclass
class Verification:
    events: int = 0
    problems: list[str] = field(default_factory=list)
    first_broken_seq: int | None = None
    sessions_proven: int = 0  # signed sessions whose content matches their digest
    content_bytes: int = 0  # what was digested to prove them
    unsealed: int = 0  # signed before LaserLog recorded content digests (before schema 0015)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Seals:
    """What the audit chain says was signed: each session's last digest, and its signing."""

    digests: dict[str, tuple[str, int]] = field(default_factory=dict)  # uuid: (digest, seq)
    signed: dict[str, int] = field(default_factory=dict)  # uuid: seq of its signing

    def note(self, event: AuditEvent) -> None:
        if event.entity != "treatment_session" or event.action not in SEALING:
            return
        uuid = str(event.entity_id)
        if event.action == "session.complete":
            self.signed.setdefault(uuid, event.seq)
        try:
            digest = json.loads(event.new_values).get(CONTENT_KEY)
        except (ValueError, AttributeError):
            return  # the chain check names an event whose values were altered
        if isinstance(digest, str):
            self.digests[uuid] = (digest, event.seq)


def _guard_problems(db: Session, dialect: str) -> list[str]:
    query = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if dialect == "sqlite"
             else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    found = set(db.execute(text(query)).scalars())
    revision = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return [f"the guard trigger {name} is missing: someone dropped it"
            for name in sorted(guards_expected(dialect, revision) - found)]


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


def _unreadable_event(db: Session, after_seq: int | None) -> str:
    """Which event of the next batch cannot be read, and why (a value that is not what its
    column holds, written past the application)."""
    rows = db.execute(text(
        "SELECT seq, occurred_at FROM audit_events WHERE seq > :after ORDER BY seq LIMIT :n"),
        {"after": after_seq if after_seq is not None else -1, "n": _BATCH}).all()
    for seq, occurred_at in rows:
        if isinstance(occurred_at, str):
            try:
                datetime.fromisoformat(occurred_at)
            except ValueError:
                return f"audit event {seq} has a time that is not a timestamp ({occurred_at!r})"
    first = rows[0][0] if rows else "?"
    return f"audit events from {first} on cannot be read: a value is not what its column holds"


#: What ``verify`` reports it is doing.
CHECKING_STORAGE = "Checking storage and guards"
CHECKING_CHAIN = "Checking the audit chain"
CHECKING_CONTENT = "Checking signed sessions"


def _content_problems(db: Session, seals: _Seals, result: Verification,
                      progress: Progress) -> None:
    seen: set[str] = set()
    mismatched: list[str] = []
    total = db.scalar(select(func.count()).select_from(TreatmentSession)) or 0
    progress(CHECKING_CONTENT, 0, total)
    for content in content_digests(db):
        seen.add(content.uuid)
        if len(seen) % REPORT_EVERY == 0:
            progress(CHECKING_CONTENT, len(seen), total)
        result.content_bytes += content.size
        if content.status == "draft" or (content.status == "voided"
                                          and content.uuid not in seals.signed):
            continue  # never signed: a draft, or a draft its technician voided
        expected = seals.digests.get(content.uuid)
        if expected is None:
            result.unsealed += 1
        elif expected[0] != content.digest:
            mismatched.append(f"signed session {content.uuid} (id {content.id}) no longer "
                              f"matches what was signed (audit event {expected[1]}): its rows "
                              "were changed outside LaserLog")
        else:
            result.sessions_proven += 1
    progress(CHECKING_CONTENT, len(seen), total)
    result.problems += _first_of(mismatched, "more signed sessions were changed")
    missing = [f"signed session {uuid} (signed in audit event {seq}) is missing from the "
               "database" for uuid, seq in sorted(seals.signed.items(), key=lambda i: i[1])
               if uuid not in seen]
    result.problems += _first_of(missing, "more signed sessions are missing")


def _first_of(problems: Sequence[str], more: str, shown: int = 5) -> list[str]:
    extra = len(problems) - shown
    return [*problems[:shown], *([f"… and {extra:,} {more}"] if extra > 0 else [])]


def verify(database: Database, progress: Progress = unreported) -> Verification:
    """Check storage, guards, every audit event and every signed session's content; name the
    first broken link and each session changed or missing. ``progress`` hears how far it has
    got (and may stop it: nothing is written)."""
    result = Verification()
    seals = _Seals()
    with database.read() as db:
        progress(CHECKING_STORAGE, 0, 0)
        witnessed = {w.seq: w for w in witness.witnesses_of(witness.chain_identity(db))}
        result.problems += _storage_problems(db, database.is_sqlite)
        result.problems += _guard_problems(db, database.engine.dialect.name)
        total = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
        progress(CHECKING_CHAIN, 0, total)
        expected_seq, prev_hash, after_seq = 1, GENESIS_HASH, None
        while result.first_broken_seq is None:
            statement = select(AuditEvent).order_by(AuditEvent.seq).limit(_BATCH)
            if after_seq is not None:
                statement = statement.where(AuditEvent.seq > after_seq)
            try:
                events = db.scalars(statement).all()
            except (ValueError, TypeError, OverflowError):
                result.problems.append(_unreadable_event(db, after_seq))
                result.first_broken_seq = expected_seq
                break
            if not events:
                break
            for event in events:
                problem = _chain_problem(event, expected_seq, prev_hash)
                if problem is not None:
                    result.problems.append(problem)
                    result.first_broken_seq = min(expected_seq, event.seq)
                    break
                seals.note(event)
                seen = witnessed.pop(event.seq, None)
                if seen is not None and seen.hash != event.hash:
                    result.problems.append(
                        f"audit event {event.seq} is not the one a witness saw on "
                        f"{seen.seen_at} ({seen.reason}): the chain was rewritten")
                result.events += 1
                expected_seq, prev_hash = event.seq + 1, event.hash
            after_seq = events[-1].seq
            db.expunge_all()
            progress(CHECKING_CHAIN, result.events, total)
        if result.first_broken_seq is None and witnessed:
            last = max(witnessed)
            seen = witnessed[last]
            result.problems.append(
                f"audit events {expected_seq} to {last} are missing: a witness saw event "
                f"{last} on {seen.seen_at} ({seen.reason}); the chain's end was cut off")
        _content_problems(db, seals, result, progress)
        result.problems += consent_forms.changed_consents(db)
    return result
