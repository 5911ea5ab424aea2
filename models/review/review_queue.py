"""Completed sessions awaiting a supervisor's sign-off: the worst reactions first, then the
newest, read in pages by key.

The queue is ordered by the session's worst current reaction grade (4, 3, 2, 1, none), then
by (started_at, id) newest first. Each grade is a band read by key on the index of sessions
awaiting sign-off; a grade few sessions reach (3 and 4, usually) is read from the reactions'
grade index instead, so an empty or rare band costs next to nothing. Every page then costs
about what the first one does, however many sessions wait.

A session is flagged for a reaction of grade 2 or more, for pulses the device logged well off
their setting or on skin too hot, or for a fluence or energy that moved by more than
the clinic's change limit from the same patient's previous session on that area with that
device. Flagged pulses are counted where the session's own record keeps them: a connected
device's in the audit event that stored its pulses ("N pulses (M flagged) from device
session …"), each imported file's on its import link; the session detail shows both.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    ScalarSelect,
    bindparam,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from models.access.permissions import Action, require
from models.clinic import clinic_settings
from models.language import _, date_text, ngettext, number_text
from models.records.audit_events import AuditEvent
from models.records.imports import ImportBatchSession
from models.records.people import Patient, User
from models.records.treatment import ParameterSetting, Reaction, TreatedArea, TreatmentSession
from models.values.parameters import SETTINGS_BY_KEY
from models.values.rows import Actor
from models.values.vocabulary import Area, ReactionKind, SessionStatus

FLAG_GRADE = 2
PAGE_SIZE = 100
GRADES = (4, 3, 2, 1, 0)  # the bands, worst first
#: A grade with fewer current reactions than this is read from the reactions (then sorted);
#: a commoner one by scanning the waiting sessions newest first, which soon finds a page.
RARE_GRADE_REACTIONS = 5_000
AWAITING = (SessionStatus.COMPLETED, SessionStatus.AMENDED)
DEVICE_PULSES_ACTION = "session.device_pulses"  # models/workflow/import_recording.py
_DEVICE_FLAGGED = re.compile(r"\((\d+) flagged\)")

Energy = tuple[str, float]  # ("fluence", J/cm²) or ("energy", J) of an area's first pass
_SETTING_KEYS = {"fluence": "fluence_j_cm2", "energy": "energy_j"}
Previous = dict[int, tuple[datetime, Energy]]  # an area id: the setting it changed from


@dataclass(frozen=True)
class QueueItem:
    session_id: int
    version: int
    started_at: datetime
    patient: str
    technician: str
    areas: tuple[str, ...]
    status: str
    flags: tuple[str, ...]  # why it needs a closer look; empty when it does not
    worst_grade: int = 0  # of the session's current reactions; 0 when none is graded
    worst_kind: str | None = None


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page starts: just after this session in the queue's order."""

    grade: int
    started_at: datetime
    id: int


@dataclass(frozen=True)
class QueuePage:
    items: tuple[QueueItem, ...]
    next_cursor: QueueCursor | None


def awaiting_sign_off() -> ColumnElement[bool]:
    """Sessions awaiting sign-off, written with the statuses inline so that SQLite sees the
    partial index ``ix_treatment_sessions_awaiting`` serves it (a bound parameter would not
    match the index's WHERE)."""
    return TreatmentSession.status.in_(
        [literal(str(status), literal_execute=True) for status in AWAITING])


def _listed[T](values: Iterable[T]) -> BindParameter[list[T]]:
    """``values`` as one list parameter for ``IN``: a page's ids are not coerced one by one."""
    return bindparam(None, list(values), expanding=True)


def _worst_grade() -> ScalarSelect[int]:
    return (select(func.coalesce(func.max(Reaction.grade), 0))
            .where(Reaction.session_id == TreatmentSession.id,
                   Reaction.superseded_in.is_(None))
            .scalar_subquery())


