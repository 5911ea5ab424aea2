"""After completion: a supervisor reviews and signs off, amends with a reason, or voids.

A completed session is never edited in place without a trace: each amendment keeps who, when,
why and the values before and after, so the session as first signed can always be shown.
Nothing is deleted; a voided session stays, marked with its reason.

An amendment may change anything the technician entered (areas and their parameters,
reactions, anaesthetic, screening, start, duration, room, notes). It is a signing act: the
supervisor's password confirms it (21 CFR 11.200), and its audit event seals the content as
completion does. It meets the rules completion meets, for what it changes (see
``amendment_problems``), and it withdraws any review: the amended session awaits review again.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access.audit_chain import canonical_json
from models.access.permissions import Action, Refused, require
from models.clinic import clinic_settings
from models.clinic.clinic_settings import ClinicRules
from models.errors import LaserLogError, NotAllowed, NotFound, ValidationFailed
from models.language import N_, _, datetime_text
from models.reading.history import entry_of, load_session
from models.records.equipment import Device
from models.records.people import User
from models.records.treatment import (
    Amendment,
    Anaesthetic,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)
from models.review.review_queue import QueueItem
from models.values.rows import Actor, SessionDetail, Signature
from models.values.screening import screening_key
from models.values.session_input import (
    AreaInput,
    SessionInput,
    area_key,
    problems_for_completion,
)
from models.values.vocabulary import SIGNED, Area, ParameterSource, SessionStatus
from models.workflow import carried_forward, courses, incidents, patch_tests, session_photos
from models.workflow.carried_forward import LastSettings
from models.workflow.session_logging import (
    SIGNED_WITH_PASSWORD,
    check_version,
    record_change,
    stored_value_problems,
)
from models.workflow.session_photos import LatePhoto
from models.workflow.session_rows import apply_entry, snapshot

#: The key of an amendment's values that names the review it withdrew.
REVIEW_KEY = "review"
#: Why a session not signed cannot be reviewed or amended, by what was asked and its status.
_NOT_SIGNED = {
    ("reviewed", SessionStatus.DRAFT): N_(
        "This session is draft; only a completed session can be reviewed"),
    ("reviewed", SessionStatus.VOIDED): N_(
        "This session is voided; only a completed session can be reviewed"),
    ("amended", SessionStatus.DRAFT): N_(
        "This session is draft; only a completed session can be amended"),
    ("amended", SessionStatus.VOIDED): N_(
        "This session is voided; only a completed session can be amended"),
}


def _session(db: Session, actor: Actor, action: Action, session_id: int,
             expected_version: int | None) -> TreatmentSession:
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(_("No session with id {id}").format(id=session_id))
    require(actor, action, "treatment_session", session.uuid)
    check_version(db, session, expected_version)
    return session


def _refuse_unless_signed(session: TreatmentSession, doing: str) -> None:
    """Refuse unless the session is signed; ``doing`` is "reviewed" or "amended"."""
    if session.status not in SIGNED:
        raise NotAllowed(_(_NOT_SIGNED[(doing, SessionStatus(session.status))]))


def _reason(reason: str, missing: str) -> str:
    """The reason given, stripped; ``missing`` (marked with N_) when none is."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": _(missing)})
    return reason


def review_session(db: Session, actor: Actor, session_id: int,
                   expected_version: int | None = None) -> SessionDetail:
    """Sign off a completed (or amended) session as reviewed; ``expected_version``, when
    given, refuses to act on a session changed since it was shown (as for all three)."""
    session = _session(db, actor, Action.REVIEW_SESSION, session_id, expected_version)
    _refuse_unless_signed(session, "reviewed")
    if session.status == SessionStatus.REVIEWED:
        raise NotAllowed(_("This session is already reviewed"))
    before = snapshot(session)
    session.status = SessionStatus.REVIEWED
    session.reviewed_at, session.reviewed_by_id = datetime.now(UTC), actor.id
    db.flush()
    record_change(db, actor, session, "session.review", before)
    return load_session(db, session.id)


@dataclass(frozen=True)
class AmendmentStart:
    """What the amendment form starts from: the session as it now is, the clinic's rules, and
    the patient's last settings before this session on its device (to show a change beyond
    the limit as it is typed)."""

    detail: SessionDetail
    rules: ClinicRules
    last: dict[str, LastSettings]


def amendment_start(db: Session, actor: Actor, session_id: int) -> AmendmentStart:
    session = _session(db, actor, Action.AMEND_SESSION, session_id, None)
    _refuse_unless_signed(session, "amended")
    last = ({} if session.device_id is None else carried_forward.last_settings(
        db, session.patient_id, session.device_id, before=session.started_at))
    return AmendmentStart(load_session(db, session.id), clinic_settings.rules(db), last)


def amendment_problems(db: Session, actor: Actor, session_id: int, entry: SessionInput
                       ) -> dict[str, str]:
    """What would stop ``amend_session`` saving this entry (empty when nothing): asked before
    the supervisor is asked for their password."""
    session = _session(db, actor, Action.AMEND_SESSION, session_id, None)
    _refuse_unless_signed(session, "amended")
    return problems_for_completion(entry) | _safety_problems(db, session, entry)


