"""Reading the audit trail back, for supervisors: by person, record and period, in the words
a person recognises — people by name, a session by its patient, day and areas, a device by
its name — a page at a time, newest first (by the chain's sequence number: keyset paging).
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session

from models.access.permissions import Action, require
from models.language import N_, _, datetime_text, ngettext
from models.records.audit_events import AuditEvent
from models.records.equipment import Device
from models.records.people import Patient, User
from models.records.treatment import TreatedArea, TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import Area

PAGE = 200
#: Walking an event by its number costs about as much as this many index entries of a
#: period read and sorted by time (SQLite, a million sessions: 0.77 against 0.03 µs).
WALKED_PER_SORTED = 25
_AREA_CODES = frozenset(area.value for area in Area)

#: What each recorded action means, in words; an action not listed shows as recorded.
ACTIONS = {
    "session.start": N_("Started a session"), "session.save_draft": N_("Saved a draft"),
    "session.complete": N_("Completed and signed"), "session.review": N_("Signed off"),
    "session.amend": N_("Amended"), "session.void": N_("Voided"),
    "session.aftercare": N_("Gave the aftercare sheet"),
    "session.follow_up": N_("Recorded a follow-up"),
    "patient.create": N_("Registered a patient"), "login": N_("Signed in"),
    "login.failed": N_("Failed to sign in"), "logout": N_("Signed out"),
    "user.create": N_("Created an account"), "user.disable": N_("Disabled an account"),
    "user.unlock": N_("Unlocked an account"), "user.certify": N_("Recorded a certification"),
    "user.rehash": N_("Renewed a password hash"), "device.create": N_("Registered a device"),
    "device.tip": N_("Fitted a tip"), "device.verified": N_("Logged the daily verification"),
    "device.failed": N_("Logged a failed verification"), "device.fault": N_("Reported a fault"),
    "device.repaired": N_("Logged a repair"), "clinic.setting": N_("Changed a clinic setting"),
    "clinic.photo_poses": N_("Changed an area's photo poses"),
    "course.plan": N_("Planned a course"), "incident.open": N_("An incident report fell due"),
    "incident.file": N_("Filed an incident report"),
    "import.file": N_("Imported a device file"), "export": N_("Exported records"),
    "backup.create": N_("Made a backup"), "backup.restore": N_("Restored a backup"),
    "profile.add": N_("Added an import profile"),
    "profile.retire": N_("Retired an import profile"),
    "test_patch.record": N_("Recorded a test patch"), "test_patch.read": N_("Read a test patch"),
    "test_patch_rule.create": N_("Required test patches"),
    "care.access": N_("Opened another technician's patient"), "refused": N_("Was refused"),
    "consent.sign": N_("Witnessed a consent signed on screen"),
    "consent_document.add": N_("Added a consent form version"),
    "consent_document.retire": N_("Retired a consent form version"),
    "photo.add": N_("Added a photo"), "photo.remove": N_("Took a photo out of a draft"),
    "photo.void": N_("Voided a photo"), "photos.view": N_("Looked at a patient's photos"),
    "patient.portrait": N_("Chose a patient's portrait"), "device.retire": N_("Retired a device"),
    "test_patch_rule.retire": N_("Retired a test-patch rule"),
    "session.device_pulses": N_("Recorded the device's pulses"),
}


@dataclass(frozen=True)
class AuditRow:
    seq: int
    occurred_at: datetime
    user: str | None  # the user name, as signed in
    action: str
    entity: str
    entity_id: str | None
    old_values: str
    new_values: str
    reason: str
    person: str = ""  # the user's full name, or "–" for no one signed in
    what: str = ""  # the action in words
    record: str = ""  # the record, as a person recognises it
    changes: str = ""  # "key: before → after" for each value changed


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_before: int | None  # the sequence number to ask for the next page, None at the end


def find_events(db: Session, actor: Actor, *, username: str | None = None,
                session_uuid: str | None = None, patient: str | None = None,
                since: datetime | None = None, until: datetime | None = None,
                before_seq: int | None = None, limit: int = PAGE) -> list[AuditRow]:
    """The newest events matching every filter given, newest first (older than
    ``before_seq`` when given). ``patient`` is an identifier or part of a name."""
    return event_page(db, actor, username=username, session_uuid=session_uuid,
                      patient=patient, since=since, until=until,
                      before_seq=before_seq, limit=limit).rows


def event_page(db: Session, actor: Actor, *, username: str | None = None,
               session_uuid: str | None = None, patient: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               before_seq: int | None = None, limit: int = PAGE) -> AuditPage:
    """One page of events, newest first, each described in words.

    One person's events are read by ``ix_audit_events_person`` (their user id first, then
    the events by sequence number, with the time to check a period); a period alone by
    ``_period_seqs``. Walking every event newest first and looking up who acted took
    seconds for someone who acts rarely, or for a period long ago."""
    require(actor, Action.VIEW_AUDIT, "audit_event")
    statement = (select(AuditEvent, User.username, User.full_name)
                 .outerjoin(User, User.id == AuditEvent.actor_id)
                 .order_by(AuditEvent.seq.desc()))
    if username:
        people = db.scalars(select(User.id).where(
            func.lower(User.username) == username.strip().lower())).all()
        if not people:
            return AuditPage([], None)
        statement = statement.where(AuditEvent.actor_id.in_(people))
    if session_uuid:
        statement = statement.where(AuditEvent.entity == "treatment_session",
                                    AuditEvent.entity_id == session_uuid)
    if patient:
        statement = statement.where(_about_patients(db, patient))
    if (since or until) and not (username or session_uuid or patient):
        seqs = _period_seqs(db, since, until, before_seq, limit + 1)
        statement = statement.where(AuditEvent.seq.in_(seqs))
    else:
        if before_seq is not None:
            statement = statement.where(AuditEvent.seq < before_seq)
        if since:
            statement = statement.where(AuditEvent.occurred_at >= since)
        if until:
            statement = statement.where(AuditEvent.occurred_at < until)
        statement = statement.limit(limit + 1)
    found = db.execute(statement).all()
    more = len(found) > limit
    found = found[:limit]
    records = _records(db, [(e.entity, e.entity_id) for e, _name, _full in found])
    rows = [AuditRow(e.seq, e.occurred_at, name, e.action, e.entity, e.entity_id,
                     e.old_values, e.new_values, e.reason, person=full or "–",
                     what=_(ACTIONS[e.action]) if e.action in ACTIONS else e.action,
                     record=records.get((e.entity, e.entity_id or ""), _plain(e.entity,
                                                                              e.entity_id)),
                     changes=describe_changes(e.old_values, e.new_values))
            for e, name, full in found]
    return AuditPage(rows, rows[-1].seq if more and rows else None)


def _period_seqs(db: Session, since: datetime | None, until: datetime | None,
                 before_seq: int | None, count: int) -> list[int]:
    """The sequence numbers of the newest ``count`` events of the period (below
    ``before_seq``), newest first.

    Events are numbered as they are recorded, so their numbers nearly always follow their
    times: the period's newest event by ``ix_audit_events_period`` (occurred_at, seq) tells
    where its page starts. Nothing relies on that order, though (a clock put back, another
    PC's clock, a clinic's events loaded in bulk): the events from a little below that
    number up to the top are read exactly, and only if fewer than a page are found there are
    the period's older ones sorted. The events near the top are walked by number, newest
    first; a period further back is read on its time index (``seq + 0``: so that neither
    database walks every newer event by number instead)."""
    events = AuditEvent
    period = [condition for condition in (
        events.occurred_at >= since if since else None,
        events.occurred_at < until if until else None,
        events.seq < before_seq if before_seq is not None else None) if condition is not None]
    by_time = select(events.seq).where(*period).limit(1)
    newest = db.scalar(by_time.order_by(events.occurred_at.desc(), events.seq.desc()))
    if newest is None:
        return []
    oldest = db.scalar(by_time.order_by(events.occurred_at, events.seq))
    assert oldest is not None  # newest is in the period
    top = before_seq - 1 if before_seq is not None else \
        db.scalar(select(func.max(events.seq)))
    assert top is not None
    low = newest - 4 * count  # where the page starts when numbers follow times
    unindexed = events.seq + literal_column("0")  # an expression: no index on seq serves it
    if (top - low) * WALKED_PER_SORTED < newest - oldest:
        near = select(events.seq).where(*period, events.seq >= low, events.seq <= top) \
            .order_by(events.seq.desc())
    else:
        near = select(events.seq).where(*period, unindexed >= low).order_by(unindexed.desc())
    found = list(db.scalars(near.limit(count)))
    if len(found) < count:  # fewer than a page from there up: the older ones, sorted
        found += db.scalars(select(events.seq).where(*period, unindexed < low)
                            .order_by(unindexed.desc()).limit(count - len(found)))
    return found


def _about_patients(db: Session, text: str) -> Any:
    """Events about the patients whose identifier is ``text`` or whose name contains it:
    the patient records themselves and their sessions."""
    text = text.strip()
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    ids = db.scalars(select(Patient.id).where(or_(
        func.lower(Patient.identifier) == text.lower(),
        func.lower(Patient.full_name).like(f"%{escaped}%", escape="\\"))).limit(50)).all()
    uuids = [str(u) for u in db.scalars(
        select(TreatmentSession.uuid).where(TreatmentSession.patient_id.in_(ids)))]
    # A patient's own events name them by id (registered) or by uuid (care, consent, photos).
    patient_keys = [str(i) for i in ids] + [str(u) for u in db.scalars(
        select(Patient.uuid).where(Patient.id.in_(ids)))]
    return or_((AuditEvent.entity == "treatment_session") & AuditEvent.entity_id.in_(uuids),
               (AuditEvent.entity == "patient") & AuditEvent.entity_id.in_(patient_keys))


def _plain(entity: str, entity_id: str | None) -> str:
    return f"{entity.replace('_', ' ')} {entity_id or ''}".strip()


def _records(db: Session, keys: Iterable[tuple[str, str | None]]
             ) -> dict[tuple[str, str], str]:
    """Each record named as a person knows it: one query per kind of record on the page."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entity, entity_id in keys:
        if entity_id:
            wanted[entity].add(entity_id)
    named: dict[tuple[str, str], str] = {}
    named.update(_sessions(db, wanted["treatment_session"]))

    def ids(entity: str) -> list[int]:
        return [int(i) for i in wanted[entity] if i.isdigit()]

    uuids = [UUID(i) for i in wanted["patient"] if not i.isdigit() and _is_uuid(i)]
    for patient in db.scalars(select(Patient).where(or_(Patient.id.in_(ids("patient")),
                                                        Patient.uuid.in_(uuids)))):
        name = _("Patient {name} ({identifier})").format(name=patient.full_name,
                                                        identifier=patient.identifier)
        named[("patient", str(patient.id))] = named[("patient", str(patient.uuid))] = name
    for user in db.scalars(select(User).where(User.id.in_(ids("user")))):
        named[("user", str(user.id))] = _("User {name} ({username})").format(
            name=user.full_name, username=user.username)
    for device in db.scalars(select(Device).where(Device.id.in_(ids("device")))):
        named[("device", str(device.id))] = _("Device {make} {model} ({serial})").format(
            make=device.make, model=device.model, serial=device.serial)
    return named


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _sessions(db: Session, ids: set[str]) -> dict[tuple[str, str], str]:
    """'Session of Ana Lima (P-1), 2026-03-12 10:05: Neck, Cheeks' for each session."""
    uuids = []
    for text in ids:
        try:
            uuids.append(UUID(text))
        except ValueError:
            continue
    found = db.execute(
        select(TreatmentSession.id, TreatmentSession.uuid, TreatmentSession.started_at,
               Patient.full_name, Patient.identifier)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .where(TreatmentSession.uuid.in_(uuids))).all()
    areas: dict[int, list[str]] = defaultdict(list)
    for session_id, area in db.execute(
            select(TreatedArea.session_id, TreatedArea.area)
            .where(TreatedArea.session_id.in_([row.id for row in found]),
                   TreatedArea.superseded_in.is_(None))
            .order_by(TreatedArea.position)):
        areas[session_id].append(Area(area).label if area in _AREA_CODES else area)
    return {("treatment_session", str(row.uuid)): _session_name(
        row.full_name, row.identifier, row.started_at, areas[row.id]) for row in found}


