"""Logging a treatment session: start a draft, save it as it is typed, complete and sign it."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import audit_chain, witness
from models.access.permissions import Action, Refused, require
from models.clinic import clinic_settings, consent_forms
from models.clinic.clinic_settings import ClinicRules
from models.errors import Conflict, NotFound, ValidationFailed
from models.language import N_, _, date_text, datetime_text, ngettext
from models.reading.history import load_session
from models.reading.session_content import content_digest
from models.records import area_day_counts
from models.records.audit_events import AuditEvent
from models.records.equipment import Device
from models.records.people import Patient, User
from models.records.treatment import TreatmentSession
from models.values.parameters import SETTINGS
from models.values.rows import Actor, SessionDetail, Signature
from models.values.screening import screening_key
from models.values.session_input import (
    SessionInput,
    area_key,
    problems_for_completion,
    problems_in,
)
from models.values.vocabulary import SIGNED, SessionStatus
from models.workflow import carried_forward, courses, incidents, patch_tests, session_photos
from models.workflow.session_rows import apply_entry, snapshot


def start_draft(
    db: Session,
    actor: Actor,
    patient_id: int,
    entry: SessionInput | None = None,
    session_uuid: UUID | None = None,
) -> SessionDetail:
    """The technician's draft for a patient: the one already open (as it was saved; ``entry``
    is then left out, save it with ``update_draft``), else a new one.

    ``session_uuid`` lets a caller name a new session up front (reproducible demo data).
    """
    require(actor, Action.LOG_SESSION, "treatment_session")
    existing = open_draft_for(db, actor, patient_id)
    if existing is not None:
        return load_session(db, existing.id)
    return create_draft(db, actor, patient_id, entry, session_uuid)


def open_draft_for(db: Session, actor: Actor, patient_id: int) -> TreatmentSession | None:
    """The actor's open draft for this patient, if any (the newest, should there be two)."""
    return db.scalars(
        select(TreatmentSession)
        .where(TreatmentSession.technician_id == actor.id,
               TreatmentSession.patient_id == patient_id,
               TreatmentSession.status == SessionStatus.DRAFT)
        .order_by(TreatmentSession.updated_at.desc(), TreatmentSession.id.desc()).limit(1)
    ).first()


def create_draft(
    db: Session,
    actor: Actor,
    patient_id: int,
    entry: SessionInput | None = None,
    session_uuid: UUID | None = None,
) -> SessionDetail:
    """Open a new draft whatever is open: for the device sessions of one export file, each of
    which is a session of its own. Everything else goes through ``start_draft``."""
    require(actor, Action.LOG_SESSION, "treatment_session")
    if db.get(Patient, patient_id) is None:
        raise NotFound(_("No patient with id {id}").format(id=patient_id))
    entry = entry or SessionInput()
    session = TreatmentSession(
        uuid=session_uuid or uuid4(),
        patient_id=patient_id,
        technician_id=actor.id,
        status=SessionStatus.DRAFT,
        started_at=datetime.now(UTC),
    )
    db.add(session)
    apply_entry(db, session, entry, problems_in(entry))
    db.flush()
    audit_chain.record(
        db,
        actor_id=actor.id,
        action="session.start",
        entity="treatment_session",
        entity_id=session.uuid,
        new=snapshot(session),
    )
    if session.areas:  # a draft opened as the patient is chosen has none yet: nothing counts
        area_day_counts.recount_days(db, [area_day_counts.day_of(session.started_at)])
    notify_sessions_changed(db, session.uuid)
    return load_session(db, session.id)


def update_draft(db: Session, actor: Actor, session_id: int, entry: SessionInput,
                 expected_version: int | None = None) -> SessionDetail:
    """Save what has been typed so far. Values that are wrong are kept out until corrected.

    With ``expected_version`` (the version the caller last saw) a save made elsewhere since
    is not overwritten: ``Conflict`` says who saved what, and when.
    """
    session = owned_draft(db, actor, session_id)
    check_version(db, session, expected_version)
    before = snapshot(session)
    apply_entry(db, session, entry, problems_in(entry))
    db.flush()
    record_change(db, actor, session, "session.save_draft", before)
    return load_session(db, session.id)