def _safety_problems(db: Session, session: TreatmentSession, entry: SessionInput
                     ) -> dict[str, str]:
    """Completion's checks against the records (``session_logging.safety_problems``), as they
    apply to a correction of a session signed earlier: for what the amendment changes.

    - the device is in the register;
    - the start stays between the patient's previous and next signed sessions (as completion
      keeps it after the previous one), so the change limits of the sessions around it still
      compare the same neighbours;
    - an area whose settings are new or changed (every area, on another device) moved beyond
      the change limit since the patient's previous session has its reason;
    - an area added, or every area when the device or the day changes, has its test patch;
    - parameters a device recorded are kept exactly as recorded, or replaced by typed ones
      (source "manual"): never altered under the device's name.

    Not checked again: the technician's certification today (they signed when certified),
    and the late-entry reason (a correction is not a late entry).
    """
    problems: dict[str, str] = {}
    if entry.device_id is not None and db.get(Device, entry.device_id) is None:
        problems["device"] = _("The device picked is not in the register")
    started_at = entry.started_at or session.started_at
    problems.update(_start_problems(db, session, started_at))
    original = {area.area: area for area in entry_of(load_session(db, session.id)).areas}
    problems.update(_device_value_problems(entry.areas, original))
    other_device = entry.device_id != session.device_id
    changed = [area for area in entry.areas if other_device or area.area not in original
               or _as_recorded(area) != _as_recorded(original[area.area])]
    problems.update(carried_forward.reasons_missing(
        db, session.patient_id, session.started_at, replace(entry, areas=tuple(changed))))
    day = started_at.astimezone().date()
    other_day = day != session.started_at.astimezone().date()
    judged = [area.area for area in entry.areas
              if other_device or other_day or area.area not in original]
    missing = patch_tests.patches_missing(db, session.patient_id, entry.device_id, judged, day)
    problems.update({area_key(area, "test_patch"): text for area, text in missing.items()})
    return problems


def _as_recorded(area: AreaInput) -> tuple[object, ...]:
    """The area's values as its rows would hold them: unset settings left out, and the
    settings for every pass left out where each pass has its own (``setting_rows``)."""
    def given(settings: dict[str, float | None]) -> dict[str, float]:
        return {key: value for key, value in settings.items() if value is not None}

    per_pass = tuple((p.number, given(p.settings)) for p in area.per_pass)
    return (area.area, {} if per_pass else given(area.settings), per_pass, area.pulses,
            area.passes, area.source, area.import_batch_id)


def _start_problems(db: Session, session: TreatmentSession, started_at: datetime
                    ) -> dict[str, str]:
    others = (TreatmentSession.patient_id == session.patient_id,
              TreatmentSession.status.in_(SIGNED), TreatmentSession.id != session.id)
    previous = db.scalar(select(func.max(TreatmentSession.started_at)).where(
        *others, TreatmentSession.started_at <= session.started_at))
    following = db.scalar(select(func.min(TreatmentSession.started_at)).where(
        *others, TreatmentSession.started_at > session.started_at))
    if previous is not None and started_at < previous:
        return {"started_at": _("The session cannot start before this patient's previous "
                                "session ({when})").format(when=datetime_text(previous))}
    if following is not None and started_at > following:
        return {"started_at": _("The session cannot start after this patient's next session "
                                "({when})").format(when=datetime_text(following))}
    return {}


def _device_value_problems(areas: tuple[AreaInput, ...], original: dict[str, AreaInput]
                           ) -> dict[str, str]:
    problems = {}
    for area in areas:
        if area.source == ParameterSource.MANUAL:
            continue
        recorded = original.get(area.area)
        if recorded is None or _as_recorded(recorded) != _as_recorded(area):
            problems[f"areas.{area.area}"] = _(
                "Parameters a device recorded are kept as recorded, or replaced by typed "
                "values")
    return problems


def _with_consent_signed(session: TreatmentSession, entry: SessionInput) -> SessionInput:
    """The entry with the consent the session went ahead under, whatever the form sent: an
    amendment corrects what was done, never which consent the patient gave."""
    recorded = session.screening
    if recorded is None:
        return entry
    return replace(entry, screening=replace(
        entry.screening, consent_id=recorded.consent_id,
        consent_version=recorded.consent_version,
        consent_signed_on=recorded.consent_signed_on))


def _amended(db: Session, actor: Actor, session_id: int, expected_version: int | None,
             signature: Signature) -> TreatmentSession:
    """The signed session ``actor`` amends, signing with their own password."""
    session = _session(db, actor, Action.AMEND_SESSION, session_id, expected_version)
    if signature.actor_id != actor.id:
        raise Refused.saying(N_("An amendment is signed with the supervisor's own password"),
                             actor, "amend_session", "treatment_session", session.uuid)
    _refuse_unless_signed(session, "amended")
    return session


