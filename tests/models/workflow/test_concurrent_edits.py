"""Two workstations on one database: the second save of the same session does not silently
overwrite the first; a server that goes away loses nothing and half-writes nothing."""

import pytest
from sqlalchemy import func, select

from models.admin.integrity import verify
from models.clinic import patients
from models.errors import Conflict, ServerUnreachable
from models.reading import history
from models.records.audit_events import AuditEvent
from models.storage.database import open_database
from models.values.session_input import SessionInput
from models.workflow import session_logging
from tests.postgres_cluster import Cluster


def test_the_second_pc_to_save_gets_a_conflict_naming_the_first(database, database_url,
                                                                technician, draft):
    room_1, room_2 = database, open_database(database_url)  # two connections, two PCs
    try:
        seen = draft.version
        with room_2.write() as db:
            session_logging.update_draft(db, technician, draft.summary.id,
                                         SessionInput(notes="written in room 2"), seen)
        expected = r"Tess Tech saved this session on another PC at \d\d:\d\d:\d\d " \
            r"\(changed: notes\)"
        with pytest.raises(Conflict, match=expected) as conflict, room_1.write() as db:
            session_logging.update_draft(db, technician, draft.summary.id,
                                         SessionInput(notes="written in room 1"), seen)
        with room_1.read() as db:
            assert history.load_session(db, draft.summary.id).notes == "written in room 2"
        with room_1.write() as db:  # having seen it, room 1 saves over it on purpose
            session_logging.update_draft(db, technician, draft.summary.id,
                                         SessionInput(notes="written in room 1"),
                                         conflict.value.version)
        with room_2.read() as db:
            assert history.load_session(db, draft.summary.id).notes == "written in room 1"
    finally:
        room_2.dispose()


@pytest.fixture
def own_server():
    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.stop()


def test_a_server_gone_mid_edit_loses_nothing_and_saves_once_back(own_server, tmp_path):
    from models.access import accounts
    from models.storage import schema

    url = own_server.admin_url
    database, _ = schema.open_current(url)
    try:
        with database.write() as db:
            admin = accounts.create_user(db, username="admin", full_name="Ada", role="admin",
                                         password="long enough", created_by=None)
            tech = accounts.create_user(db, username="tess", full_name="Tess Tech",
                                        role="technician", password="long enough",
                                        created_by=admin)
            patient = patients.add_patient(db, tech, identifier="G-1", full_name="Gus",
                                           date_of_birth=None, fitzpatrick=2)
            draft = session_logging.start_draft(db, tech, patient.id)
        with database.read() as db:
            events = db.scalar(select(func.count()).select_from(AuditEvent))

        own_server.halt()
        gone = "cannot be reached; nothing of this change was saved"
        with pytest.raises(ServerUnreachable, match=gone), database.write() as db:
            session_logging.update_draft(db, tech, draft.summary.id,
                                         SessionInput(notes="typed while it was down"),
                                         draft.version)
        own_server.resume()

        with database.write() as db:
            saved = session_logging.update_draft(db, tech, draft.summary.id,
                                                 SessionInput(notes="typed while it was down"),
                                                 draft.version)
        assert saved.notes == "typed while it was down"
        with database.read() as db:
            assert db.scalar(select(func.count()).select_from(AuditEvent)) == events + 1
        assert verify(database).ok
    finally:
        database.dispose()
