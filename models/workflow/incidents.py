"""Adverse events after a session: follow-up entries days later, and incidents.

Reactions are graded 0–4 when the session is logged. Follow-ups record how a reaction goes
on (redness receding, a pigment change found later) and when it resolved; they are added to
a signed session without amending it. A grade of ``INCIDENT_GRADE`` or more, logged or found
at follow-up, opens an incident that stays on the supervisors' list until one of them files
it with a report. It is due the clinic's incident due time (24 hours unless changed) after
the reaction: after the session it happened in, or, found at a follow-up, after the start of
the day it was seen; a session logged days late opens an incident that is overdue already.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.clinic import clinic_settings
from models.errors import NotAllowed, NotFound, ValidationFailed
from models.language import _, date_text
from models.reading.history import follow_ups_of, load_session, view_session
from models.records.adverse_events import FollowUp, Incident
from models.records.people import Patient, User
from models.records.treatment import TreatmentSession
from models.values.rows import Actor, FollowUpRow, IncidentRow, SessionDetail
from models.values.vocabulary import ReactionKind, SessionStatus

INCIDENT_GRADE = 3


@dataclass(frozen=True)
class IncidentReport:
    """An incident with the session it happened in, whole: what the report is read with and
    printed with (areas, device, parameters, reactions and their notes, follow-ups)."""

    incident: IncidentRow
    session: SessionDetail


def follow_up_problems(kind: str, grade: int | None, observed_on: date | None,
                       resolved_on: date | None, session_day: date, today: date
                       ) -> dict[str, str]:
    problems = {}
    if kind not in set(ReactionKind):
        problems["kind"] = _("Unknown reaction {code}").format(code=repr(kind))
    if grade is None or not 0 <= grade <= 4:
        problems["grade"] = _("A reaction is graded from 0 to 4")
    if observed_on is None:
        problems["observed_on"] = _("Enter the date it was seen")
    elif observed_on > today:
        problems["observed_on"] = _("A follow-up cannot be seen in the future")
    elif observed_on < session_day:
        problems["observed_on"] = _(
            "The session was on {day}; a follow-up comes after it").format(
            day=date_text(session_day))
    if resolved_on is not None:
        if resolved_on > today:
            problems["resolved_on"] = _("A reaction cannot resolve in the future")
        elif resolved_on < session_day:
            problems["resolved_on"] = _("It cannot resolve before the session")
    return problems


def open_incidents_for(db: Session, actor: Actor, session: TreatmentSession,
                       graded: list[tuple[str, int]],
                       seen_at: datetime | None = None) -> list[Incident]:
    """Open an incident for each kind graded ``INCIDENT_GRADE`` or more that has none open,
    due the clinic's incident due time after the reaction: ``seen_at`` (a follow-up), else
    the session's start."""
    opened = []
    for kind, grade in graded:
        if grade < INCIDENT_GRADE:
            continue
        exists = db.scalar(select(Incident.id).where(
            Incident.session_id == session.id, Incident.kind == kind,
            Incident.filed_at.is_(None)))
        if exists is None:
            due = timedelta(hours=clinic_settings.rules(db).incident_due_hours)
            incident = Incident(session_id=session.id, kind=kind, grade=grade,
                                opened_at=datetime.now(UTC),
                                due_at=(seen_at or session.started_at) + due)
            db.add(incident)
            opened.append(incident)
    db.flush()
    for incident in opened:
        audit_chain.record(db, actor_id=actor.id, action="incident.open",
                           entity="incident", entity_id=incident.id,
                           new={"session": str(session.uuid), "kind": incident.kind,
                          "grade": incident.grade, "due_at": incident.due_at.isoformat()})
    return opened


