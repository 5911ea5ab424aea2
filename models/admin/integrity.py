"""Checking a database end to end: its storage, its foreign keys, its guard triggers, the
whole audit chain, and the content of every signed session.

The chain is recomputed event by event in sequence order: an event altered, deleted,
inserted or moved breaks it, and the first broken sequence number is named. Signing and each
amendment recorded a digest of the session's content in their event; every signed session's
content is digested again and compared, and a signed session that is gone is named.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models.access import witness
from models.access.audit_chain import GENESIS_HASH, event_hash
from models.admin.progress import REPORT_EVERY, Progress, unreported
from models.clinic import consent_forms
from models.language import N_, _, ngettext, number_text
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
    return [_("the guard trigger {name} is missing: someone dropped it").format(name=name)
            for name in sorted(guards_expected(dialect, revision) - found)]


def _storage_problems(db: Session, sqlite: bool) -> list[str]:
    if sqlite:
        found = [row[0] for row in db.execute(text("PRAGMA integrity_check"))]
        problems = [] if found == ["ok"] else [f"integrity_check: {line}" for line in found[:20]]
        for table, rowid, parent, _fk in db.execute(text("PRAGMA foreign_key_check")):
            problems.append(_("foreign_key_check: {table} row {row} points to a missing "
                              "{parent} row").format(table=table, row=rowid, parent=parent))
        return problems
    # PostgreSQL checks pages and constraints as it writes; what can still be wrong is a
    # constraint left unvalidated or a guard trigger switched off.
    problems = [
        _("constraint {name} on {table} is not validated").format(name=name, table=table)
        for name, table in db.execute(text(
            "SELECT conname, conrelid::regclass::text FROM pg_constraint "
            "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"))
    ]
    problems += [
        _("the guard trigger {name} on {table} is disabled").format(name=name, table=table)
        for name, table in db.execute(text(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname LIKE '%\\_guard' AND tgenabled = 'D'"))
    ]
    return problems


def _chain_problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        if event.seq > expected_seq:
            return _("audit event {seq} is missing (the chain jumps from {last} to {next})"
                     ).format(seq=expected_seq, last=expected_seq - 1, next=event.seq)
        return _("audit event {seq} appears again after {last}").format(
            seq=event.seq, last=expected_seq - 1)
    if event.prev_hash != prev_hash:
        return _("audit event {seq} does not follow event {last}").format(
            seq=event.seq, last=event.seq - 1)
    if event_hash(event) != event.hash:
        return _("audit event {seq} was altered after it was written").format(seq=event.seq)
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
                return _("audit event {seq} has a time that is not a timestamp ({value})"
                         ).format(seq=seq, value=repr(occurred_at))
    first = rows[0][0] if rows else "?"
    return _("audit events from {seq} on cannot be read: a value is not what its column "
             "holds").format(seq=first)


#: What ``verify`` reports it is doing (translated as it is reported).
CHECKING_STORAGE = N_("Checking storage and guards")
CHECKING_CHAIN = N_("Checking the audit chain")
CHECKING_CONTENT = N_("Checking signed sessions")


def _content_problems(db: Session, seals: _Seals, result: Verification,
                      progress: Progress) -> None:
    seen: set[str] = set()
    mismatched: list[str] = []
    total = db.scalar(select(func.count()).select_from(TreatmentSession)) or 0
    progress(_(CHECKING_CONTENT), 0, total)
    for content in content_digests(db):
        seen.add(content.uuid)
        if len(seen) % REPORT_EVERY == 0:
            progress(_(CHECKING_CONTENT), len(seen), total)
        result.content_bytes += content.size
        if content.status == "draft" or (content.status == "voided"
                                          and content.uuid not in seals.signed):
            continue  # never signed: a draft, or a draft its technician voided
        expected = seals.digests.get(content.uuid)
        if expected is None:
            result.unsealed += 1
        elif expected[0] != content.digest:
            mismatched.append(_(
                "signed session {uuid} (id {id}) no longer matches what was signed (audit "
                "event {seq}): its rows were changed outside LaserLog").format(
                uuid=content.uuid, id=content.id, seq=expected[1]))
        else:
            result.sessions_proven += 1
    progress(_(CHECKING_CONTENT), len(seen), total)
    result.problems += _first_of(mismatched, lambda n: ngettext(
        "… and {n} more signed session was changed",
        "… and {n} more signed sessions were changed", n))
    missing = [_("signed session {uuid} (signed in audit event {seq}) is missing from the "
                 "database").format(uuid=uuid, seq=seq)
               for uuid, seq in sorted(seals.signed.items(), key=lambda i: i[1])
               if uuid not in seen]
    result.problems += _first_of(missing, lambda n: ngettext(
        "… and {n} more signed session is missing",
        "… and {n} more signed sessions are missing", n))


def _first_of(problems: Sequence[str], more: Callable[[int], str], shown: int = 5
              ) -> list[str]:
    """The first ``shown`` problems, then how many more (``more(n)``: the sentence for n)."""
    extra = len(problems) - shown
    if extra <= 0:
        return list(problems)
    return [*problems[:shown], more(extra).format(n=number_text(extra))]


def verify(database: Database, progress: Progress = unreported) -> Verification:
    """Check storage, guards, every audit event and every signed session's content; name the
    first broken link and each session changed or missing. ``progress`` hears how far it has
    got (and may stop it: nothing is written)."""
    result = Verification()
    seals = _Seals()
    with database.read() as db:
        progress(_(CHECKING_STORAGE), 0, 0)
        witnessed = {w.seq: w for w in witness.witnesses_of(witness.chain_identity(db))}
        result.problems += _storage_problems(db, database.is_sqlite)
        result.problems += _guard_problems(db, database.engine.dialect.name)
        total = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
        progress(_(CHECKING_CHAIN), 0, total)
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
                    result.problems.append(_(
                        "audit event {seq} is not the one a witness saw on {seen_at} "
                        "({reason}): the chain was rewritten").format(
                        seq=event.seq, seen_at=seen.seen_at, reason=seen.reason))
                result.events += 1
                expected_seq, prev_hash = event.seq + 1, event.hash
            after_seq = events[-1].seq
            db.expunge_all()
            progress(_(CHECKING_CHAIN), result.events, total)
        if result.first_broken_seq is None and witnessed:
            last = max(witnessed)
            seen = witnessed[last]
            result.problems.append(_(
                "audit events {first} to {last} are missing: a witness saw event {last} on "
                "{seen_at} ({reason}); the chain's end was cut off").format(
                first=expected_seq, last=last, seen_at=seen.seen_at, reason=seen.reason))
        _content_problems(db, seals, result, progress)
        result.problems += consent_forms.changed_consents(db)
    return result