def _band(rows: Connection, grade: int, after: tuple[datetime, int] | None,
          wanted: int) -> list[tuple[datetime, int]]:
    """Up to ``wanted`` (started_at, id) of waiting sessions whose worst reaction is
    ``grade``, newest first, after ``after``."""
    statement = (select(TreatmentSession.started_at, TreatmentSession.id)
                 .where(awaiting_sign_off(), _worst_grade() == grade))
    if after is not None:
        statement = statement.where(
            tuple_(TreatmentSession.started_at, TreatmentSession.id) < tuple_(*after))
    if grade > 0:
        reactions = (select(Reaction.session_id)
                     .where(Reaction.grade == grade, Reaction.superseded_in.is_(None)))
        counted = select(func.count()).select_from(
            reactions.limit(RARE_GRADE_REACTIONS).subquery())  # on the index, up to the limit
        if (rows.scalar(counted) or 0) < RARE_GRADE_REACTIONS:
            found = rows.execute(statement.where(TreatmentSession.id.in_(reactions)))
            return sorted(((started, id_) for started, id_ in found), reverse=True)[:wanted]
    found = rows.execute(statement.order_by(TreatmentSession.started_at.desc(),
                                            TreatmentSession.id.desc()).limit(wanted))
    return [(started, id_) for started, id_ in found]


def queue_page(db: Session, actor: Actor, after: QueueCursor | None = None,
               limit: int = PAGE_SIZE) -> QueuePage:
    """One page of the sessions awaiting sign-off: worst reaction first, then the newest.

    The page's plain values are read through the session's connection, without the ORM's
    per-row work: a page is a few thousand values."""
    require(actor, Action.REVIEW_SESSION, "treatment_session")
    rows = db.connection()
    if rows.dialect.name == "postgresql":
        # A band's plan is costed as if it read every waiting session, which wakes the JIT
        # compiler (5 ms and more) for a page that reads a few hundred index rows.
        rows.exec_driver_sql("SET LOCAL jit = off")
    keys: list[tuple[int, datetime, int]] = []
    for grade in GRADES:
        if after is not None and grade > after.grade:
            continue
        start = (after.started_at, after.id) if after is not None and grade == after.grade \
            else None
        keys += [(grade, started, session_id) for started, session_id
                 in _band(rows, grade, start, limit + 1 - len(keys))]
        if len(keys) > limit:
            break
    more = len(keys) > limit
    keys = keys[:limit]
    ids = [session_id for _grade, _started, session_id in keys]
    items = _items(rows, ids, clinic_settings.rules(db).change_limit) if ids else ()
    return QueuePage(items, QueueCursor(*keys[-1]) if more and keys else None)


def count_awaiting(db: Session, actor: Actor) -> int:
    """How many sessions await sign-off (read from the index of waiting sessions)."""
    require(actor, Action.REVIEW_SESSION, "treatment_session")
    return db.scalar(select(func.count()).select_from(TreatmentSession)
                     .where(awaiting_sign_off())) or 0


@dataclass(frozen=True)
class _AreaNow:
    id: int
    area: str
    change_reason: str
    energy: Energy | None


def _first_energy(rows: Iterable[tuple[int, float | None, float | None]]
                  ) -> dict[int, Energy | None]:
    """Each treated area's fluence (or, for RF, energy) as set for its first pass, from its
    settings rows (area id, fluence, energy) in order."""
    energies: dict[int, Energy | None] = {}
    for area_id, fluence, energy in rows:
        if energies.get(area_id) is not None:
            continue
        energies[area_id] = (("fluence", fluence) if fluence else
                             ("energy", energy) if energy else None)
    return energies


