"""The database server stops mid-edit: the form says so, keeps everything typed, and saves
it once the server is back. Two forms on two connections do not overwrite each other."""

from models.reading import history
from models.storage import schema
from models.storage.database import open_database
from models.storage.preferences import Settings
from models.values.session_input import SessionInput
from models.workflow import session_logging
from tests.models.workflow.test_concurrent_edits import own_server  # noqa: F401  (a fixture)
from tests.ui.conftest import RecordedMessages, clinic_with_a_draft, resume_offered_draft
from ui.shell.main_window import MainWindow


def test_the_form_keeps_typing_through_a_server_outage(qtbot, own_server):  # noqa: F811
    database, _ = schema.open_current(own_server.admin_url)
    tech, draft = clinic_with_a_draft(database)
    messages = RecordedMessages()
    window = MainWindow(database, tech, Settings(room="R", autosave_seconds=0.2), messages)
    qtbot.addWidget(window)
    window.show()
    form = window.form
    resume_offered_draft(qtbot, window)
    qtbot.waitUntil(lambda: form.draft_id == draft.summary.id, timeout=10_000)  # recovered

    own_server.halt()
    qtbot.keyClicks(form.notes, "Typed while the server was down")
    qtbot.waitUntil(lambda: "cannot be reached" in form.status.text(), timeout=15_000)
    assert form.notes.toPlainText() == "Typed while the server was down"
    own_server.resume()
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=30_000)
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).notes == \
            "Typed while the server was down"
    window.close()
    database.dispose()


def test_a_form_whose_draft_was_saved_elsewhere_shows_the_conflict_and_keeps_its_input(
        qtbot, window, database, technician, database_url):
    from tests.ui.session.test_session_form import register_patient

    form = window.form
    register_patient(qtbot, form, identifier="W-1", name="Wen Wu")
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    other_pc = open_database(database_url)
    try:
        with other_pc.write() as db:
            detail = history.load_session(db, form.draft_id)
            session_logging.update_draft(db, technician, form.draft_id,
                                         SessionInput(notes="From the other room"),
                                         detail.version)
    finally:
        other_pc.dispose()
    qtbot.keyClicks(form.notes, "From this room")
    qtbot.waitUntil(lambda: "saved this session on another PC" in
                    form.general_error.text(), timeout=10_000)
    assert "changed: notes" in form.general_error.text()
    assert form.notes.toPlainText() == "From this room"
    with database.read() as db:
        assert history.load_session(db, form.draft_id).notes == "From the other room"
    qtbot.keyClicks(form.notes, ".")  # seen: the next save is this room's
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=10_000)
    with database.read() as db:
        assert history.load_session(db, form.draft_id).notes == "From this room."
