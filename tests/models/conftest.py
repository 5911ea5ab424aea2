"""Fixtures the model tests share: registered devices and patients, drafts, signed sessions.

The factories take keyword arguments for the values a test relies on, e.g.
``register_device(kind="infrared")`` or ``register_patient(technician, identifier="C-1")``;
whatever is not given gets a plain default, with serials and identifiers kept unique.
"""

import itertools
from datetime import date, timedelta

import pytest

from models.access import accounts
from models.access.permissions import Action, may
from models.clinic import device_register, patients
from models.workflow import session_logging
from tests.entries import CONSENTED_AT, PASSWORD, sign_consent


@pytest.fixture
def register_device(database, admin):
    """Registers a device as the admin; returns its row."""
    serials = itertools.count(1)

    def register(*, make="Acme", model="Lumo", serial=None, kind="laser"):
        serial = serial or f"SN-{next(serials)}"
        with database.write() as db:
            return device_register.add_device(db, admin, make=make, model=model, serial=serial,
                                              kind=kind)
    return register


@pytest.fixture
def register_patient(database):
    """Registers a patient as the given actor; returns its row. With ``consented`` (when the
    actor logs sessions) the patient signed the consent form in force, witnessed by the
    actor, long enough ago for the tests' sessions set in the past."""
    identifiers = itertools.count(1)

    def register(actor, *, identifier=None, full_name="Pat Doe", date_of_birth=None,
                 fitzpatrick=3, consented=True):
        identifier = identifier or f"P-{next(identifiers)}"
        with database.write() as db:
            row = patients.add_patient(db, actor, identifier=identifier, full_name=full_name,
                                       date_of_birth=date_of_birth, fitzpatrick=fitzpatrick)
            if consented and may(actor, Action.LOG_SESSION):
                sign_consent(db, actor, row.id, signed_at=CONSENTED_AT)
            return row
    return register


@pytest.fixture
def register_technician(database, admin):
    """Adds another technician, certified for a year, with the tests' password."""

    def register(username, full_name):
        with database.write() as db:
            actor = accounts.create_user(db, username=username, full_name=full_name,
                                         role="technician", password=PASSWORD, created_by=admin)
            accounts.record_certification(db, admin, username, f"LT-{username}",
                                          date.today() + timedelta(days=365))
            return actor
    return register


@pytest.fixture
def device(register_device):
    """A laser in the device register."""
    return register_device()


@pytest.fixture
def patient(register_patient, technician):
    """A patient of skin type III, registered by the technician."""
    return register_patient(technician)


@pytest.fixture
def draft(database, technician, patient):
    """An empty draft session the technician started on the patient."""
    with database.write() as db:
        return session_logging.start_draft(db, technician, patient.id)


@pytest.fixture
def signature_of(database):
    """``signature_of(actor)``: the actor's signature, their password confirmed once a test."""
    confirmed = {}

    def sign(actor):
        if actor.id not in confirmed:
            with database.write() as db:
                confirmed[actor.id] = accounts.confirm_signature(db, actor, PASSWORD)
        return confirmed[actor.id]
    return sign


@pytest.fixture
def logged_session(database, technician, signature_of):
    """Starts (or takes up the open draft) and signs a session in one transaction:
    ``logged_session(patient, entry)``, by the technician unless ``by`` names another actor.
    Returns the completed session; a refusal leaves nothing behind, not even the draft."""

    def log(patient, entry, *, by=None):
        actor = by or technician
        signature = signature_of(actor)
        with database.write() as db:
            started = session_logging.start_draft(db, actor, patient.id, entry)
            return session_logging.complete_session(db, actor, started.summary.id, entry,
                                                    signature)
    return log
