"""Completed sessions awaiting a supervisor's sign-off, the ones that need a closer look first.

A session is flagged for a reaction of grade 2 or more, for pulses the device logged well off
their setting or on skin too hot, or for a fluence or energy that moved by more than
the clinic's change limit from the same patient's previous session on that area with that
device.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.access.permissions import Action, require
from models.clinic import clinic_settings
from models.records.imports import ImportBatchSession
from models.records.treatment import TreatedArea, TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import Area, ReactionKind, SessionStatus

FLAG_GRADE = 2
QUEUE_LIMIT = 1000
AWAITING = (SessionStatus.COMPLETED, SessionStatus.AMENDED)


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


def _energy(area: TreatedArea) -> tuple[str, float] | None:
    """The area's fluence (or, for RF, energy) as set for its first pass."""
    for setting in area.settings:
        if setting.fluence_j_cm2:
            return "fluence", setting.fluence_j_cm2
        if setting.energy_j:
            return "energy", setting.energy_j
    return None


Histories = dict[tuple[int, int | None, str], list[tuple[datetime, tuple[str, float] | None]]]


def _area_histories(db: Session, patient_ids: set[int]) -> Histories:
    """Each (patient, device, area)'s signed sessions, oldest first, with the setting judged:
    one query for the whole queue. Settings are compared on the same device only, as the
    session form carries them forward (models/carried_forward.py)."""
    rows = db.execute(
        select(TreatmentSession.patient_id, TreatmentSession.device_id,
               TreatmentSession.started_at, TreatedArea)
        .join(TreatedArea, TreatedArea.session_id == TreatmentSession.id)
        .where(TreatmentSession.patient_id.in_(patient_ids),
               TreatmentSession.status.in_([*AWAITING, SessionStatus.REVIEWED]),
               TreatedArea.superseded_in.is_(None))
        .order_by(TreatmentSession.started_at)
        .options(selectinload(TreatedArea.settings))
    ).all()
    histories: Histories = {}
    for patient_id, device_id, started_at, area in rows:
        histories.setdefault((patient_id, device_id, area.area), []).append(
            (started_at, _energy(area)))
    return histories


def _previous(histories: Histories, session: TreatmentSession, area: str
              ) -> tuple[datetime, tuple[str, float]] | None:
    """The setting of the same patient's last signed session on ``area`` with the same device
    before this one."""
    history = histories.get((session.patient_id, session.device_id, area), [])
    earlier = bisect_left(history, session.started_at, key=lambda entry: entry[0])
    if earlier == 0:
        return None
    started_at, value = history[earlier - 1]
    return None if value is None else (started_at, value)


def flags_of(session: TreatmentSession, flagged_pulses: int, histories: Histories,
             limit: float) -> tuple[str, ...]:
    flags = [f"{ReactionKind(r.kind).label} grade {r.grade}" for r in session.reactions
             if r.grade >= FLAG_GRADE]
    if flagged_pulses:
        flags.append(f"{flagged_pulses} pulse(s) off their setting or on hot skin")
    for area in session.areas:
        now, before = _energy(area), _previous(histories, session, area.area)
        if now is None or before is None or before[1][0] != now[0] or not before[1][1]:
            continue
        change = now[1] / before[1][1] - 1
        if abs(change) > limit:
            flags.append(f"{now[0].capitalize()} on {Area(area.area).label} "
                         f"{'up' if change > 0 else 'down'}"
                         f" {abs(change):.0%} since {before[0].astimezone():%Y-%m-%d}"
                         + (f"; reason given: {area.change_reason}" if area.change_reason
                            else "; no reason given"))
    return tuple(flags)


def review_queue(db: Session, actor: Actor) -> list[QueueItem]:
    """Sessions awaiting sign-off: flagged ones first, then the oldest first."""
    require(actor, Action.REVIEW_SESSION, "treatment_session")
    pulses = (select(ImportBatchSession.session_id,
                     func.sum(ImportBatchSession.flagged_pulses).label("flagged"))
              .group_by(ImportBatchSession.session_id).subquery())
    rows = db.execute(
        select(TreatmentSession, func.coalesce(pulses.c.flagged, 0))
        .outerjoin(pulses, pulses.c.session_id == TreatmentSession.id)
        .where(TreatmentSession.status.in_(AWAITING))
        .order_by(TreatmentSession.completed_at, TreatmentSession.id).limit(QUEUE_LIMIT)
        .options(selectinload(TreatmentSession.areas).selectinload(TreatedArea.settings),
                 selectinload(TreatmentSession.reactions),
                 selectinload(TreatmentSession.patient),
                 selectinload(TreatmentSession.technician))
    ).all()
    histories = _area_histories(db, {s.patient_id for s, _flagged in rows})
    limit = clinic_settings.rules(db).change_limit
    items = [
        QueueItem(s.id, s.version, s.started_at,
                  f"{s.patient.full_name} ({s.patient.identifier})", s.technician.full_name,
                  tuple(a.area for a in s.areas), s.status,
                  flags_of(s, flagged, histories, limit))
        for s, flagged in rows
    ]
    return sorted(items, key=lambda item: not item.flags)  # stable: oldest first within