def complete_session(
    db: Session, actor: Actor, session_id: int, entry: SessionInput, signature: Signature,
    expected_version: int | None = None,
) -> SessionDetail:
    """Complete and sign the session with the technician's ``signature`` (their password,
    confirmed by ``accounts.confirm_signature``); from then on it changes only by amendment.
    """
    session = owned_draft(db, actor, session_id)
    if signature.actor_id != actor.id:
        raise Refused.saying(N_("A session is signed with its technician's own password"),
                             actor, "sign_session", "treatment_session", session.uuid)
    check_version(db, session, expected_version)
    entry = with_consent_on_file(db, session, entry)
    problems = problems_for_completion(entry) | safety_problems(db, session, entry)
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(session)
    apply_entry(db, session, entry, {})
    stored = stored_value_problems(session)  # a device's values too, whatever their path
    if stored:
        raise ValidationFailed(stored)
    session.status = SessionStatus.COMPLETED
    session.completed_at = datetime.now(UTC)
    db.flush()
    courses.open_default_courses(db, actor, session)
    incidents.open_incidents_for(db, actor, session,
                                 [(r.kind, r.grade) for r in session.reactions])
    record_change(db, actor, session, "session.complete", before,
                  signed_with=SIGNED_WITH_PASSWORD)
    return load_session(db, session.id)


