"""Reading the audit trail back, for supervisors: by user, session, patient and date."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.access.permissions import Action, require
from models.records.audit_events import AuditEvent
from models.records.people import Patient, User
from models.records.treatment import TreatmentSession
from models.values.rows import Actor


@dataclass(frozen=True)
class AuditRow:
    seq: int
    occurred_at: datetime
    user: str | None
    action: str
    entity: str
    entity_id: str | None
    old_values: str
    new_values: str
    reason: str


def find_events(db: Session, actor: Actor, *, username: str | None = None,
                session_uuid: str | None = None, patient_identifier: str | None = None,
                since: datetime | None = None, until: datetime | None = None,
                limit: int = 500) -> list[AuditRow]:
    """The newest events matching every filter given, newest first."""
    require(actor, Action.VIEW_AUDIT, "audit_event")
    statement = (select(AuditEvent, User.username)
                 .outerjoin(User, User.id == AuditEvent.actor_id)
                 .order_by(AuditEvent.seq.desc()).limit(limit))
    if username:
        statement = statement.where(User.username == username)
    if session_uuid:
        statement = statement.where(AuditEvent.entity == "treatment_session",
                                    AuditEvent.entity_id == session_uuid)
    if patient_identifier:
        patient = select(Patient.id).where(Patient.identifier == patient_identifier)
        sessions = select(TreatmentSession.uuid).where(TreatmentSession.patient_id.in_(patient))
        uuids = [str(u) for u in db.scalars(sessions)]
        ids = [str(i) for i in db.scalars(patient)]
        statement = statement.where(or_(
            (AuditEvent.entity == "treatment_session") & AuditEvent.entity_id.in_(uuids),
            (AuditEvent.entity == "patient") & AuditEvent.entity_id.in_(ids)))
    if since:
        statement = statement.where(AuditEvent.occurred_at >= since)
    if until:
        statement = statement.where(AuditEvent.occurred_at < until)
    return [
        AuditRow(e.seq, e.occurred_at, name, e.action, e.entity, e.entity_id, e.old_values,
                 e.new_values, e.reason)
        for e, name in db.execute(statement)
    ]
