"""A technician's drafts: one per patient, and voided (never deleted) by their technician."""

import pytest
from sqlalchemy import exc, select, text

from models.admin.integrity import verify
from models.errors import Conflict, NotAllowed, ValidationFailed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.records.treatment import TreatmentSession
from models.values.session_input import AreaInput, SessionInput
from models.workflow import session_logging
from tests.models.helpers import session_entry

NECK = AreaInput("neck", {"fluence_j_cm2": 20.0}, 10, 1)


def test_a_technician_voids_their_own_draft_with_a_reason(database, technician, draft):
    with database.write() as db:
        voided = session_logging.void_draft(db, technician, draft.summary.id,
                                            "  Started for the wrong patient ", draft.version)
    assert voided.summary.status == "voided"
    assert voided.void_reason == "Started for the wrong patient"
    assert voided.voided_at is not None
    with database.read() as db:
        row = db.get(TreatmentSession, draft.summary.id)
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert session_logging.open_drafts(db, technician) == []
    assert row.voided_by_id == technician.id
    assert (event.action, event.entity_id, event.reason) == (
        "session.void", str(draft.summary.uuid), "Started for the wrong patient")
    result = verify(database)  # a voided draft was never signed: nothing to prove
    assert result.ok and result.unsealed == 0 and result.sessions_proven == 0


def test_voiding_a_draft_needs_a_reason(database, technician, draft):
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        session_logging.void_draft(db, technician, draft.summary.id, "   ")
    assert "reason" in refused.value.problems
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).summary.status == "draft"


def test_only_the_drafts_technician_voids_it_and_only_while_a_draft(
        database, technician, supervisor, admin, draft, device, patient, logged_session):
    for other in (supervisor, admin):
        with pytest.raises(NotAllowed), database.write() as db:
            session_logging.void_draft(db, other, draft.summary.id, "not mine")
    with database.write() as db:
        session_logging.void_draft(db, technician, draft.summary.id, "duplicate")
    with pytest.raises(NotAllowed, match="voided"), database.write() as db:
        session_logging.void_draft(db, technician, draft.summary.id, "again")
    signed = logged_session(patient, session_entry(device, NECK))
    with pytest.raises(NotAllowed, match="only amended"), database.write() as db:
        session_logging.void_draft(db, technician, signed.summary.id, "changed my mind")


def test_a_void_made_on_a_stale_version_is_a_conflict(database, technician, draft):
    with database.write() as db:
        session_logging.update_draft(db, technician, draft.summary.id,
                                     SessionInput(notes="typed on another PC"))
    with pytest.raises(Conflict), database.write() as db:
        session_logging.void_draft(db, technician, draft.summary.id, "duplicate",
                                   draft.version)


def test_a_voided_drafts_rows_are_kept_unchanged(database, technician, draft):
    with database.write() as db:
        session_logging.void_draft(db, technician, draft.summary.id, "duplicate")
    with (pytest.raises(exc.DBAPIError, match="never changed"), database.write() as db):
        db.execute(text("UPDATE treatment_sessions SET notes = 'rewritten'"))


def test_starting_a_draft_again_returns_the_open_one(database, technician, patient,
                                                     register_patient, register_technician,
                                                     draft):
    someone_else = register_patient(technician)
    colleague = register_technician("otto", "Otto Other")
    with database.write() as db:
        again = session_logging.start_draft(db, technician, patient.id,
                                            SessionInput(notes="ignored"))
        other_patient = session_logging.start_draft(db, technician, someone_else.id)
        colleagues = session_logging.start_draft(db, colleague, patient.id)
    assert again.summary.id == draft.summary.id and again.notes == ""
    assert len({draft.summary.id, other_patient.summary.id, colleagues.summary.id}) == 3
    with database.read() as db:
        assert db.scalar(text("SELECT count(*) FROM treatment_sessions")) == 3


def test_a_new_draft_once_the_last_is_voided_or_signed(database, technician, patient,
                                                       device, draft, logged_session):
    with database.write() as db:
        session_logging.void_draft(db, technician, draft.summary.id, "duplicate")
        fresh = session_logging.start_draft(db, technician, patient.id)
    assert fresh.summary.id != draft.summary.id
    signed = logged_session(patient, session_entry(device, NECK))
    assert signed.summary.id == fresh.summary.id  # the open draft is the one signed
    with database.write() as db:
        assert session_logging.start_draft(db, technician, patient.id).summary.id not in {
            draft.summary.id, fresh.summary.id}