def _items(rows: Connection, ids: Sequence[int], change_limit: float
           ) -> tuple[QueueItem, ...]:
    """The page's sessions as queue rows, in the order of ``ids``: a few indexed queries
    for the whole page."""
    heads = {head.id: head for head in rows.execute(
        select(TreatmentSession.id, TreatmentSession.version, TreatmentSession.started_at,
               TreatmentSession.status, TreatmentSession.patient_id,
               TreatmentSession.device_id, TreatmentSession.uuid,
               Patient.full_name.label("patient_name"), Patient.identifier,
               User.full_name.label("technician"))
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .join(User, User.id == TreatmentSession.technician_id)
        .where(TreatmentSession.id.in_(_listed(ids))))}
    area_rows = rows.execute(
        select(TreatedArea.session_id, TreatedArea.id, TreatedArea.area,
               TreatedArea.change_reason, ParameterSetting.fluence_j_cm2,
               ParameterSetting.energy_j)
        .outerjoin(ParameterSetting, ParameterSetting.treated_area_id == TreatedArea.id)
        .where(TreatedArea.session_id.in_(_listed(ids)), TreatedArea.superseded_in.is_(None))
        .order_by(TreatedArea.session_id, TreatedArea.position, ParameterSetting.id)).all()
    energies = _first_energy((area_id, fluence, energy)
                             for _s, area_id, _a, _r, fluence, energy in area_rows)
    areas: dict[int, dict[int, _AreaNow]] = {}
    for session_id, area_id, area, reason, _fluence, _energy in area_rows:
        areas.setdefault(session_id, {})[area_id] = _AreaNow(area_id, area, reason,
                                                             energies[area_id])
    reactions: dict[int, list[tuple[str, int]]] = {}
    for session_id, kind, grade in rows.execute(
            select(Reaction.session_id, Reaction.kind, Reaction.grade)
            .where(Reaction.session_id.in_(_listed(ids)), Reaction.superseded_in.is_(None))
            .order_by(Reaction.id)):
        reactions.setdefault(session_id, []).append((kind, grade))
    imported = _imported_flagged(rows, ids)
    device = _device_flagged(rows, [heads[i].uuid for i in ids])
    previous = _previous_energies(rows, ids, areas)
    items = []
    for session_id in ids:
        head = heads[session_id]
        graded = reactions.get(session_id, [])
        worst = max(graded, key=lambda reaction: reaction[1], default=None)
        here = list(areas.get(session_id, {}).values())
        flags = (_reaction_flags(graded)
                 + _pulse_flags(device.get(head.uuid, 0), imported.get(session_id, 0))
                 + _change_flags(here, previous, change_limit))
        items.append(QueueItem(
            session_id, head.version, head.started_at,
            f"{head.patient_name} ({head.identifier})", head.technician,
            tuple(area.area for area in here), head.status, flags,
            worst[1] if worst else 0, worst[0] if worst and worst[1] else None))
    return tuple(items)


def _imported_flagged(rows: Connection, ids: Sequence[int]) -> dict[int, int]:
    return {session_id: flagged or 0 for session_id, flagged in rows.execute(
        select(ImportBatchSession.session_id, func.sum(ImportBatchSession.flagged_pulses))
        .where(ImportBatchSession.session_id.in_(_listed(ids)))
        .group_by(ImportBatchSession.session_id))}


def _device_flagged(rows: Connection, uuids: Sequence[UUID]) -> dict[UUID, int]:
    """Pulses a connected device flagged, per session, as its audit event recorded them."""
    flagged: dict[UUID, int] = {}
    for entity_id, reason in rows.execute(
            select(AuditEvent.entity_id, AuditEvent.reason)
            .where(AuditEvent.entity_id.in_(_listed(str(u) for u in uuids)),
                   AuditEvent.action == DEVICE_PULSES_ACTION)):
        found = _DEVICE_FLAGGED.search(reason)
        if found and entity_id is not None:
            key = UUID(entity_id)
            flagged[key] = flagged.get(key, 0) + int(found.group(1))
    return flagged


