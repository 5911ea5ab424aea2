"""The append-only, hash-chained audit trail: every change writes one event here.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON form of the
event, so altering, removing, inserting or reordering any event breaks the chain from there on.
"""

import hashlib
import json
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.errors import NotAllowed, RecordedFailure
from models.language import N_, _
from models.records.audit_events import AuditEvent
from models.records.people import User
from models.storage.base import utc_now


class AccountDisabled(NotAllowed, RecordedFailure):
    """The signed-in account was disabled since; the GUI says so and signs out. Rolled back,
    then recorded as a refusal of its own (``message`` in English; it is shown translated)."""

    def __init__(self, message: str, actor_id: int, action: str) -> None:
        super().__init__(_(message))
        self.actor_id, self.action, self.recorded = actor_id, action, message

    def record(self, session: Session) -> None:
        record(session, actor_id=self.actor_id, action="refused", entity="user",
               entity_id=self.actor_id, new={"action": self.action}, reason=self.recorded)


GENESIS_HASH = "0" * 64
#: Recorded whatever the account's state: what is refused, or tried, is kept too.
RECORDED_FOR_ANYONE = frozenset({"refused", "login.failed", "logout"})
_AUDIT_LOCK_KEY = 0x1A5E_A0D1  # PostgreSQL advisory lock serialising sequence numbers


def canonical_json(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def event_hash(event: AuditEvent) -> str:
    body = canonical_json(
        {
            "seq": event.seq,
            "occurred_at": event.occurred_at.isoformat(),
            "actor_id": event.actor_id,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "old": event.old_values,
            "new": event.new_values,
            "reason": event.reason,
        }
    )
    return hashlib.sha256((event.prev_hash + body).encode()).hexdigest()


def record(
    db: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event in the caller's transaction, chained to the last one.

    Every change records one, so this is where a change by an account disabled since it
    signed in is stopped: ``AccountDisabled`` rolls the whole change back.
    """
    if actor_id is not None and action not in RECORDED_FOR_ANYONE and not db.scalar(
            select(User.active).where(User.id == actor_id)):
        raise AccountDisabled(N_("Your account has been disabled by an administrator: "
                                 "nothing was saved; sign in with another account"),
                              actor_id, action)
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
    last = db.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        occurred_at=utc_now().replace(microsecond=0),
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        old_values=canonical_json(old or {}),
        new_values=canonical_json(new or {}),
        reason=reason,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_hash(event)
    db.add(event)
    db.flush()
    return event
