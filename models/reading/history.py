"""Reading sessions back: the history, newest first in keyset pages, and one session whole."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    ColumnExpressionArgument,
    ScalarSelect,
    String,
    cast,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, selectinload

from models.access import care, permissions
from models.access.permissions import Action, Refused
from models.clinic.device_register import device_row
from models.clinic.patients import patient_row
from models.errors import NotFound
from models.language import N_, _
from models.reading.history_filter import HistoryFilter, apply_filter
from models.records.adverse_events import FollowUp
from models.records.imports import ImportBatch, ImportBatchSession
from models.records.people import Patient, User
from models.records.treatment import ParameterSetting, Reaction, TreatedArea, TreatmentSession
from models.values.parameters import SETTINGS
from models.values.rows import (
    Actor,
    AmendmentRow,
    AreaParametersRow,
    FollowUpRow,
    ImportRow,
    ReactionRow,
    SessionDetail,
    SessionSummary,
)
from models.values.screening import ScreeningInput
from models.values.screening import from_json as screening_from_json
from models.values.session_input import AreaInput, PassSettings, ReactionInput, SessionInput
from models.values.vocabulary import ParameterSource

DEFAULT_PAGE_SIZE = 100
NO_FILTER = HistoryFilter()


@dataclass(frozen=True)
class PageCursor:
    """Where the next page starts: just after this (started_at, id) in the page's order."""

    started_at: datetime
    id: int


@dataclass(frozen=True)
class SessionPage:
    rows: tuple[SessionSummary, ...]
    next_cursor: PageCursor | None


def list_sessions(
    db: Session, actor: Actor | None = None, *, after: PageCursor | None = None,
    limit: int = DEFAULT_PAGE_SIZE, filters: HistoryFilter = NO_FILTER,
) -> SessionPage:
    """One page of the history the actor may see, newest first (or oldest first), read by
    key so every page costs the same. No actor means the command line, which holds the
    database's own credentials and so sees everything.

    One query per page: each row's areas and worst reaction come from correlated
    subqueries on their session's index, so a page is one round trip to the server."""
    key = tuple_(TreatmentSession.started_at, TreatmentSession.id)
    order = ((TreatmentSession.started_at, TreatmentSession.id) if filters.oldest_first
             else (TreatmentSession.started_at.desc(), TreatmentSession.id.desc()))
    worst = aliased(Reaction)
    statement = (
        select(TreatmentSession.id, TreatmentSession.uuid, TreatmentSession.started_at,
               TreatmentSession.duration_s, TreatmentSession.status, Patient.identifier,
               Patient.full_name, User.full_name, _areas_of_row(), worst)
        .join(Patient, TreatmentSession.patient_id == Patient.id)
        .join(User, TreatmentSession.technician_id == User.id)
        .outerjoin(worst, worst.id == _worst_reaction_id())
        .order_by(*order)
        .limit(limit + 1)
    )
    if after is not None:
        after_key = tuple_(after.started_at, after.id)
        statement = statement.where(key > after_key if filters.oldest_first
                                    else key < after_key)
    statement = apply_filter(statement, filters, actor)
    found = db.execute(statement).all()
    more = len(found) > limit
    rows = tuple(
        SessionSummary(
            id=session_id,
            uuid=session_uuid,
            started_at=started_at,
            patient_identifier=identifier,
            patient_name=patient_name,
            areas=_areas_in_order(areas),
            technician=technician,
            duration_s=duration_s,
            worst_reaction=reaction_row(reaction) if reaction is not None else None,
            status=status,
        )
        for (session_id, session_uuid, started_at, duration_s, status, identifier,
             patient_name, technician, areas, reaction) in found[:limit]
    )
    cursor = PageCursor(rows[-1].started_at, rows[-1].id) if more and rows else None
    return SessionPage(rows=rows, next_cursor=cursor)


def _areas_of_row() -> ScalarSelect[str]:
    """The row's current areas as 'position:area' joined by commas: any order, since
    SQLite before 3.44 cannot order inside an aggregate; ``_areas_in_order`` sorts them."""
    return (select(func.aggregate_strings(
                cast(TreatedArea.position, String) + literal(":") + TreatedArea.area, ","))
            .where(TreatedArea.session_id == TreatmentSession.id,
                   TreatedArea.superseded_in.is_(None))
            .scalar_subquery())


