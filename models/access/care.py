"""Access follows care: a technician sees a patient's records only while treating them.

Treating means an open draft for the patient, or a signed session of their own that is not
voided. Supervisors see every patient. The first time a technician opens another
technician's session of a patient they treat, that access is recorded ("care.access"), once
per technician and patient, so the clinic can see who looked at what.
"""

from sqlalchemy import Exists, Select, SQLColumnExpression, and_, exists, select
from sqlalchemy.orm import Session, aliased

from models.access import audit_chain
from models.access.permissions import Action, Refused, may
from models.language import N_, _
from models.records.audit_events import AuditEvent
from models.records.people import Patient
from models.records.treatment import TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import SessionStatus


def treated_by(actor: Actor) -> Select[int]:
    """The ids of the patients ``actor`` is treating (for ``IN`` in a query)."""
    session = TreatmentSession
    return select(session.patient_id).where(session.technician_id == actor.id,
                                            session.status != SessionStatus.VOIDED)


def treats(actor: Actor, patient_id: SQLColumnExpression[int]) -> Exists:
    """Whether ``actor`` is treating the patient ``patient_id`` (a column of the query it is
    put in): checked on that patient's own sessions, by their index, row by row, so a page
    of the history never gathers every patient a technician ever treated first."""
    theirs = aliased(TreatmentSession)
    return exists().where(theirs.patient_id == patient_id, theirs.technician_id == actor.id,
                          theirs.status != SessionStatus.VOIDED)


def sees_every_patient(actor: Actor) -> bool:
    return may(actor, Action.VIEW_ALL_SESSIONS)


def require_care(db: Session, actor: Actor, patient_id: int, what: str) -> None:
    """Refuse (and so record) a read of a patient's ``what`` by someone not treating them."""
    if sees_every_patient(actor):
        return
    treating = treated_by(actor).where(TreatmentSession.patient_id == patient_id).limit(1)
    if db.scalar(treating) is None:
        closed = _CLOSED.get(what, N_("You do not treat this patient, so their {what} stay "
                                      "closed; a supervisor can open them"))
        refused = Refused(_(closed).format(what=what), actor, f"view_{what.replace(' ', '_')}",
                          "patient", patient_id, recorded=closed.format(what=what))
        raise refused


#: What stays closed, by what is asked for: each its own sentence, to translate whole.
_CLOSED = {
    "photos": N_("You do not treat this patient, so their photos stay closed; a supervisor "
                 "can open them"),
    "consents": N_("You do not treat this patient, so their consents stay closed; a "
                   "supervisor can open them"),
    "courses": N_("You do not treat this patient, so their courses stay closed; a "
                  "supervisor can open them"),
    "test patches": N_("You do not treat this patient, so their test patches stay closed; "
                       "a supervisor can open them"),
}


def note_access(db: Session, actor: Actor, session: TreatmentSession) -> None:
    """Record, once per technician and patient, that a technician opened another
    technician's session of a patient they treat."""
    if sees_every_patient(actor) or session.technician_id == actor.id:
        return
    patient = db.get(Patient, session.patient_id)
    assert patient is not None  # a session's patient is a foreign key
    seen = db.scalar(select(exists().where(and_(
        AuditEvent.entity == "patient", AuditEvent.entity_id == str(patient.uuid),
        AuditEvent.action == "care.access", AuditEvent.actor_id == actor.id))))
    if not seen:
        audit_chain.record(db, actor_id=actor.id, action="care.access", entity="patient",
                           entity_id=patient.uuid,
                           new={"session": str(session.uuid), "identifier": patient.identifier})
