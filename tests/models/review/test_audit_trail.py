"""The audit trail read back in words: people by name, a session by its patient, day and
areas, the values changed; filtered by person, patient and period; a page at a time."""

from datetime import datetime, timedelta

import pytest

from models.access.permissions import Refused
from models.review import audit_trail
from models.values.session_input import AreaInput
from tests.models.helpers import session_entry


@pytest.fixture
def logged(technician, device, register_patient, logged_session):
    patient = register_patient(technician, identifier="AU-1", full_name="Ana Lima")
    return logged_session(patient, session_entry(device, AreaInput("neck", {"energy_j": 50.0}),
                                                 AreaInput("cheeks", {"energy_j": 40.0}),
                                                 days_ago=2))


def test_events_name_the_person_the_patient_the_day_and_the_areas(database, supervisor,
                                                                  logged):
    with database.read() as db:
        rows = audit_trail.find_events(db, supervisor, session_uuid=str(logged.summary.uuid))
    assert [row.what for row in rows] == ["Completed and signed", "Started a session"]
    day = logged.summary.started_at.astimezone()
    assert rows[0].record == f"Session of Ana Lima (AU-1), {day:%Y-%m-%d %H:%M}: Neck, Cheeks"
    assert rows[0].person == "Tess Tech"
    assert "status: 'draft' → 'completed'" in rows[0].changes


def test_the_patient_filter_takes_part_of_a_name_and_the_person_filter_a_user(
        database, supervisor, technician, logged):
    with database.read() as db:
        by_name = audit_trail.find_events(db, supervisor, patient="lima")
        by_identifier = audit_trail.find_events(db, supervisor, patient="AU-1")
        by_person = audit_trail.find_events(db, supervisor, username="TESS")
        nobody = audit_trail.find_events(db, supervisor, patient="nobody at all")
    assert [r.what for r in by_name] == ["Completed and signed", "Started a session",
                                         "Witnessed a consent signed on screen",
                                         "Registered a patient"]
    assert by_name == by_identifier
    assert by_name[2].record == by_name[3].record == "Patient Ana Lima (AU-1)"
    assert {r.person for r in by_person} == {"Tess Tech"} and len(by_person) >= 3
    assert nobody == []


def test_the_trail_is_read_a_page_at_a_time_by_key(database, supervisor, logged):
    with database.read() as db:
        everything = audit_trail.find_events(db, supervisor, limit=10_000)
        first = audit_trail.event_page(db, supervisor, limit=3)
        second = audit_trail.event_page(db, supervisor, limit=3,
                                        before_seq=first.next_before)
        period = audit_trail.find_events(db, supervisor,
                                         since=datetime.now().astimezone() + timedelta(days=1))
    assert len(everything) > 6
    assert [r.seq for r in first.rows + second.rows] == [r.seq for r in everything[:6]]
    assert first.next_before == first.rows[-1].seq
    assert period == []


def test_only_those_who_may_see_the_trail_read_it(database, technician, logged):
    with database.read() as db, pytest.raises(Refused):
        audit_trail.event_page(db, technician)


def test_a_consent_signed_on_screen_is_named_and_found_by_its_patient(database, supervisor,
                                                                     register_patient,
                                                                     technician):
    from models.review import audit_trail

    register_patient(technician, identifier="AT-9", full_name="Ida Quist")
    with database.read() as db:
        page = audit_trail.event_page(db, supervisor, patient="AT-9")
    signing = [row for row in page.rows if row.what == "Witnessed a consent signed on screen"]
    assert len(signing) == 1 and signing[0].record == "Patient Ida Quist (AT-9)"
    assert {row.what for row in page.rows} >= {"Registered a patient"}
