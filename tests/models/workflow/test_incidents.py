"""Follow-ups after a session and incidents for serious reactions: opened by the grade, due
within a day, filed with a report, never deleted."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from models.errors import NotAllowed, ValidationFailed
from models.reading.history import entry_of
from models.records.adverse_events import FollowUp, Incident
from models.review import supervision
from models.values.session_input import AreaInput, ReactionInput
from models.workflow import incidents
from tests.models.helpers import TODAY, session_entry

CHEEKS = AreaInput("cheeks", {"fluence_j_cm2": 18.0}, 90, 1)


@pytest.fixture
def patient(register_patient, technician):
    return register_patient(technician, fitzpatrick=5)


def test_a_grade_3_reaction_opens_an_incident_due_within_a_day(
        database, technician, supervisor, device, patient, logged_session):
    before = datetime.now(UTC)
    done = logged_session(patient, session_entry(device, CHEEKS, days_ago=3, reactions=(
        ReactionInput("blistering", 3), ReactionInput("erythema", 2))))
    with database.read() as db:
        open_ = incidents.list_incidents(db, supervisor)
    assert [(i.session_id, i.kind, i.grade) for i in open_] == [
        (done.summary.id, "blistering", 3)]
    incident = open_[0]
    assert before + timedelta(hours=24) <= incident.due_at <= datetime.now(UTC) + \
        timedelta(hours=24)
    assert not incident.overdue(datetime.now(UTC))
    assert incident.overdue(datetime.now(UTC) + timedelta(hours=25))

    with pytest.raises(ValidationFailed, match="Write the report"), database.write() as db:
        incidents.file_incident(db, supervisor, incident.id, "   ")
    with database.write() as db:
        filed = incidents.file_incident(db, supervisor, incident.id,
                                        "Blister 1 cm on the left cheek; cooled, "
                                        "dressing, review in 3 days")
    assert filed.filed_by == "Sam Supervisor" and filed.report.startswith("Blister 1 cm")
    with database.read() as db:
        assert incidents.list_incidents(db, supervisor) == []
        assert len(incidents.list_incidents(db, supervisor, include_filed=True)) == 1
    with pytest.raises(NotAllowed, match="already filed"), database.write() as db:
        incidents.file_incident(db, supervisor, incident.id, "again")


def test_follow_ups_are_added_to_a_signed_session_and_can_open_an_incident(
        database, technician, supervisor, device, patient, logged_session):
    done = logged_session(patient, session_entry(
        device, CHEEKS, days_ago=3, reactions=(ReactionInput("erythema", 2),)))
    session_id = done.summary.id
    with database.write() as db:
        incidents.record_follow_up(db, technician, session_id, "erythema", 1,
                                   TODAY - timedelta(days=1), TODAY, "receding")
        rows = incidents.record_follow_up(db, technician, session_id,
                                          "hyperpigmentation", 3, TODAY,
                                          note="found at follow-up")
    assert [(r.kind, r.grade, r.resolved_on, r.recorded_by) for r in rows] == [
        ("erythema", 1, TODAY, "Tess Tech"), ("hyperpigmentation", 3, None, "Tess Tech")]
    with database.read() as db:
        assert [i.kind for i in incidents.list_incidents(db, supervisor)] == [
            "hyperpigmentation"]
    assert done.summary.status == "completed"  # a follow-up is not an amendment


def test_follow_up_bad_input_is_named_and_nothing_is_written(database, technician, device,
                                                             patient, logged_session):
    done = logged_session(patient, session_entry(device, CHEEKS, days_ago=3))
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        incidents.record_follow_up(db, technician, done.summary.id, "erythema", 7,
                                   TODAY + timedelta(days=2), TODAY - timedelta(days=9))
    assert refused.value.problems == {
        "grade": "A reaction is graded from 0 to 4",
        "observed_on": "A follow-up cannot be seen in the future",
        "resolved_on": "It cannot resolve before the session"}
    with database.read() as db:
        assert incidents.follow_ups_of(db, done.summary.id) == []


def test_an_amendment_raising_a_grade_opens_an_incident(database, technician, supervisor,
                                                         device, patient, logged_session):
    done = logged_session(patient, session_entry(
        device, CHEEKS, days_ago=3, reactions=(ReactionInput("burn", 2),)))
    raised = replace(entry_of(done), reactions=(ReactionInput("burn", 4),))
    with database.write() as db:
        supervision.amend_session(db, supervisor, done.summary.id, raised,
                                  "grade misread at the time")
        assert [(i.kind, i.grade) for i in incidents.list_incidents(db, supervisor)] == [
            ("burn", 4)]


def test_follow_ups_and_incidents_are_never_deleted(database, technician, device, patient,
                                                    logged_session):
    done = logged_session(patient, session_entry(
        device, CHEEKS, days_ago=3, reactions=(ReactionInput("blistering", 3),)))
    with database.write() as db:
        incidents.record_follow_up(db, technician, done.summary.id, "blistering", 2,
                                   TODAY)
    for statement in (delete(FollowUp), update(FollowUp).values(grade=0), delete(Incident)):
        with pytest.raises(Exception, match="never"), database.write() as db:
            db.execute(statement)