def _reaction_flags(reactions: Sequence[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(_("{reaction} grade {grade}").format(reaction=ReactionKind(kind).label,
                                                      grade=grade)
                 for kind, grade in reactions if grade >= FLAG_GRADE)


def _pulse_flags(from_device: int, imported: int) -> tuple[str, ...]:
    if not from_device + imported:
        return ()
    sources = ([_("{n} from the connected device").format(n=from_device)] if from_device
               else []) + ([_("{n} from imported files").format(n=imported)] if imported else [])
    total = from_device + imported
    return (ngettext("{n} pulse off its setting or on hot skin ({sources})",
                     "{n} pulses off their setting or on hot skin ({sources})", total)
            .format(n=total, sources=", ".join(sources)),)


def _previous_energies(rows: Connection, ids: Sequence[int],
                       areas: dict[int, dict[int, _AreaNow]]) -> Previous:
    """For each current area of the sessions ``ids`` (``areas``, by session), the setting it
    changed from: the same area of the same patient's last signed session before it with the
    same device. Settings are compared on the same device only, as the session form carries
    them forward (models/workflow/carried_forward.py).

    Two queries: the earlier sessions of each page session's patient on its device (by the
    index on (patient_id, started_at)), then their current areas with their settings."""
    session, before = aliased(TreatmentSession), aliased(TreatmentSession)
    earlier: dict[int, list[tuple[datetime, int]]] = {}
    for session_id, started_at, before_id in rows.execute(
            select(session.id, before.started_at, before.id)
            .join(before, (before.patient_id == session.patient_id)
                  & before.device_id.is_not_distinct_from(session.device_id)
                  & (before.started_at < session.started_at)
                  & before.status.in_([*AWAITING, SessionStatus.REVIEWED]))
            .where(session.id.in_(_listed(ids)))):
        earlier.setdefault(session_id, []).append((started_at, before_id))
    if not earlier:
        return {}
    before_ids = {before_id for found in earlier.values() for _started, before_id in found}
    settings = rows.execute(
        select(TreatedArea.session_id, TreatedArea.area, TreatedArea.id,
               ParameterSetting.fluence_j_cm2, ParameterSetting.energy_j)
        .outerjoin(ParameterSetting, ParameterSetting.treated_area_id == TreatedArea.id)
        .where(TreatedArea.session_id.in_(_listed(before_ids)),
               TreatedArea.superseded_in.is_(None))
        .order_by(TreatedArea.id, ParameterSetting.id)).all()
    area_of = {(before_id, code): area_id for before_id, code, area_id, *_ in settings}
    energies = _first_energy((area_id, fluence, energy)
                             for _s, _a, area_id, fluence, energy in settings)
    previous: Previous = {}
    for session_id, found in earlier.items():
        found.sort(reverse=True)  # newest first
        for area in areas.get(session_id, {}).values():
            last = next(((started_at, area_of[(before_id, area.area)])
                         for started_at, before_id in found
                         if (before_id, area.area) in area_of), None)
            if last is not None and (energy := energies[last[1]]) is not None:
                previous[area.id] = (last[0], energy)
    return previous


def _change_flags(areas: Sequence[_AreaNow], previous: Previous,
                  limit: float) -> tuple[str, ...]:
    flags = []
    for area in areas:
        now, before = area.energy, previous.get(area.id)
        if now is None or before is None or before[1][0] != now[0] or not before[1][1]:
            continue
        change = now[1] / before[1][1] - 1
        if abs(change) > limit:
            flags.append(_change_flag(now[0], area, change, before[0]))
    return tuple(flags)


def _change_flag(setting: str, area: _AreaNow, change: float, since: datetime) -> str:
    """'Fluence on Neck up 33% since 2026-03-02; reason given: …' (or no reason given)."""
    if change > 0:
        text = (_("{setting} on {area} up {percent}% since {day}; reason given: {reason}")
                if area.change_reason else
                _("{setting} on {area} up {percent}% since {day}; no reason given"))
    else:
        text = (_("{setting} on {area} down {percent}% since {day}; reason given: {reason}")
                if area.change_reason else
                _("{setting} on {area} down {percent}% since {day}; no reason given"))
    return text.format(setting=SETTINGS_BY_KEY[_SETTING_KEYS[setting]].label,
                       area=Area(area.area).label, percent=number_text(abs(change) * 100),
                       day=date_text(since.astimezone().date()), reason=area.change_reason)