def void_draft(db: Session, actor: Actor, session_id: int, reason: str,
               expected_version: int | None = None) -> SessionDetail:
    """Void the technician's own draft (started by mistake, or for the wrong patient).

    Nothing is deleted: the draft stays, marked voided with who, when and why, and from then
    on its rows are kept unchanged like a signed session's.
    """
    require(actor, Action.LOG_SESSION, "treatment_session", session_id)
    session = owned_draft(db, actor, session_id)
    check_version(db, session, expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for voiding this draft")})
    before = snapshot(session)
    session.status = SessionStatus.VOIDED
    session.voided_at, session.voided_by_id, session.void_reason = (
        datetime.now(UTC), actor.id, reason)
    db.flush()
    record_change(db, actor, session, "session.void", before, reason)
    return load_session(db, session.id)


def completion_problems(db: Session, actor: Actor, session_id: int, entry: SessionInput
                        ) -> dict[str, str]:
    """What would stop ``complete_session`` signing the actor's draft with this entry (empty
    when nothing): asked before the technician is asked for their password."""
    session = owned_draft(db, actor, session_id)
    entry = with_consent_on_file(db, session, entry)
    return problems_for_completion(entry) | safety_problems(db, session, entry)


def with_consent_on_file(db: Session, session: TreatmentSession, entry: SessionInput
                         ) -> SessionInput:
    """The entry with the consent the patient signed on screen that is valid on the
    session's day (or with none): what the session is signed under is the database's, never
    what a form sent."""
    started_at = entry.started_at or session.started_at
    on_file = consent_forms.consent_on_file(db, session.patient_id,
                                            started_at.astimezone().date())
    valid = on_file if on_file is not None and on_file.in_force else None
    screening = replace(
        entry.screening, consent_id=valid.consent_id if valid else None,
        consent_version=valid.version if valid else "",
        consent_signed_on=valid.signed_on if valid else None)
    return replace(entry, screening=screening)


def stored_value_problems(session: TreatmentSession) -> dict[str, str]:
    """Any setting on the session that is not a plausible number (not finite, out of its
    range), however it got there: nothing of the kind is ever signed."""
    problems: dict[str, str] = {}
    for area in session.areas:
        for setting in area.settings:
            for spec in SETTINGS:
                value = getattr(setting, spec.key)
                if value is not None and (problem := spec.problem(value)):
                    problems[area_key(area.area, spec.key)] = problem
    return problems


def safety_problems(db: Session, session: TreatmentSession, entry: SessionInput
                    ) -> dict[str, str]:
    """What the database knows that stops this session being signed: a consent expired, a
    device not in the register, the technician's certification expired or not recorded, a
    start before the patient's last signed session or long ago with no reason given, a
    setting moved beyond the limit since the patient's last session with no reason given, a
    test patch required and not done, before photos the clinic requires not taken."""
    problems: dict[str, str] = {}
    rules = clinic_settings.rules(db)
    if entry.device_id is not None and db.get(Device, entry.device_id) is None:
        problems["device"] = _("The device picked is not in the register")
    problems.update(_certification_problems(db, session.technician_id, rules))
    started_at = entry.started_at or session.started_at
    day = started_at.astimezone().date()
    on_file = consent_forms.consent_on_file(db, session.patient_id, day)
    if on_file is not None and not on_file.in_force:
        problems[screening_key("consent")] = (_(
            "The patient's consent expired on {day}: have them sign the form in force on "
            "screen (Sign consent)").format(day=date_text(on_file.valid_until))
            if on_file.valid_until < day else _(
            "The patient's consent signed after this session's day ({day}): have them sign "
            "the form in force on screen (Sign consent)").format(
            day=date_text(on_file.signed_on)))
    problems.update(_start_problems(db, session, started_at, entry.late_reason, rules))
    problems.update(carried_forward.reasons_missing(db, session.patient_id, started_at, entry))
    missing = patch_tests.patches_missing(db, session.patient_id, entry.device_id,
                                          [area.area for area in entry.areas],
                                          started_at.astimezone().date())
    problems.update({area_key(area, "test_patch"): text for area, text in missing.items()})
    problems.update(session_photos.before_photos_missing(
        db, session, [area.area for area in entry.areas], rules.before_photos_per_area,
        bool(rules.before_photos_every_session)))
    return problems


def _certification_problems(db: Session, technician_id: int, rules: ClinicRules
                            ) -> dict[str, str]:
    technician = db.get(User, technician_id)
    assert technician is not None  # a session's technician is a foreign key
    expires = technician.certification_expires
    if expires is None and not rules.allow_uncertified:
        return {"certification": _(
            "{name} has no certification recorded: sessions cannot be completed until an "
            "administrator records it").format(name=technician.full_name)}
    if expires is not None and expires < datetime.now(UTC).astimezone().date():
        return {"certification": _(
            "{name}'s certification expired on {day}: sessions cannot be completed until an "
            "administrator records the renewal").format(name=technician.full_name,
                                                        day=date_text(expires))}
    return {}


def _start_problems(db: Session, session: TreatmentSession, started_at: datetime,
                    late_reason: str, rules: ClinicRules) -> dict[str, str]:
    """A start before the patient's last signed session, or long ago with no reason given."""
    problems: dict[str, str] = {}
    previous = db.scalar(
        select(func.max(TreatmentSession.started_at))
        .where(TreatmentSession.patient_id == session.patient_id,
               TreatmentSession.status.in_(SIGNED), TreatmentSession.id != session.id))
    if previous is not None and started_at < previous:
        problems["started_at"] = _(
            "The session cannot start before this patient's previous session ({when})").format(
            when=datetime_text(previous))
    hours = rules.late_entry_hours
    if started_at < datetime.now(UTC) - timedelta(hours=hours) and not late_reason.strip():
        problems["late_reason"] = ngettext(
            "Logged more than {n} hour after it started: give the reason",
            "Logged more than {n} hours after it started: give the reason", hours).format(n=hours)
    return problems


def check_version(db: Session, session: TreatmentSession, expected: int | None) -> None:
    """Refuse to overwrite a save made since ``expected`` (None: no check), naming it.

    The row is read again under a lock first: of two PCs saving at the same instant, the
    second waits for the first to commit and then sees its version here, so it gets this
    named conflict rather than a bare "0 rows updated" from the database.
    """
    if expected is None:
        return
    db.refresh(session, attribute_names=["version"], with_for_update=True)
    if session.version == expected:
        return
    last = db.execute(
        select(AuditEvent.occurred_at, AuditEvent.new_values, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity == "treatment_session",
               AuditEvent.entity_id == str(session.uuid))
        .order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    if last is None:
        raise Conflict(_("This session was changed elsewhere since you opened it"),
                       session.version)
    changed = ", ".join(sorted(json.loads(last.new_values))) or _("nothing visible")
    raise Conflict(_(
        "{name} saved this session on another PC at {time} (changed: {changed}) after you "
        "opened it. Your input is kept on screen; check it, and your next save replaces "
        "theirs.").format(name=last.full_name,
                          time=f"{last.occurred_at.astimezone():%H:%M:%S}", changed=changed),
        session.version)


def open_drafts(db: Session, actor: Actor) -> list[SessionDetail]:
    """The actor's drafts not yet completed, newest first: what a crash may have left open."""
    ids = db.scalars(
        select(TreatmentSession.id)
        .where(TreatmentSession.technician_id == actor.id,
               TreatmentSession.status == SessionStatus.DRAFT)
        .order_by(TreatmentSession.updated_at.desc())
    ).all()
    return [load_session(db, session_id) for session_id in ids]


def owned_draft(db: Session, actor: Actor, session_id: int) -> TreatmentSession:
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(_("No session with id {id}").format(id=session_id))
    if session.technician_id != actor.id:
        raise Refused.saying(N_("Only the technician who started this session can edit it"),
                             actor, "edit_draft", "treatment_session", session.uuid)
    if session.status != SessionStatus.DRAFT:
        raise Refused.saying(_NOT_A_DRAFT[SessionStatus(session.status)], actor, "edit_draft",
                             "treatment_session", session.uuid)
    return session


#: Why a session no longer a draft cannot be edited, by its status.
_NOT_A_DRAFT = {
    SessionStatus.COMPLETED: N_("This session is completed; it can no longer be edited, only "
                                "amended"),
    SessionStatus.REVIEWED: N_("This session is reviewed; it can no longer be edited, only "
                               "amended"),
    SessionStatus.AMENDED: N_("This session is amended; it can no longer be edited, only "
                              "amended"),
    SessionStatus.VOIDED: N_("This session is voided; it can no longer be edited, only "
                             "amended"),
}

#: The actions that sign a session's content, and the key of its digest in their audit event.
SEALING = ("session.complete", "session.amend")
CONTENT_KEY = "content_sha256"
#: How a completion was signed, as its audit event records it (21 CFR 11.200).
SIGNED_WITH_KEY, SIGNED_WITH_PASSWORD = "signed_with", "password"


def record_change(
    db: Session, actor: Actor, session: TreatmentSession, action: str, before: dict[str, Any],
    reason: str = "", signed_with: str | None = None,
    also: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Audit what changed since ``before``, and the old and new values ``also`` gives (what
    the session's snapshot does not hold, such as photos added); return the old and new
    values of those keys.

    ``signed_with`` names how a signing was confirmed ("password"), kept in its event."""
    after = snapshot(session)
    changed = [key for key in after if after[key] != before.get(key)]
    old = {key: before.get(key) for key in changed} | also[0]
    new = {key: after[key] for key in changed} | also[1]
    if not changed and action == "session.save_draft":
        return old, new  # nothing new typed since the last save
    if _counted_as(before) != _counted_as(after):  # else the day's counts stand as they are
        area_day_counts.recount_days(db, {area_day_counts.day_of(before.get("started_at")),
                                      area_day_counts.day_of(after["started_at"])} - {None})
    sealed = new | {CONTENT_KEY: content_digest(db, session.id)} if action in SEALING else new
    if signed_with is not None:
        sealed = sealed | {SIGNED_WITH_KEY: signed_with}
    audit_chain.record(db, actor_id=actor.id, action=action, entity="treatment_session",
                       entity_id=session.uuid, old=old, new=sealed, reason=reason)
    if action in SEALING:
        witness.witness_after_commit(db, "sign")
    if action != "session.save_draft":
        notify_sessions_changed(db, session.uuid)
    return old, new


def _counted_as(values: dict[str, Any]) -> tuple[object, list[str]]:
    """What ``area_day_counts`` counts of a session (its start, its current areas) as a
    snapshot holds it: a save that changes neither (a note, a setting) recounts nothing."""
    return values.get("started_at"), sorted(area["area"] for area in values.get("areas") or [])


#: The PostgreSQL channel other workstations listen on for sessions started, completed,
#: reviewed, amended or voided; the payload is the session's UUID.
SESSIONS_CHANNEL = "laserlog_sessions"


def notify_sessions_changed(db: Session, session_uuid: UUID) -> None:
    """Tell listening workstations when this transaction commits (PostgreSQL only)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_notify(SESSIONS_CHANNEL, str(session_uuid))))
