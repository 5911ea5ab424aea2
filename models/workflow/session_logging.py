"""Logging a treatment session: start a draft, save it as it is typed, complete and sign it."""

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import audit_chain, witness
from models.access.permissions import Action, Refused, require
from models.errors import Conflict, NotFound, ValidationFailed
from models.reading.history import load_session
from models.reading.session_content import content_digest
from models.records import area_day_counts
from models.records.audit_events import AuditEvent
from models.records.equipment import Device
from models.records.people import Patient, User
from models.records.treatment import (
    Anaesthetic,
    ParameterSetting,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)
from models.values.parameters import SETTINGS
from models.values.rows import Actor, SessionDetail
from models.values.screening import ScreeningInput, screening_key
from models.values.screening import as_json as screening_json
from models.values.session_input import (
    AreaInput,
    SessionInput,
    area_key,
    problems_for_completion,
    problems_in,
)
from models.values.vocabulary import SessionStatus
from models.workflow import carried_forward, courses, incidents, patch_tests


def start_draft(
    db: Session,
    actor: Actor,
    patient_id: int,
    entry: SessionInput | None = None,
    session_uuid: UUID | None = None,
) -> SessionDetail:
    """Open a new draft session for a patient; the technician is whoever is signed in.

    ``session_uuid`` lets a caller name the session up front (reproducible demo data).
    """
    require(actor, Action.LOG_SESSION, "treatment_session")
    if db.get(Patient, patient_id) is None:
        raise NotFound(f"No patient with id {patient_id}")
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
    db: Session, actor: Actor, session_id: int, entry: SessionInput,
    expected_version: int | None = None,
) -> SessionDetail:
    """Complete and sign the session; from then on it changes only by amendment."""
    session = owned_draft(db, actor, session_id)
    check_version(db, session, expected_version)
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
    record_change(db, actor, session, "session.complete", before)
    return load_session(db, session.id)


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
    """What the database knows that stops this session being signed: a device not in the
    register, the technician's certification expired, a setting moved beyond the limit
    since the patient's last session with no reason given, a test patch required and not
    done."""
    problems: dict[str, str] = {}
    if entry.device_id is not None and db.get(Device, entry.device_id) is None:
        problems["device"] = "The device picked is not in the register"
    technician = db.get(User, session.technician_id)
    assert technician is not None  # a session's technician is a foreign key
    today = datetime.now(UTC).astimezone().date()
    if technician.certification_expires is not None and technician.certification_expires < today:
        problems["certification"] = (
            f"{technician.full_name}'s certification expired on "
            f"{technician.certification_expires:%Y-%m-%d}: sessions cannot be completed until "
            "an administrator records the renewal")
    started_at = entry.started_at or session.started_at
    problems.update(carried_forward.reasons_missing(db, session.patient_id, started_at, entry))
    missing = patch_tests.patches_missing(db, session.patient_id, entry.device_id,
                                          [area.area for area in entry.areas],
                                          started_at.astimezone().date())
    problems.update({area_key(area, "test_patch"): text for area, text in missing.items()})
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
        raise Conflict("This session was changed elsewhere since you opened it",
                       session.version)
    changed = ", ".join(sorted(json.loads(last.new_values))) or "nothing visible"
    raise Conflict(
        f"{last.full_name} saved this session on another PC at "
        f"{last.occurred_at.astimezone():%H:%M:%S} (changed: {changed}) after you opened it. "
        "Your input is kept on screen; check it, and your next save replaces theirs.",
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
        raise NotFound(f"No session with id {session_id}")
    if session.technician_id != actor.id:
        raise Refused("Only the technician who started this session can edit it", actor,
                      "edit_draft", "treatment_session", session.uuid)
    if session.status != SessionStatus.DRAFT:
        raise Refused(
            f"This session is {SessionStatus(session.status).label.lower()}; "
            "it can no longer be edited, only amended", actor, "edit_draft",
            "treatment_session", session.uuid)
    return session


def apply_entry(
    db: Session, session: TreatmentSession, entry: SessionInput, problems: dict[str, str]
) -> None:
    """Copy the entry onto the session, leaving out every value named in ``problems``."""

    def ok(key: str) -> bool:
        return key not in problems

    session.device_id = entry.device_id
    session.room = entry.room.strip()
    if entry.started_at is not None and ok("started_at"):
        session.started_at = entry.started_at
    session.duration_s = entry.duration_s if ok("duration") else None
    session.notes = entry.notes
    session.updated_at = datetime.now(UTC)
    if entry.anaesthetic_agent is None:
        session.anaesthetic = None
    else:
        applied = entry.anaesthetic_applied_at if ok("anaesthetic_applied_at") else None
        if session.anaesthetic is None:
            session.anaesthetic = Anaesthetic(agent=entry.anaesthetic_agent, applied_at=applied)
        else:
            session.anaesthetic.agent = entry.anaesthetic_agent
            session.anaesthetic.applied_at = applied
    _apply_screening(session, entry.screening, problems)
    # Drafts are rewritten whole as they are typed; the audit trail keeps every version.
    session.areas.clear()
    session.reactions.clear()
    db.flush()
    for position, area in enumerate(entry.areas):
        if not ok(f"areas.{area.area}"):
            continue
        settings = {
            key: value if ok(area_key(area.area, key)) else None
            for key, value in area.settings.items()
        }
        treated = TreatedArea(
            area=area.area,
            position=position,
            pulses=area.pulses if ok(area_key(area.area, "pulses")) else None,
            passes=area.passes if ok(area_key(area.area, "passes")) else None,
            change_reason=area.change_reason.strip(),
        )
        treated.settings.extend(setting_rows(area, settings))
        session.areas.append(treated)
    for reaction in entry.reactions:
        if ok(f"reactions.{reaction.kind}"):
            session.reactions.append(
                Reaction(
                    kind=reaction.kind,
                    grade=reaction.grade,
                    onset=reaction.onset,
                    note=reaction.note,
                )
            )


def _apply_screening(session: TreatmentSession, screening: ScreeningInput,
                     problems: dict[str, str]) -> None:
    """Keep the session's one current screening row in step with the entry."""
    values = screening_json(screening)
    for key in ("consent_signed_on", "fitzpatrick"):
        if screening_key(key) in problems:
            values[key] = None  # wrong as typed: kept out until corrected
    row = session.screening or Screening()
    row.fitzpatrick = values["fitzpatrick"]
    row.found = json.dumps(values["found"])
    row.reasons = json.dumps(values["reasons"], sort_keys=True)
    row.consent_version = values["consent_version"].strip()
    row.consent_signed_on = (date.fromisoformat(values["consent_signed_on"])
                             if values["consent_signed_on"] else None)
    row.checklist = json.dumps(values["checklist"])
    session.screening = row


def setting_rows(area: AreaInput, settings: dict[str, float | None]) -> list[ParameterSetting]:
    """The stored settings of one area: one row for all passes, or one per logged pass."""
    if area.per_pass:
        return [
            ParameterSetting(source=area.source, import_batch_id=area.import_batch_id,
                             pass_number=p.number, **p.settings)
            for p in area.per_pass
        ]
    if any(v is not None for v in settings.values()):
        return [ParameterSetting(source=area.source, import_batch_id=area.import_batch_id,
                                 **settings)]
    return []


def snapshot(session: TreatmentSession) -> dict[str, Any]:
    """The session's clinical content as plain JSON values, for the audit trail."""
    anaesthetic = session.anaesthetic
    return {
        "patient_id": session.patient_id,
        "technician_id": session.technician_id,
        "device_id": session.device_id,
        "room": session.room,
        "status": session.status,
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "duration_s": session.duration_s,
        "anaesthetic": None
        if anaesthetic is None
        else {
            "agent": anaesthetic.agent,
            "applied_at": anaesthetic.applied_at.isoformat() if anaesthetic.applied_at else None,
        },
        "areas": [
            {
                "area": a.area,
                "pulses": a.pulses,
                "passes": a.passes,
                "change_reason": a.change_reason,
                "settings": [
                    {"source": s.source, "pass": s.pass_number, "batch": s.import_batch_id}
                    | {spec.key: getattr(s, spec.key) for spec in SETTINGS}
                    for s in a.settings
                ],
            }
            for a in session.areas
        ],
        "reactions": [
            {"kind": r.kind, "grade": r.grade, "onset": r.onset, "note": r.note}
            for r in session.reactions
        ],
        "notes": session.notes,
        "aftercare_given_at": (session.aftercare_given_at.isoformat()
                               if session.aftercare_given_at else None),
        "screening": None if session.screening is None else session.screening.as_json(),
    }


#: The actions that sign a session's content, and the key of its digest in their audit event.
SEALING = ("session.complete", "session.amend")
CONTENT_KEY = "content_sha256"


def record_change(
    db: Session, actor: Actor, session: TreatmentSession, action: str, before: dict[str, Any],
    reason: str = "",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Audit what changed since ``before``; return the old and new values of those keys."""
    after = snapshot(session)
    changed = [key for key in after if after[key] != before.get(key)]
    old, new = {key: before.get(key) for key in changed}, {key: after[key] for key in changed}
    if not changed and action == "session.save_draft":
        return old, new  # nothing new typed since the last save
    area_day_counts.recount_days(db, {area_day_counts.day_of(before.get("started_at")),
                                  area_day_counts.day_of(after["started_at"])} - {None})
    sealed = new | {CONTENT_KEY: content_digest(db, session.id)} if action in SEALING else new
    audit_chain.record(db, actor_id=actor.id, action=action, entity="treatment_session",
                       entity_id=session.uuid, old=old, new=sealed, reason=reason)
    if action in SEALING:
        witness.witness_after_commit(db, "sign")
    if action != "session.save_draft":
        notify_sessions_changed(db, session.uuid)
    return old, new


#: The PostgreSQL channel other workstations listen on for sessions started, completed,
#: reviewed, amended or voided; the payload is the session's UUID.
SESSIONS_CHANNEL = "laserlog_sessions"


def notify_sessions_changed(db: Session, session_uuid: UUID) -> None:
    """Tell listening workstations when this transaction commits (PostgreSQL only)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_notify(SESSIONS_CHANNEL, str(session_uuid))))
