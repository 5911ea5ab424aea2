"""The consent a patient has on file: the latest one they signed on screen and that was not
voided, valid for the clinic's consent months from the day it was signed; and signing one:
what is refused, what is kept, and that the database keeps it unchanged."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import exc, select, text

from models.access.permissions import Refused
from models.admin.integrity import verify
from models.clinic import clinic_settings, consent_forms, patients
from models.errors import ValidationFailed
from models.records.audit_events import AuditEvent
from models.records.consents import SignedConsent
from models.records.people import Patient
from models.values.screening import CONSENT_MISSING
from models.values.session_input import AreaInput
from tests.entries import PASSWORD, RENDERING, SCREENED, STROKES, sign_consent
from tests.models.helpers import TODAY, guards_off, session_entry

NECK = AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)
LOREM = "I understand the treatment, its risks and its aftercare, and I agree to it. " * 2


@pytest.fixture
def patient(register_patient, technician):
    """A patient who has not signed any consent yet."""
    return register_patient(technician, consented=False)


def signed(database, technician, patient, days_ago=0):
    """The patient signs the form in force ``days_ago`` days back; returns the consent."""
    with database.write() as db:
        return sign_consent(db, technician, patient.id,
                            signed_at=datetime.now(UTC) - timedelta(days=days_ago))


def on_file(database, patient, on=TODAY):
    with database.read() as db:
        return consent_forms.consent_on_file(db, patient.id, on)


def signed_on(consent):
    """The clinic's local day a consent was signed, as ``consent_on_file`` counts it."""
    return consent.signed_at.astimezone().date()


def kept(database, consent_id) -> SignedConsent:
    with database.read() as db:
        return db.get(SignedConsent, consent_id)


# --- on file ---------------------------------------------------------------------------------


def test_a_patient_who_never_signed_has_no_consent_on_file(database, patient):
    assert on_file(database, patient) is None


def test_the_latest_signed_consent_is_on_file(database, technician, patient):
    older = signed(database, technician, patient, days_ago=200)
    newer = signed(database, technician, patient, days_ago=20)
    assert older.consent_id != newer.consent_id
    found = on_file(database, patient)
    day = signed_on(kept(database, newer.consent_id))
    assert found == newer
    assert (found.version, found.signed_on, found.in_force, found.why_not) == (
        "LST-1", day, True, "")
    assert found.valid_until == patients.months_after(day, 12)
    assert (found.consent_id, found.signer_name) == (newer.consent_id, "Pat Doe")
    assert on_file(database, patient, found.valid_until).in_force  # its last valid day


def test_a_voided_consent_is_not_on_file(database, technician, patient):
    older = signed(database, technician, patient, days_ago=30)
    newer = signed(database, technician, patient, days_ago=10)

    def void(consent):  # the database lets a consent be voided, and nothing else
        with database.write() as db:
            row = db.get(SignedConsent, consent.consent_id)
            row.voided_at, row.voided_by_id, row.void_reason = (
                datetime.now(UTC), technician.id, "signed for the wrong patient")

    void(newer)
    assert on_file(database, patient).consent_id == older.consent_id
    void(older)
    assert on_file(database, patient) is None


def test_a_consent_expires_after_the_clinics_consent_months(database, admin, technician,
                                                           patient):
    consent = signed(database, technician, patient, days_ago=400)
    day = signed_on(kept(database, consent.consent_id))
    expired = on_file(database, patient)
    assert expired.valid_until == patients.months_after(day, 12)
    assert (expired.in_force, expired.why_not) == (
        False, f"expired on {expired.valid_until:%Y-%m-%d}")
    the_day_after = expired.valid_until + timedelta(days=1)
    assert not on_file(database, patient, the_day_after).in_force
    assert on_file(database, patient, expired.valid_until).in_force
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "consent_valid_months", 14)
    longer = on_file(database, patient)
    assert longer.valid_until == patients.months_after(day, 14)
    assert (longer.in_force, longer.why_not) == (True, "")


def test_a_consent_signed_after_the_sessions_day_is_not_in_force_on_it(database, technician,
                                                                       patient):
    consent = signed(database, technician, patient)
    day = signed_on(kept(database, consent.consent_id))
    earlier = on_file(database, patient, day - timedelta(days=1))
    assert (earlier.in_force, earlier.why_not) == (
        False, f"signed after this session's day ({day:%Y-%m-%d})")
    assert on_file(database, patient, day).in_force


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)),
    (date(2025, 3, 1), 120, date(2035, 3, 1)),
])
def test_months_after_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert patients.months_after(day, months) == expected