def _session_name(name: str, identifier: str, started_at: datetime, areas: list[str]) -> str:
    when = datetime_text(started_at)
    if not areas:
        return _("Session of {name} ({identifier}), {when}").format(
            name=name, identifier=identifier, when=when)
    return _("Session of {name} ({identifier}), {when}: {areas}").format(
        name=name, identifier=identifier, when=when, areas=", ".join(areas))


def describe_changes(old_values: str, new_values: str, limit: int = 8) -> str:
    """'duration_s: 1800 → 2100; notes: '' → 'ok'' for the keys an event changed."""
    old, new = _json(old_values), _json(new_values)
    parts = []
    for key in list(dict.fromkeys([*new, *old]))[:limit]:
        before, after = old.get(key), new.get(key)
        parts.append(f"{key}: {_short(before)} → {_short(after)}" if key in old
                     else f"{key}: {_short(after)}")
    more = len(set(old) | set(new)) - limit
    if more > 0:
        parts.append(ngettext("and {n} more", "and {n} more", more).format(n=more))
    return "; ".join(parts)


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _short(value: Any, width: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"


def people(db: Session, actor: Actor) -> list[tuple[str, str]]:
    """Everyone who can appear in the trail, as (user name, full name), by full name."""
    require(actor, Action.VIEW_AUDIT, "audit_event")
    return [(row.username, row.full_name)
            for row in db.execute(select(User.username, User.full_name)
                                  .order_by(User.full_name, User.username))]
