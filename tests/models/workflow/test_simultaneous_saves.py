"""Two PCs saving the same draft at the same instant: the one that commits second gets the
same conflict, naming who saved and when, as when the saves are seconds apart."""

import threading

import pytest

from models.clinic import patients
from models.errors import Conflict
from models.reading import history
from models.storage.database import open_database
from models.values.session_input import SessionInput
from models.workflow import session_logging


def test_the_slower_of_two_simultaneous_saves_gets_a_named_conflict(database, database_url,
                                                                     technician):
    if database.is_sqlite:
        pytest.skip("SQLite writers queue for the write lock from BEGIN IMMEDIATE")
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="S-1", full_name="Sim",
                                       date_of_birth=None, fitzpatrick=2)
        draft = session_logging.start_draft(db, technician, patient.id)
    room_2 = open_database(database_url)
    first_flushed, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def room_1_saves() -> None:
        with database.write() as db:
            session_logging.update_draft(db, technician, draft.summary.id,
                                         SessionInput(notes="room 1"), draft.version)
            first_flushed.set()
            let_first_commit.wait(10)

    def room_2_saves() -> None:
        try:
            with room_2.write() as db:
                session_logging.update_draft(db, technician, draft.summary.id,
                                             SessionInput(notes="room 2"), draft.version)
        except Exception as error:
            outcome["error"] = error

    first = threading.Thread(target=room_1_saves)
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(target=room_2_saves)  # read the same version, before the commit
    second.start()
    second.join(1.0)
    assert second.is_alive()  # waiting for room 1's row lock, not past it
    let_first_commit.set()
    first.join(10)
    second.join(10)
    room_2.dispose()
    error = outcome.get("error")
    assert isinstance(error, Conflict), repr(error)
    assert "Tess Tech saved this session on another PC at" in str(error)
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).notes == "room 1"