# --- completing a session needs one ----------------------------------------------------------


def test_a_session_is_signed_under_the_consent_on_file_whatever_the_form_typed(
        database, technician, device, patient, logged_session):
    typed = replace(SCREENED, consent_version="forged", consent_signed_on=TODAY, consent_id=None)
    entry = session_entry(device, NECK, days_ago=2, screening=typed)
    with pytest.raises(ValidationFailed) as refused:
        logged_session(patient, entry)
    assert refused.value.problems == {"screening.consent": CONSENT_MISSING}

    consent = signed(database, technician, patient, days_ago=1)  # after the session's day
    with pytest.raises(ValidationFailed) as refused:
        logged_session(patient, entry)
    assert list(refused.value.problems) == ["screening.consent"]
    assert "signed after this session's day" in refused.value.problems["screening.consent"]

    done = logged_session(patient, session_entry(device, NECK, screening=typed))
    assert (done.screening.consent_id, done.screening.consent_version,
            done.screening.consent_signed_on) == (
        consent.consent_id, "LST-1", consent.signed_on)


def test_a_consent_signed_again_later_does_not_hide_the_one_in_force_on_the_day(
        database, technician, device, patient, logged_session):
    earlier = signed(database, technician, patient, days_ago=5)
    signed(database, technician, patient, days_ago=1)
    done = logged_session(patient, session_entry(device, NECK, days_ago=2))
    assert done.screening.consent_id == earlier.consent_id


def test_a_session_after_the_consent_expired_is_refused(database, technician, device,
                                                        patient, logged_session):
    signed(database, technician, patient, days_ago=400)
    with pytest.raises(ValidationFailed) as refused:
        logged_session(patient, session_entry(device, NECK, days_ago=0))
    assert refused.value.problems["screening.consent"].startswith(
        "The patient's consent expired on ")
    assert logged_session(patient, session_entry(device, NECK, days_ago=100)).screening \
        .consent_id is not None  # still valid on a day it covered


# --- signing ---------------------------------------------------------------------------------


def sign(database, technician, patient, *, witness=None, document_id=None, name="Pat Doe",
         strokes=STROKES, rendering=RENDERING):
    """``consent_forms.sign_consent`` with one thing changed; the witness's own password."""
    from models.access import accounts

    with database.write() as db:
        document_id = document_id or consent_forms.in_force(db).id
        signature = accounts.confirm_signature(db, witness or technician, PASSWORD)
        return consent_forms.sign_consent(db, technician, patient.id, document_id, name,
                                          strokes, rendering, signature)


def consents(database):
    with database.read() as db:
        return db.execute(text("SELECT count(*) FROM signed_consents")).scalar()


@pytest.mark.parametrize("strokes", [
    [],
    [[]],
    [[(0.1, 0.1), (0.2, 0.2), (0.3, 0.3)], [(0.5, 0.5), (0.6, 0.6)]],  # a click or two
    [[(0.1, 0.1), (0.2, 0.2), (0.3, 0.3), (0.4, 0.4), (0.5, 1.5), (0.6, 0.6), (0.7, 0.7),
      (0.8, 0.8)]],  # outside the box
])
def test_no_signature_or_too_little_of_one_is_refused(database, technician, patient, strokes):
    with pytest.raises(ValidationFailed) as refused:
        sign(database, technician, patient, strokes=strokes)
    assert list(refused.value.problems) == ["strokes"]
    assert consents(database) == 0


