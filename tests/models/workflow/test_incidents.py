"""Follow-ups after a session and incidents for serious reactions: opened by the grade, due
within a day, filed with a report, never deleted."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from models.access.permissions import Refused
from models.clinic import clinic_settings
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


def test_a_grade_3_reaction_opens_an_incident_due_a_day_after_the_session(
        database, technician, supervisor, device, patient, logged_session):
    done = logged_session(patient, session_entry(device, CHEEKS, days_ago=0.5, reactions=(
        ReactionInput("blistering", 3), ReactionInput("erythema", 2))))
    with database.read() as db:
        open_ = incidents.list_incidents(db, supervisor)
    assert [(i.session_id, i.kind, i.grade) for i in open_] == [
        (done.summary.id, "blistering", 3)]
    incident = open_[0]
    assert incident.due_at == done.summary.started_at + timedelta(hours=24)
    assert not incident.overdue(datetime.now(UTC))
    assert incident.overdue(datetime.now(UTC) + timedelta(hours=13))

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
                                                         device, patient, logged_session,
                                                         signature_of):
    done = logged_session(patient, session_entry(
        device, CHEEKS, days_ago=3, reactions=(ReactionInput("burn", 2),)))
    raised = replace(entry_of(done), reactions=(ReactionInput("burn", 4),))
    with database.write() as db:
        supervision.amend_session(db, supervisor, done.summary.id, raised,
                                  "grade misread at the time",
                                  signature=signature_of(supervisor))
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


def test_a_session_logged_late_opens_an_incident_overdue_already(
        database, admin, technician, supervisor, device, patient, logged_session):
    """Due the clinic's incident due time after the session, not after it was typed in: three
    days late, a day's due time is long past; four days' is not."""
    late = logged_session(patient, session_entry(device, CHEEKS, days_ago=3, reactions=(
        ReactionInput("blistering", 3),)))
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "incident_due_hours", 96)
    later = logged_session(patient, session_entry(device, CHEEKS, days_ago=2, reactions=(
        ReactionInput("burn", 3),)))
    now = datetime.now(UTC)
    with database.read() as db:
        due = {i.session_id: i for i in incidents.list_incidents(db, supervisor)}
    assert due[late.summary.id].due_at == late.summary.started_at + timedelta(hours=24)
    assert due[late.summary.id].overdue(now)
    assert due[later.summary.id].due_at == later.summary.started_at + timedelta(hours=96)
    assert not due[later.summary.id].overdue(now)
    assert [i.session_id for i in due.values()] == [late.summary.id, later.summary.id]


def test_a_reaction_found_at_follow_up_is_due_from_the_day_it_was_seen(
        database, technician, supervisor, device, patient, logged_session):
    done = logged_session(patient, session_entry(device, CHEEKS, days_ago=6))
    with database.write() as db:
        incidents.record_follow_up(db, technician, done.summary.id, "hyperpigmentation", 3,
                                   TODAY - timedelta(days=3), note="found at follow-up")
        incidents.record_follow_up(db, technician, done.summary.id, "scarring", 3, TODAY)
    with database.read() as db:
        due = {i.kind: i.due_at for i in incidents.list_incidents(db, supervisor)}
    seen = datetime.combine(TODAY - timedelta(days=3), datetime.min.time()).astimezone()
    assert due["hyperpigmentation"] == seen + timedelta(hours=24)
    assert due["scarring"] == seen + timedelta(days=3, hours=24)
    assert due["hyperpigmentation"] < datetime.now(UTC) < due["scarring"]


def test_an_incident_reads_whole_with_its_session_and_follow_ups(
        database, technician, supervisor, device, patient, logged_session):
    done = logged_session(patient, session_entry(device, CHEEKS, days_ago=2, reactions=(
        ReactionInput("blistering", 3, "left cheek, 1 cm"),), notes="Cooled at once"))
    with database.write() as db:
        incidents.record_follow_up(db, technician, done.summary.id, "blistering", 2, TODAY,
                                   note="healing")
        (incident,) = incidents.list_incidents(db, supervisor)
        report = incidents.incident_report(db, supervisor, incident.id)
    assert report.incident.filed_at is None and report.incident.report == ""
    assert report.session.summary.id == done.summary.id
    assert report.session.device.serial == device.serial
    assert [(a.area, a.settings["fluence_j_cm2"], a.pulses) for a in report.session.areas] \
        == [("cheeks", 18.0, 90)]
    assert [(r.kind, r.grade, r.note) for r in report.session.reactions] == [
        ("blistering", 3, "left cheek, 1 cm")]
    assert [(f.grade, f.note, f.recorded_by) for f in report.session.follow_ups] == [
        (2, "healing", "Tess Tech")]
    with database.write() as db:
        incidents.file_incident(db, supervisor, incident.id, "Dressed; review in 3 days")
        filed = incidents.incident_report(db, supervisor, incident.id).incident
    assert (filed.report, filed.filed_by) == ("Dressed; review in 3 days", "Sam Supervisor")
    assert filed.filed_at is not None
    with pytest.raises(Refused), database.read() as db:
        incidents.incident_report(db, technician, incident.id)


def test_the_upgrade_moves_incidents_to_their_due_time_after_the_session(
        database, technician, supervisor, device, patient, logged_session):
    """Incidents opened before migration 0018 were due a day after they were opened; the
    upgrade makes them due a day after the session, keeping the hours they were given."""
    from models.records.adverse_events import Incident as IncidentRecord
    from models.storage import schema

    done = logged_session(patient, session_entry(device, CHEEKS, days_ago=4, reactions=(
        ReactionInput("blistering", 3),)))
    schema.migrate(database, "0017", downgrade=True)
    with database.write() as db:  # as 0017 opened it: 30 hours from its opening
        for incident in db.scalars(select(IncidentRecord)):
            incident.due_at = incident.opened_at + timedelta(hours=30)
        db.flush()
        (before,) = incidents.list_incidents(db, supervisor)
    assert not before.overdue(datetime.now(UTC))
    schema.migrate(database, "head")
    with database.read() as db:
        (after,) = incidents.list_incidents(db, supervisor)
    assert after.due_at == done.summary.started_at + timedelta(hours=30)
    assert after.overdue(datetime.now(UTC))