def add_photos(db: Session, actor: Actor, session_id: int, photos: Sequence[LatePhoto],
               reason: str, expected_version: int | None = None, *,
               signature: Signature) -> SessionDetail:
    """Add photos to a signed session by an amendment of its own, with the reason and the
    supervisor's password: each photo's hash is in the audit chain, in ``photo.add`` events
    and in the amendment's own, and the session's content is sealed again with them in it.
    Like any amendment it withdraws a review: the session awaits review with its photos."""
    session = _amended(db, actor, session_id, expected_version, signature)
    reason = _reason(reason, N_("Give the reason for the amendment"))
    if not photos:
        raise LaserLogError(_("No photos to add; nothing was recorded"))
    treated = {area.area for area in session.areas}
    problems = {f"photo.{n}": _("The session did not treat {area}").format(
        area=Area(p.area).label) for n, p in enumerate(photos) if p.area not in treated}
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(session)
    session.status = SessionStatus.AMENDED  # first: the database lets only an amendment change
    added = [session_photos.keep_photo(db, actor, session, p.area, p.kind, p.pose, p.image,
                                       p.source, p.taken_at) for p in photos]
    old_values: dict[str, Any] = {"photos": []}
    new_values: dict[str, Any] = {"photos": [
        {"area": p.area, "kind": p.kind, "pose": p.pose, "sha256": p.sha256} for p in added]}
    withdrawn = _withdraw_review(db, session)
    if withdrawn is not None:
        old_values[REVIEW_KEY], new_values[REVIEW_KEY] = withdrawn, None
    record_change(db, actor, session, "session.amend", before, reason,
                  signed_with=SIGNED_WITH_PASSWORD, also=(old_values, new_values))
    session.amendments.append(Amendment(
        number=len(session.amendments) + 1, user_id=actor.id, reason=reason,
        amended_at=datetime.now(UTC), old_values=canonical_json(old_values),
        new_values=canonical_json(new_values)))
    db.flush()
    return load_session(db, session.id)


def amend_session(db: Session, actor: Actor, session_id: int, entry: SessionInput,
                  reason: str, expected_version: int | None = None, *,
                  signature: Signature) -> SessionDetail:
    """Change a completed session, signed with the supervisor's ``signature`` (their password,
    confirmed by ``accounts.confirm_signature``), recording the values replaced; any review
    is withdrawn and the session awaits review again."""
    session = _amended(db, actor, session_id, expected_version, signature)
    reason = _reason(reason, N_("Give the reason for the amendment"))
    entry = _with_consent_signed(session, entry)
    problems = problems_for_completion(entry) | _safety_problems(db, session, entry)
    if session.screening is not None and session.screening.consent_id is None:
        problems.pop(screening_key("consent"), None)  # typed before 0021: kept as it was
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
        raise LaserLogError(_("The amendment changes nothing; nothing was recorded"))
    stored = stored_value_problems(session)
    if stored:
        raise ValidationFailed(stored)
    withdrawn = _withdraw_review(db, session)
    db.flush()
    courses.recount(db, session.patient_id,  # the areas it had and has: their counts move
                    {area["area"] for area in before["areas"]} | {a.area for a in session.areas})
    incidents.open_incidents_for(db, actor, session,
                                 [(r.kind, r.grade) for r in session.reactions])
    old, new = record_change(db, actor, session, "session.amend", before, reason,
                             signed_with=SIGNED_WITH_PASSWORD)
    old_values = {k: old[k] for k in changed}
    new_values = {k: new[k] for k in changed}
    if withdrawn is not None:
        old_values[REVIEW_KEY], new_values[REVIEW_KEY] = withdrawn, None
    session.amendments.append(Amendment(
        number=number, user_id=actor.id, reason=reason, amended_at=datetime.now(UTC),
        old_values=canonical_json(old_values), new_values=canonical_json(new_values)))
    db.flush()
    return load_session(db, session.id)


def _withdraw_review(db: Session, session: TreatmentSession) -> dict[str, Any] | None:
    """Clear the session's review, an amended session being unreviewed: it shows in the
    queue again and nowhere as "Reviewed". Return the review withdrawn, for the amendment's
    record (the audit trail keeps its own event), or None when there was none."""
    if session.reviewed_at is None:
        return None
    reviewer = db.get(User, session.reviewed_by_id) if session.reviewed_by_id else None
    withdrawn = {"reviewed_at": session.reviewed_at.isoformat(),
                 "reviewed_by_id": session.reviewed_by_id,
                 "reviewed_by": reviewer.full_name if reviewer else None}
    session.reviewed_at, session.reviewed_by_id = None, None
    return withdrawn


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
        raise NotAllowed(_("This session is already voided"))
    reason = _reason(reason, N_("Give the reason for the voiding"))
    before = snapshot(session)
    session.status = SessionStatus.VOIDED
    session.voided_at, session.voided_by_id, session.void_reason = (
        datetime.now(UTC), actor.id, reason)
    db.flush()
    courses.recount(db, session.patient_id, [area.area for area in session.areas])
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