def test_a_rendering_that_is_not_a_png_is_refused(database, technician, patient):
    with pytest.raises(ValidationFailed) as refused:
        sign(database, technician, patient, rendering=b"GIF89a" + b"\x00" * 64)
    assert list(refused.value.problems) == ["strokes"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_the_signers_name_is_required(database, technician, patient, name):
    with pytest.raises(ValidationFailed) as refused:
        sign(database, technician, patient, name=name)
    assert list(refused.value.problems) == ["signer_name"]
    assert consents(database) == 0


def test_the_witness_confirms_with_their_own_password(database, technician, patient,
                                                      register_technician):
    other = register_technician("otto", "Otto Other")
    with pytest.raises(Refused, match="technician's own password"):
        sign(database, technician, patient, witness=other)
    assert consents(database) == 0
    with database.read() as db:
        refusal = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (refusal.action, json.loads(refusal.new_values)) == (
        "refused", {"action": "witness_consent"})


def test_only_someone_who_logs_sessions_witnesses_a_consent(database, admin, supervisor,
                                                            patient):
    for actor in (admin, supervisor):
        with pytest.raises(Refused):
            sign(database, actor, patient, witness=actor)
    assert consents(database) == 0


def test_only_the_form_in_force_is_signed(database, admin, technician, patient):
    with database.read() as db:
        first = consent_forms.in_force(db)
    assert first.version == "LST-1"
    with database.write() as db:
        second = consent_forms.add_version(db, admin, "LST-2", "Consent, revised", LOREM)
    with pytest.raises(ValidationFailed) as refused:
        sign(database, technician, patient, document_id=first.id)
    assert list(refused.value.problems) == ["document"]
    assert sign(database, technician, patient, document_id=second.id).version == "LST-2"
    with database.write() as db:
        consent_forms.retire_version(db, admin, second.id, "withdrawn by the clinic")
        assert consent_forms.in_force(db).version == "LST-1"  # the one left in force again
    with pytest.raises(ValidationFailed) as refused:
        sign(database, technician, patient, document_id=second.id)
    assert list(refused.value.problems) == ["document"]
    assert on_file(database, patient).version == "LST-2"  # what was signed stays valid


def test_a_signed_consent_is_kept_with_its_digest_and_audited(database, technician,
                                                              patient):
    consent = sign(database, technician, patient, name="  Pat   Doe ")
    row = kept(database, consent.consent_id)
    with database.read() as db:
        document = consent_forms.in_force(db)
        patient_uuid = db.get(Patient, patient.id).uuid
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "consent.sign")
                           ).one()
    assert (row.signer_name, row.witness_id, row.rendering) == (
        "Pat Doe", technician.id, RENDERING)
    assert json.loads(row.strokes) == [[list(point) for point in stroke] for stroke in STROKES]
    assert row.sha256 == consent_forms.consent_digest(
        patient_uuid=str(patient_uuid),
        version=document.version, body=document.body, signer_name="Pat Doe",
        signed_at=row.signed_at, witness_id=technician.id, strokes=row.strokes,
        rendering=RENDERING)
    assert json.loads(event.new_values) == {
        "consent": str(row.uuid), "version": "LST-1", "signer": "Pat Doe",
        "sha256": row.sha256}
    assert event.entity == "patient" and event.actor_id == technician.id
    result = verify(database)
    assert result.ok and result.first_broken_seq is None, result.problems
    with database.read() as db:
        assert list(consent_forms.changed_consents(db)) == []


# --- the database keeps them -----------------------------------------------------------------


@pytest.mark.parametrize("statement", [
    "UPDATE signed_consents SET strokes = '[]'",
    "UPDATE signed_consents SET signer_name = 'Someone Else'",
    "UPDATE signed_consents SET voided_at = CURRENT_TIMESTAMP, strokes = '[]'",
    "DELETE FROM signed_consents",
])
def test_a_signed_consent_is_never_changed_or_deleted(database, technician, patient,
                                                      statement):
    consent = signed(database, technician, patient)
    before = kept(database, consent.consent_id)
    with (pytest.raises(exc.DBAPIError, match="LaserLog keeps clinical records"),
          database.write() as db):
        db.execute(text(statement))
    after = kept(database, consent.consent_id)
    assert (after.strokes, after.signer_name, after.voided_at) == (
        before.strokes, before.signer_name, None)


def test_truncating_signed_consents_is_refused_on_postgresql(database, technician, patient):
    if database.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    signed(database, technician, patient)
    with (pytest.raises(exc.DBAPIError, match="LaserLog keeps clinical records"),
          database.write() as db):
        db.execute(text("TRUNCATE signed_consents CASCADE"))
    assert consents(database) == 1


def test_a_consent_changed_behind_laserlogs_back_is_named(database, technician, patient):
    untouched = signed(database, technician, patient, days_ago=40)
    changed = signed(database, technician, patient, days_ago=20)
    with guards_off(database, "signed_consents") as conn:
        conn.execute(text("UPDATE signed_consents SET signer_name = 'Someone Else' "
                          "WHERE id = :id"), {"id": changed.consent_id})
    row = kept(database, changed.consent_id)
    expected = (f"The consent signed by Someone Else on "
                f"{row.signed_at.astimezone():%Y-%m-%d %H:%M} was changed after signing")
    with database.read() as db:
        assert list(consent_forms.changed_consents(db)) == [expected]
    assert expected in verify(database).problems
    assert untouched.consent_id != changed.consent_id