def _areas_in_order(joined: str | None) -> tuple[str, ...]:
    if not joined:
        return ()
    numbered = (item.partition(":") for item in joined.split(","))
    return tuple(area for _position, _colon, area in
                 sorted(numbered, key=lambda item: int(item[0])))


def _worst_reaction_id() -> ScalarSelect[int]:
    """The row's highest-graded current reaction (the first logged among equals)."""
    return (select(Reaction.id)
            .where(Reaction.session_id == TreatmentSession.id, Reaction.grade > 0,
                   Reaction.superseded_in.is_(None))
            .order_by(Reaction.grade.desc(), Reaction.id).limit(1)
            .scalar_subquery())


def block_cursors(db: Session, actor: Actor | None, filters: HistoryFilter,
                  block_size: int) -> list[PageCursor]:
    """The cursor that starts each block of ``block_size`` rows after the first, in the
    filter's order: one pass over the index, so any block can then be read by key."""
    direction: Callable[[InstrumentedAttribute[object]], ColumnExpressionArgument[object]]
    direction = (lambda c: c) if filters.oldest_first else (lambda c: c.desc())
    number = func.row_number().over(order_by=(direction(TreatmentSession.started_at),
                                              direction(TreatmentSession.id))).label("n")
    ranked = apply_filter(select(TreatmentSession.started_at, TreatmentSession.id, number),
                          filters, actor).subquery()
    rows = db.execute(select(ranked.c.started_at, ranked.c.id)
                      .where(ranked.c.n % block_size == 0).order_by(ranked.c.n))
    return [PageCursor(started_at, session_id) for started_at, session_id in rows]


def reaction_row(reaction: Reaction) -> ReactionRow:
    return ReactionRow(
        kind=reaction.kind, grade=reaction.grade, onset=reaction.onset, note=reaction.note
    )


def load_session(db: Session, session_id: int | UUID) -> SessionDetail:
    """Everything recorded about one session, by its integer key or its UUID."""
    statement = select(TreatmentSession).options(
        selectinload(TreatmentSession.areas).selectinload(TreatedArea.settings),
        selectinload(TreatmentSession.reactions),
        selectinload(TreatmentSession.anaesthetic),
        selectinload(TreatmentSession.screening),
    )
    if isinstance(session_id, UUID):
        statement = statement.where(TreatmentSession.uuid == session_id)
    else:
        statement = statement.where(TreatmentSession.id == session_id)
    session = db.scalars(statement).one_or_none()
    if session is None:
        raise NotFound(_("No session {id}").format(id=session_id))
    reactions = tuple(reaction_row(r) for r in session.reactions)
    graded = [r for r in reactions if r.grade > 0]
    summary = SessionSummary(
        id=session.id,
        uuid=session.uuid,
        started_at=session.started_at,
        patient_identifier=session.patient.identifier,
        patient_name=session.patient.full_name,
        areas=tuple(a.area for a in session.areas),
        technician=session.technician.full_name,
        duration_s=session.duration_s,
        worst_reaction=max(graded, key=lambda r: r.grade) if graded else None,
        status=session.status,
    )
    anaesthetic = session.anaesthetic
    return SessionDetail(
        summary=summary,
        patient=patient_row(session.patient),
        device=device_row(session.device) if session.device else None,
        room=session.room,
        anaesthetic_agent=anaesthetic.agent if anaesthetic else None,
        anaesthetic_applied_at=anaesthetic.applied_at if anaesthetic else None,
        areas=tuple(_area_row(a) for a in session.areas),
        reactions=reactions,
        notes=session.notes,
        created_at=session.created_at,
        updated_at=session.updated_at,
        completed_at=session.completed_at,
        version=session.version,
        imports=imports_of(db, session.id),
        reviewed_at=session.reviewed_at,
        reviewed_by=_full_name(db, session.reviewed_by_id),
        voided_at=session.voided_at,
        void_reason=session.void_reason,
        amendments=tuple(
            AmendmentRow(a.number, a.amended_at, _full_name(db, a.user_id) or "", a.reason,
                         json.loads(a.old_values), json.loads(a.new_values))
            for a in session.amendments
        ),
        screening=(screening_from_json(session.screening.as_json())
                   if session.screening else None),
        follow_ups=tuple(follow_ups_of(db, session.id)),
        aftercare_given_at=session.aftercare_given_at,
        late_reason=session.late_entry_reason,
    )


