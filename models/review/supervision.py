"""After completion: a supervisor reviews and signs off, amends with a reason, or voids.

A completed session is never edited in place without a trace: each amendment keeps who, when,
why and the values before and after, so the session as first signed can always be shown.
Nothing is deleted; a voided session stays, marked with its reason.
"""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models.access.audit_chain import canonical_json
from models.access.permissions import Action, require
from models.errors import LaserLogError, NotAllowed, NotFound, ValidationFailed
from models.reading.history import load_session
from models.records.treatment import (
    Amendment,
    Anaesthetic,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)
from models.review.review_queue import QueueItem
from models.values.rows import Actor, SessionDetail
from models.values.session_input import SessionInput, problems_for_completion
from models.values.vocabulary import SIGNED, SessionStatus
from models.workflow import incidents
from models.workflow.session_logging import check_version, record_change
from models.workflow.session_rows import apply_entry, snapshot


def _session(db: Session, actor: Actor, action: Action, session_id: int,
             expected_version: int | None) -> TreatmentSession:
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(f"No session with id {session_id}")
    require(actor, action, "treatment_session", session.uuid)
    check_version(db, session, expected_version)
    return session


def _refuse_unless_signed(session: TreatmentSession, doing: str) -> None:
    if session.status not in SIGNED:
        status = SessionStatus(session.status).label.lower()
        raise NotAllowed(f"This session is {status}; only a completed session can be {doing}")


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": f"Give the reason for the {what}"})
    return reason


def review_session(db: Session, actor: Actor, session_id: int,
                   expected_version: int | None = None) -> SessionDetail:
    """Sign off a completed (or amended) session as reviewed; ``expected_version``, when
    given, refuses to act on a session changed since it was shown (as for all three)."""
    session = _session(db, actor, Action.REVIEW_SESSION, session_id, expected_version)
    _refuse_unless_signed(session, "reviewed")
    if session.status == SessionStatus.REVIEWED:
        raise NotAllowed("This session is already reviewed")
    before = snapshot(session)
    session.status = SessionStatus.REVIEWED
    session.reviewed_at, session.reviewed_by_id = datetime.now(UTC), actor.id
    db.flush()
    record_change(db, actor, session, "session.review", before)
    return load_session(db, session.id)


def amend_session(db: Session, actor: Actor, session_id: int, entry: SessionInput,
                  reason: str, expected_version: int | None = None) -> SessionDetail:
    """Change a completed session, recording the values replaced; it then awaits review."""
    session = _session(db, actor, Action.AMEND_SESSION, session_id, expected_version)
    _refuse_unless_signed(session, "amended")
    reason = _reason(reason, "amendment")
    problems = problems_for_completion(entry)
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(session)
    number = len(session.amendments) + 1
    _supersede_content(db, session, number)
    session.status = SessionStatus.AMENDED  # first: the database lets only an amendment change
    apply_entry(db, session, entry, {})    # a signed session's clinical columns
    changed = {key for key, value in snapshot(session).items()
               if key != "status" and value != before[key]}
    if not changed:
        raise LaserLogError("The amendment changes nothing; nothing was recorded")
    db.flush()
    incidents.open_incidents_for(db, actor, session,
                                 [(r.kind, r.grade) for r in session.reactions])
    old, new = record_change(db, actor, session, "session.amend", before, reason)
    session.amendments.append(Amendment(
        number=number, user_id=actor.id, reason=reason, amended_at=datetime.now(UTC),
        old_values=canonical_json({k: old[k] for k in changed}),
        new_values=canonical_json({k: new[k] for k in changed})))
    db.flush()
    return load_session(db, session.id)


def _supersede_content(db: Session, session: TreatmentSession, number: int) -> None:
    """Mark the session's current areas, anaesthetic, screening and reactions as replaced by
    amendment ``number``; they stay in the database, and the session's collections start
    empty."""
    current: list[TreatedArea | Reaction | Anaesthetic | Screening]
    current = [*session.areas, *session.reactions]
    current += [row for row in (session.anaesthetic, session.screening) if row is not None]
    for row in current:
        row.superseded_in = number
    db.flush()
    db.expire(session, ["areas", "reactions", "anaesthetic", "screening"])


def void_session(db: Session, actor: Actor, session_id: int, reason: str,
                 expected_version: int | None = None) -> SessionDetail:
    """Mark a session void: it stays, with who voided it, when and why."""
    session = _session(db, actor, Action.VOID_SESSION, session_id, expected_version)
    if session.status == SessionStatus.VOIDED:
        raise NotAllowed("This session is already voided")
    reason = _reason(reason, "voiding")
    before = snapshot(session)
    session.status = SessionStatus.VOIDED
    session.voided_at, session.voided_by_id, session.void_reason = (
        datetime.now(UTC), actor.id, reason)
    db.flush()
    record_change(db, actor, session, "session.void", before, reason)
    return load_session(db, session.id)


def sign_off_unflagged(db: Session, actor: Actor, items: list[QueueItem]) -> int:
    """Sign off every unflagged session of ``items`` (as the supervisor saw them)."""
    signed = 0
    for item in items:
        if not item.flags:
            review_session(db, actor, item.session_id, item.version)
            signed += 1
    return signed