def test_the_consent_is_read_through_the_patients_index(database, patient):
    if not database.is_sqlite:
        pytest.skip("the plan is checked on SQLite")
    with database.read() as db:
        plan = _plan(db, patient.id)
    assert "ix_signed_consents_patient_signed" in plan, plan


def _plan(db, patient_id) -> str:
    """SQLite's plan of the query ``consent_on_file`` runs."""
    from sqlalchemy import event

    statements = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if "FROM signed_consents" in statement:
            statements.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", catch)
    try:
        consent_forms.consent_on_file(db, patient_id, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    statement, parameters = statements[0]
    rows = db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return " ".join(str(row[-1]) for row in rows)


def test_the_only_version_in_force_cannot_be_retired(database, admin):
    with database.read() as db:
        only = consent_forms.in_force(db)
    with pytest.raises(ValidationFailed, match="only one in force"), database.write() as db:
        consent_forms.retire_version(db, admin, only.id, "replaced")
    with database.write() as db:
        consent_forms.add_version(db, admin, "LST-2", "Consent", "I agree. " * 10)
        consent_forms.retire_version(db, admin, only.id, "replaced by LST-2")
    with database.read() as db:
        assert consent_forms.in_force(db).version == "LST-2"


# --- in the patient's language -----------------------------------------------------------------


def test_the_patient_signs_the_version_in_their_language(database, technician, admin, patient):
    """Each language's newest version is in force for patients reading it; the default form
    comes in English and German; a language the clinic keeps no version in has none (never
    another language's, signed unawares)."""
    with database.read() as db:
        english, german = consent_forms.in_force(db, "en"), consent_forms.in_force(db, "de")
        assert consent_forms.in_force(db) == english  # the screen's language
        assert consent_forms.in_force(db, "fr") is None
    assert (english.version, english.language) == ("LST-1", "en")
    assert (german.version, german.language) == ("LST-1-de", "de")
    assert german.title == "Einwilligung in eine Laser-Hautstraffung"
    assert "Ich willige" in german.body
    on_file = sign(database, technician, patient, document_id=german.id)
    assert on_file.version == "LST-1-de"
    with database.write() as db:  # a newer English version leaves the German one in force
        consent_forms.add_version(db, admin, "LST-2", "Consent", LOREM)
    sign(database, technician, patient, document_id=german.id)
    with pytest.raises(ValidationFailed, match="no longer in force"):
        sign(database, technician, patient, document_id=english.id)


def test_the_last_version_of_a_language_cannot_be_retired(database, admin):
    with database.read() as db:
        german = consent_forms.in_force(db, "de")
    with pytest.raises(ValidationFailed, match="only one in force in Deutsch"), \
            database.write() as db:
        consent_forms.retire_version(db, admin, german.id, "replaced")


def test_a_version_is_only_kept_in_a_language_laserlog_has(database, admin):
    with pytest.raises(ValidationFailed, match="languages LaserLog has"), database.write() as db:
        consent_forms.add_version(db, admin, "LST-2-xx", "Consent", LOREM, language="xx")


def test_a_signed_consent_prints_in_the_language_it_was_signed_in(database, technician,
                                                                  supervisor, patient):
    from models import language

    with database.read() as db:
        german = consent_forms.in_force(db, "de")
    on_file = sign(database, technician, patient, document_id=german.id)
    with database.read() as db:
        consent = consent_forms.signed_consent(db, supervisor, on_file.consent_id)
    lines = consent_forms.printout(consent, "Pat Doe (P-1)")
    assert language.current().language == "en"  # the screen speaks English
    assert lines.version == "Version LST-1-de; Patient Pat Doe (P-1)"
    assert lines.signed.startswith("Unterschrieben von Pat Doe am ")
    assert lines.voided == ""


def test_a_versions_language_is_never_changed_in_the_database(database):
    """Telling the German version to be English would put it before English readers."""
    with (pytest.raises(exc.DBAPIError, match="LaserLog keeps clinical records"),
          database.write() as db):
        db.execute(text("UPDATE consent_documents SET language = 'en' "
                        "WHERE version = 'LST-1-de'"))