def entry_of(detail: SessionDetail) -> SessionInput:
    """A loaded session as the input that would save it unchanged (the start of an
    amendment)."""
    return SessionInput(
        device_id=detail.device.id if detail.device else None,
        room=detail.room,
        started_at=detail.summary.started_at,
        duration_s=detail.summary.duration_s,
        anaesthetic_agent=detail.anaesthetic_agent,
        anaesthetic_applied_at=detail.anaesthetic_applied_at,
        areas=tuple(
            AreaInput(area=a.area, settings=dict(a.settings), pulses=a.pulses, passes=a.passes,
                      source=a.source or ParameterSource.MANUAL,
                      per_pass=tuple(PassSettings(n, dict(v)) for n, v in a.per_pass),
                      import_batch_id=a.import_batch_id, change_reason=a.change_reason)
            for a in detail.areas),
        reactions=tuple(ReactionInput(r.kind, r.grade, r.note, r.onset)
                        for r in detail.reactions),
        notes=detail.notes,
        screening=detail.screening or ScreeningInput(),
        late_reason=detail.late_reason,
    )


def _full_name(db: Session, user_id: int | None) -> str | None:
    user = None if user_id is None else db.get(User, user_id)
    return None if user is None else user.full_name


def view_session(db: Session, actor: Actor, session_id: int | UUID) -> SessionDetail:
    """``load_session`` for a person: refused unless they may see it (the history's own rule:
    supervisors every session, technicians those of the patients they treat)."""
    detail = load_session(db, session_id)
    if not permissions.may(actor, Action.VIEW_ALL_SESSIONS):
        permissions.require(actor, Action.VIEW_OWN_PATIENTS_SESSIONS, "treatment_session",
                            detail.summary.uuid)
        this = select(TreatmentSession.id).where(TreatmentSession.id == detail.summary.id)
        if db.scalar(apply_filter(this, NO_FILTER, actor)) is None:
            refusal = N_("This session is of a patient you do not treat; a supervisor can "
                         "open it")
            refused = Refused(_(refusal), actor, "view_session", "treatment_session",
                              detail.summary.uuid, recorded=refusal)
            raise refused
        session = db.get(TreatmentSession, detail.summary.id)
        assert session is not None
        care.note_access(db, actor, session)
    return detail


def _area_row(area: TreatedArea) -> AreaParametersRow:
    def values(setting: ParameterSetting) -> dict[str, float | None]:
        return {spec.key: getattr(setting, spec.key) for spec in SETTINGS}

    first = area.settings[0] if area.settings else None
    logged = [(s.pass_number, values(s)) for s in area.settings if s.pass_number is not None]
    return AreaParametersRow(
        area=area.area,
        passes=area.passes,
        pulses=area.pulses,
        settings=values(first) if first else dict.fromkeys(s.key for s in SETTINGS),
        source=first.source if first else None,
        per_pass=tuple(logged),
        import_batch_id=first.import_batch_id if first else None,
        change_reason=area.change_reason,
    )


def imports_of(db: Session, session_id: int) -> tuple[ImportRow, ...]:
    statement = (
        select(ImportBatch, ImportBatchSession, User.full_name)
        .join(ImportBatchSession, ImportBatchSession.batch_id == ImportBatch.id)
        .join(User, User.id == ImportBatch.user_id)
        .where(ImportBatchSession.session_id == session_id)
        .order_by(ImportBatch.imported_at)
    )
    return tuple(
        ImportRow(
            id=batch.id, file_name=batch.file_name, sha256=batch.sha256, profile=batch.profile,
            user=user, imported_at=batch.imported_at, rows=batch.rows, pulses=link.pulses,
            flagged_pulses=link.flagged_pulses, device_session=link.device_session,
        )
        for batch, link, user in db.execute(statement)
    )


def follow_ups_of(db: Session, session_id: int) -> list[FollowUpRow]:
    rows = db.execute(select(FollowUp, User.full_name)
                      .join(User, User.id == FollowUp.recorded_by_id)
                      .where(FollowUp.session_id == session_id)
                      .order_by(FollowUp.observed_on, FollowUp.id))
    return [FollowUpRow(f.kind, f.grade, f.observed_on, f.resolved_on, f.note, name)
            for f, name in rows]
