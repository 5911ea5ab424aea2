"""Screening, checklist, carried-forward settings and certification: what stops a session
being signed, with nothing signed and everything typed kept."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from models.access import accounts
from models.clinic import consent_forms
from models.clinic.clinic_settings import ClinicRules
from models.errors import NotAllowed, ValidationFailed
from models.reading import history
from models.records.treatment import Screening
from models.review import supervision
from models.values.screening import (
    CONSENT_MISSING,
    ChecklistItem,
    Contraindication,
    problems_for_treatment,
)
from models.values.session_input import AreaInput, problems_in
from models.workflow import aftercare, carried_forward, session_logging
from tests.entries import SCREENED
from tests.models.helpers import session_entry

TODAY = date(2026, 11, 22)
#: A screening as the core completes it: the consent signed on screen filled in.
CONSENTED = replace(SCREENED, consent_id=1)


def test_a_complete_screening_has_nothing_against_it():
    assert problems_for_treatment(CONSENTED, TODAY) == {}


def test_pregnancy_is_a_hard_stop_that_no_reason_lifts():
    screening = replace(CONSENTED, found=frozenset({Contraindication.PREGNANCY}),
                        reasons={Contraindication.PREGNANCY: "Patient insists"})
    problems = problems_for_treatment(screening, TODAY)
    assert list(problems) == ["screening.pregnancy"]
    assert problems["screening.pregnancy"].startswith("Do not treat")


@pytest.mark.parametrize("code", sorted(set(Contraindication) - {Contraindication.PREGNANCY}))
def test_each_warning_needs_a_reason_and_then_treatment_may_go_ahead(code):
    found = replace(CONSENTED, found=frozenset({code}), reasons={code: "   "})
    assert set(problems_for_treatment(found, TODAY)) == {f"screening.{code}"}
    reasoned = replace(found, reasons={code: "Cleared by the patient's GP"})
    assert problems_for_treatment(reasoned, TODAY) == {}


def test_consent_in_the_future_and_an_open_checklist_are_named():
    screening = replace(CONSENTED, consent_signed_on=TODAY + timedelta(days=1),
                        checklist=SCREENED.checklist - {ChecklistItem.PATIENT_EYEWEAR})
    problems = problems_for_treatment(screening, TODAY)
    assert "in the future" in problems["screening.consent_signed_on"]
    assert problems["screening.checklist"].endswith("Eyewear on the patient")
    empty = problems_for_treatment(replace(CONSENTED, fitzpatrick=None, consent_version=" ",
                                           consent_signed_on=None), TODAY)
    assert empty == {"screening.fitzpatrick": "Choose the patient's Fitzpatrick skin type",
                     "screening.consent": CONSENT_MISSING}


def test_a_consent_typed_but_not_signed_on_screen_is_missing():
    """A version and date typed on the form are not a consent: only one signed on screen
    (its id filled in by the core) is."""
    assert problems_for_treatment(SCREENED, TODAY) == {"screening.consent": CONSENT_MISSING}
    assert problems_for_treatment(replace(CONSENTED, consent_signed_on=None), TODAY) == {
        "screening.consent": CONSENT_MISSING}


def cheeks(fluence, **changes):
    return AreaInput("cheeks", {"fluence_j_cm2": fluence, "wavelength_nm": 1064.0}, 90, 1,
                     **changes)


@pytest.fixture
def patient(register_patient, technician):
    return register_patient(technician, fitzpatrick=4)


def test_the_screening_is_stored_with_the_session_and_read_back(database, device, patient,
                                                                logged_session):
    screening = replace(SCREENED, found=frozenset({Contraindication.HERPES}),
                        reasons={Contraindication.HERPES: "Antiviral cover started"})
    done = logged_session(patient, session_entry(device, cheeks(20.0), days_ago=1,
                                                 screening=screening))
    with database.read() as db:  # the consent is the one signed on screen, not the typed one
        consent = consent_forms.consent_on_file(db, patient.id, date.today())
    stored = replace(screening, consent_id=consent.consent_id, consent_version=consent.version,
                     consent_signed_on=consent.signed_on)
    assert done.screening == stored
    assert history.entry_of(done).screening == stored


def test_a_hard_stop_refuses_completion_and_keeps_the_draft(database, technician, device,
                                                            patient, signature_of):
    signature = signature_of(technician)
    entry = session_entry(device, cheeks(20.0), days_ago=0, screening=replace(
        SCREENED, found=frozenset({Contraindication.PREGNANCY})))
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, entry)
    with pytest.raises(ValidationFailed, match="Do not treat"), database.write() as db:
        session_logging.complete_session(db, technician, draft.summary.id, entry, signature)
    with database.read() as db:
        kept = history.load_session(db, draft.summary.id)
    assert kept.summary.status == "draft"
    assert kept.screening.found == {Contraindication.PREGNANCY}


def test_a_consent_typed_in_the_future_is_kept_out_of_the_draft_until_corrected(
        database, technician, device, patient):
    entry = session_entry(device, cheeks(20.0), days_ago=0, screening=replace(
        SCREENED, consent_signed_on=date.today() + timedelta(days=3)))
    assert "screening.consent_signed_on" in problems_in(entry)
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, entry)
    assert draft.screening.consent_signed_on is None
    assert draft.screening.consent_version == SCREENED.consent_version


def test_settings_start_from_the_last_session_and_a_big_change_needs_a_reason(
        database, device, patient, logged_session):
    logged_session(patient, session_entry(device, cheeks(20.0), days_ago=42))
    logged_session(patient, session_entry(device, cheeks(22.0), days_ago=21))  # +10 %: no reason
    with database.read() as db:
        last = carried_forward.last_settings(db, patient.id, device.id)
    assert last["cheeks"].settings["fluence_j_cm2"] == 22.0
    assert last["cheeks"].settings["wavelength_nm"] == 1064.0

    with pytest.raises(ValidationFailed) as refused:  # +25 % on 22
        logged_session(patient, session_entry(device, cheeks(27.5), days_ago=0))
    assert refused.value.problems == {"areas.cheeks.change_reason": (
        f"Cheeks: Fluence up 25% from 22 J/cm² on "
        f"{datetime.now(UTC) - timedelta(days=21):%Y-%m-%d}, beyond the 20% limit. "
        "Give the reason for the change")}
    done = logged_session(patient, session_entry(
        device, cheeks(27.5, change_reason="Good tolerance at 22"), days_ago=0))
    assert done.areas[0].change_reason == "Good tolerance at 22"


def test_an_expired_certification_stops_completing_until_renewed(
        database, admin, technician, device, patient, logged_session):
    with database.write() as db:
        accounts.record_certification(db, admin, "tess", "LT-1", date.today() + timedelta(1))
    logged_session(patient, session_entry(device, cheeks(20.0), days_ago=3))
    with database.write() as db:  # lapsed, as the calendar moves on
        db.get(accounts.User, technician.id).certification_expires = date.today() - timedelta(1)
    entry = session_entry(device, cheeks(20.0), days_ago=0)
    with pytest.raises(ValidationFailed, match="certification expired"):
        logged_session(patient, entry)
    with pytest.raises(ValidationFailed, match="expired on"), database.write() as db:
        accounts.record_certification(db, admin, "tess", "LT-1", date.today() - timedelta(2))
    with database.write() as db:
        accounts.record_certification(db, admin, "tess", "LT-2", date.today() + timedelta(365))
    assert logged_session(patient, entry).summary.status == "completed"


def test_an_amendment_keeps_the_screening_it_replaces(database, technician, supervisor,
                                                      device, patient, logged_session,
                                                      signature_of):
    done = logged_session(patient, session_entry(device, cheeks(20.0), days_ago=1))
    changed = replace(history.entry_of(done), screening=replace(
        done.screening, found=frozenset({Contraindication.SUN_EXPOSURE}),
        reasons={Contraindication.SUN_EXPOSURE: "Tan noted late"}))
    with database.write() as db:
        amended = supervision.amend_session(db, supervisor, done.summary.id, changed,
                                            "tan not recorded at the time",
                                            signature=signature_of(supervisor))
        rows = db.query(Screening).filter_by(session_id=done.summary.id).all()
    assert amended.screening.found == {Contraindication.SUN_EXPOSURE}
    assert sorted((r.superseded_in is None, r.found) for r in rows) == [
        (False, "[]"), (True, '["sun_exposure"]')]
    assert amended.amendments[0].old["screening"]["found"] == []


def test_the_aftercare_sheet_is_recorded_as_given_by_the_technician(
        database, technician, supervisor, device, patient, logged_session):
    done = logged_session(patient, session_entry(device, cheeks(20.0), days_ago=0))
    clinic = ClinicRules(clinic_name="Lumen Skin", clinic_address="1 High St",
                         clinic_phone="555 0100")
    sheet = aftercare.sheet_for(done.patient.full_name, [a.area for a in done.areas], clinic,
                                date(2026, 3, 4))
    assert sheet.areas == ("Cheeks",)
    assert (sheet.clinic_name, sheet.clinic_address, sheet.clinic_phone, sheet.given_on) == (
        "Lumen Skin", "1 High St", "555 0100", date(2026, 3, 4))
    assert any("at least two weeks" in text for _title, text in sheet.sections)
    assert [title for title, _ in sheet.sections][-1] == "Face"
    with pytest.raises(NotAllowed), database.write() as db:
        aftercare.record_given(db, supervisor, done.summary.id)
    with database.write() as db:
        given = aftercare.record_given(db, technician, done.summary.id, done.version)
    assert given.aftercare_given_at is not None and given.summary.status == "completed"