def record_follow_up(db: Session, actor: Actor, session_id: int, kind: str,
                     grade: int | None, observed_on: date | None,
                     resolved_on: date | None = None, note: str = "",
                     today: date | None = None) -> list[FollowUpRow]:
    """Add a follow-up to a signed session the actor may see; return all its follow-ups."""
    require(actor, Action.RECORD_FOLLOW_UP, "treatment_session")
    view_session(db, actor, session_id)  # refused unless the actor may see the session
    session = db.get(TreatmentSession, session_id)
    assert session is not None  # view_session found it
    if session.status == SessionStatus.DRAFT:
        raise NotAllowed(_("Follow-ups are added to signed sessions; this one is draft"))
    if session.status == SessionStatus.VOIDED:
        raise NotAllowed(_("Follow-ups are added to signed sessions; this one is voided"))
    today = today or datetime.now().astimezone().date()
    problems = follow_up_problems(kind, grade, observed_on, resolved_on,
                                  session.started_at.astimezone().date(), today)
    if problems:
        raise ValidationFailed(problems)
    assert grade is not None and observed_on is not None  # follow_up_problems refuses None
    row = FollowUp(session_id=session.id, kind=kind, grade=grade, observed_on=observed_on,
                   resolved_on=resolved_on, note=note.strip(), recorded_by_id=actor.id)
    db.add(row)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="session.follow_up",
                       entity="treatment_session",
                       entity_id=session.uuid,
                       new={"kind": kind, "grade": grade, "observed_on": observed_on.isoformat(),
                      "resolved_on": resolved_on.isoformat() if resolved_on else None,
                      "note": row.note})
    open_incidents_for(db, actor, session, [(kind, grade)],
                       seen_at=_seen_at(observed_on, session.started_at))
    return follow_ups_of(db, session.id)


def _seen_at(observed_on: date, session_started_at: datetime) -> datetime:
    """When a reaction found at a follow-up counts as seen: the start of that day here, but
    never before the session."""
    day_start = datetime.combine(observed_on, time()).astimezone()
    return max(day_start, session_started_at)


def _incident_rows(db: Session, statement: Select[Incident]) -> list[IncidentRow]:
    technician = User.__table__.alias("technician")
    filer = User.__table__.alias("filer")
    rows = db.execute(
        statement.add_columns(Patient.full_name, Patient.identifier, technician.c.full_name,
                              TreatmentSession.started_at, filer.c.full_name)
        .join(TreatmentSession, TreatmentSession.id == Incident.session_id)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .join(technician, technician.c.id == TreatmentSession.technician_id)
        .outerjoin(filer, filer.c.id == Incident.filed_by_id))
    return [IncidentRow(i.id, i.session_id, f"{name} ({identifier})", tech, started, i.kind,
                        i.grade, i.opened_at, i.due_at, i.filed_at, filed_by, i.report)
            for i, name, identifier, tech, started, filed_by in rows]


def list_incidents(db: Session, actor: Actor, include_filed: bool = False) -> list[IncidentRow]:
    """Incidents for the supervisors: open ones, soonest due first (then the filed ones)."""
    require(actor, Action.FILE_INCIDENT, "incident")
    statement = select(Incident).order_by(Incident.filed_at.is_not(None), Incident.due_at)
    if not include_filed:
        statement = statement.where(Incident.filed_at.is_(None))
    return _incident_rows(db, statement)


def incident_report(db: Session, actor: Actor, incident_id: int) -> IncidentReport:
    """One incident to read: its report (or that none is filed yet), who filed it and when,
    and its session whole with the follow-ups."""
    require(actor, Action.FILE_INCIDENT, "incident", incident_id)
    rows = _incident_rows(db, select(Incident).where(Incident.id == incident_id))
    if not rows:
        raise NotFound(_("No incident {id}").format(id=incident_id))
    return IncidentReport(rows[0], load_session(db, rows[0].session_id))


def file_incident(db: Session, actor: Actor, incident_id: int, report: str) -> IncidentRow:
    """File an open incident with the supervisor's report; it then leaves the open list."""
    require(actor, Action.FILE_INCIDENT, "incident", incident_id)
    incident = db.get(Incident, incident_id)
    if incident is None:
        raise NotFound(_("No incident {id}").format(id=incident_id))
    if incident.filed_at is not None:
        raise NotAllowed(_("This incident is already filed"))
    if not report.strip():
        raise ValidationFailed({"report": _("Write the report: what happened, what was done, "
                                            "and the follow-up arranged")})
    incident.filed_at, incident.filed_by_id = datetime.now(UTC), actor.id
    incident.report = report.strip()
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="incident.file", entity="incident",
                       entity_id=incident.id, new={"report": incident.report})
    return _incident_rows(db, select(Incident).where(Incident.id == incident.id))[0]
