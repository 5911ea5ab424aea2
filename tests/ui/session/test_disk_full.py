"""A full disk under the database: the form keeps what is typed, says it is not saved yet
and why, and saves it once there is room again; nothing acknowledged is lost."""

import subprocess

import pytest

from models.reading import history
from models.storage import schema
from models.storage.database import open_database
from models.storage.preferences import Settings
from tests.ui.conftest import RecordedMessages, clinic_with_a_draft, resume_offered_draft
from ui.shell.main_window import MainWindow


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=900k", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine cannot mount a small tmpfs (needs root)")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_the_form_keeps_typing_through_a_full_disk(qtbot, small_disk):
    database = open_database(f"sqlite:///{small_disk / 'laserlog.db'}")
    schema.upgrade(database)
    tech, draft = clinic_with_a_draft(database)
    window = MainWindow(database, tech, Settings(room="R", autosave_seconds=0.2),
                        RecordedMessages())
    qtbot.addWidget(window)
    window.show()
    form = window.form
    resume_offered_draft(qtbot, window)
    qtbot.waitUntil(lambda: form.draft_id == draft.summary.id, timeout=10_000)

    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # another program fills the disk
        try:
            while True:
                handle.write(b"x" * 4096)
                handle.flush()
        except OSError:
            pass
    typed = "Typed while the disk was full. " * 40
    qtbot.keyClicks(form.notes, typed)
    qtbot.waitUntil(lambda: "Not saved yet" in form.status.text(), timeout=15_000)
    assert "is full" in form.status.text() and "stays on screen" in form.status.text()
    assert form.notes.toPlainText() == typed

    filler.unlink()  # room again: the retry saves it
    qtbot.waitUntil(lambda: "Draft saved" in form.status.text(), timeout=15_000)
    assert form.general_error.text() == ""  # no "conflict" with its own refused save
    with database.read() as db:
        assert history.load_session(db, draft.summary.id).notes == typed
    window.close()
    database.dispose()
