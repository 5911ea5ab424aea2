"""Clinic settings: one value for every PC, changed by an administrator within its range,
and obeyed by the change limit, the incident due time and the default course plan."""

from datetime import timedelta

import pytest

from models.clinic import clinic_settings
from models.errors import ValidationFailed
from models.values.session_input import AreaInput, ReactionInput
from models.workflow import courses, incidents
from tests.models.helpers import session_entry


def test_out_of_range_and_unknown_settings_are_refused(database, admin):
    with database.read() as db:
        assert clinic_settings.rules(db) == clinic_settings.ClinicRules()
    with pytest.raises(ValidationFailed, match="from 1 to 100 %"), database.write() as db:
        clinic_settings.change_setting(db, admin, "change_limit_percent", 0)
    with pytest.raises(ValidationFailed, match="No clinic setting"), database.write() as db:
        clinic_settings.change_setting(db, admin, "colour", 3)


def neck(fluence, why=""):
    return AreaInput("neck", {"fluence_j_cm2": fluence}, 90, 1, change_reason=why)


def test_the_operations_follow_the_clinic_settings(database, admin, technician, supervisor,
                                                   device, patient, logged_session):
    with database.write() as db:
        for name, value in (("change_limit_percent", 10), ("incident_due_hours", 4),
                            ("course_sessions", 3), ("course_interval_days", 28)):
            clinic_settings.change_setting(db, admin, name, value)

    logged_session(patient, session_entry(device, neck(20.0), days_ago=30,
                                          reactions=(ReactionInput("burn", 3),)))
    with pytest.raises(ValidationFailed, match="beyond the 10% limit"):
        # +12.5 %: within 20 %, beyond the clinic's 10 %
        logged_session(patient, session_entry(device, neck(22.5), days_ago=1))
    logged_session(patient, session_entry(device, neck(22.5, why="tolerated well"), days_ago=1))
    with database.read() as db:
        course = courses.courses_of(db, technician, patient.id)["neck"]
        incident = incidents.list_incidents(db, supervisor)[0]
    assert (course.planned_sessions, course.interval_days, course.done) == (3, 28, 2)
    assert incident.due_at - incident.session_started_at == timedelta(hours=4)  # the clinic's


def test_every_setting_defaults_as_its_spec_says(database):
    rules = clinic_settings.ClinicRules()
    assert {name: getattr(rules, name) for name in clinic_settings.SPECS} == {
        name: spec.default for name, spec in clinic_settings.SPECS.items()}
    assert (rules.consent_valid_months, rules.late_entry_hours, rules.allow_uncertified,
            rules.clinic_name, rules.photo_long_side, rules.before_photos_per_area,
            rules.before_photos_every_session) == (12, 24, 0, "", 2560, 0, 0)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("consent_valid_months", 0, "from 1 to 120 months"),
    ("consent_valid_months", 121, "from 1 to 120 months"),
    ("late_entry_hours", 721, "from 1 to 720 hours"),
    ("allow_uncertified", 2, "0 (no) or 1 (yes)"),
    ("late_entry_hours", "48", "from 1 to 720 hours"),  # a number setting takes no text
    ("incident_due_hours", None, "from 1 to 168 hours"),
    ("clinic_name", "x" * 201, "at most 200 characters"),
    ("clinic_phone", 5550100, "a text"),
    ("photo_long_side", 639, "from 640 to 8000 px"),
    ("before_photos_per_area", 7, "from 0 to 6 photos"),
    ("before_photos_every_session", 2, "0 (no) or 1 (yes)"),
])
def test_each_kind_of_setting_is_checked_as_its_kind(database, admin, name, value, message):
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        clinic_settings.change_setting(db, admin, name, value)
    assert message in refused.value.problems[name]
    with database.read() as db:
        assert clinic_settings.rules(db) == clinic_settings.ClinicRules()


def test_text_settings_are_stored_trimmed_audited_and_cleared(database, admin):
    from sqlalchemy import select

    from models.records.audit_events import AuditEvent
    from models.records.clinic_config import ClinicSetting

    with database.write() as db:
        clinic_settings.change_setting(db, admin, "clinic_name", "  Lumen Skin Clinic ")
        clinic_settings.change_setting(db, admin, "clinic_address", "1 High St, " + "x" * 189)
        clinic_settings.change_setting(db, admin, "clinic_phone", "555 0100")
        clinic_settings.change_setting(db, admin, "clinic_phone", " 555 0199 ")
        rules = clinic_settings.change_setting(db, admin, "late_entry_hours", 48)
    assert (rules.clinic_name, len(rules.clinic_address), rules.clinic_phone,
            rules.late_entry_hours) == ("Lumen Skin Clinic", 200, "555 0199", 48)
    with database.write() as db:
        rules = clinic_settings.change_setting(db, admin, "clinic_name", None)
        stored = db.get(ClinicSetting, "clinic_phone")
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "clinic.setting")
                            .order_by(AuditEvent.seq)).all()
    assert rules.clinic_name == "" and rules.clinic_phone == "555 0199"
    assert (stored.text_value, stored.value) == ("555 0199", 0)
    assert [(e.entity_id, e.old_values, e.new_values) for e in events[2:4]] == [
        ("clinic_phone", '{"clinic_phone":""}', '{"clinic_phone":"555 0100"}'),
        ("clinic_phone", '{"clinic_phone":"555 0100"}', '{"clinic_phone":"555 0199"}')]
    assert events[-1].new_values == '{"clinic_name":""}'


def test_the_consent_version_is_no_longer_a_setting(database, admin):
    """The consent form in force is a document patients sign on screen (consent_forms), not
    a name typed in the settings; one an older database kept is ignored."""
    from models.records.clinic_config import ClinicSetting

    with pytest.raises(ValidationFailed, match="No clinic setting 'consent_version'"), \
            database.write() as db:
        clinic_settings.change_setting(db, admin, "consent_version", "LL-consent v5")
    with database.write() as db:
        db.add(ClinicSetting(name="consent_version", value=0, text_value="LL-consent v4",
                             changed_by_id=admin.id))
    with database.read() as db:
        assert clinic_settings.rules(db) == clinic_settings.ClinicRules()


def test_the_photo_settings_are_whole_numbers_in_their_range(database, admin):
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "photo_long_side", 1600)
        clinic_settings.change_setting(db, admin, "before_photos_per_area", 2)
        rules = clinic_settings.change_setting(db, admin, "before_photos_every_session", 1)
    assert (rules.photo_long_side, rules.before_photos_per_area,
            rules.before_photos_every_session) == (1600, 2, 1)


def test_only_an_administrator_changes_a_text_setting(database, admin, technician, supervisor):
    from models.errors import NotAllowed

    for actor in (technician, supervisor):
        with pytest.raises(NotAllowed), database.write() as db:
            clinic_settings.change_setting(db, actor, "clinic_name", "Mine now")
    with database.write() as db:
        assert clinic_settings.change_setting(db, admin, "clinic_name", "Ours").clinic_name \
            == "Ours"
