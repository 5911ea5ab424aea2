"""Backup, restore and verify on the administrator's screen: run off the GUI thread with a
progress bar and Cancel; a restore asks for the password and the file in one round, then
checks the backup and asks, with what each database holds, before anything is replaced,
and LaserLog closes after it."""

import threading

import pytest
from sqlalchemy import func, select, text

from models.admin.backup import backup
from models.clinic import patients as patients_module
from models.records.people import Patient
from tests.conftest import ADMIN_PASSWORD
from tests.ui.admin.conftest import click, open_section, press_return, shown_dialog, type_into
from tests.ui.conftest import RecordedMessages
from ui.admin import backups_panel
from ui.admin.admin_view import AdminView
from ui.services.tasks import TaskRunner


@pytest.fixture
def screen(qtbot, database, admin):
    """The administrator's screen on its own, its messages recorded."""
    messages = RecordedMessages()
    errors: list[Exception] = []
    tasks = TaskRunner(database, errors.append)
    view = AdminView(tasks, admin, messages=messages)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitExposed(view)
    view.messages = messages
    yield view
    tasks.shutdown()
    assert errors == []


def patients(database) -> int:
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(Patient))


def test_a_backup_runs_with_progress_and_is_said_where_it_went(qtbot, screen, tmp_path,
                                                               monkeypatch):
    out = tmp_path / "backups" / "clinic.backup"
    out.parent.mkdir()
    monkeypatch.setattr(backups_panel.file_dialogs, "choose_file_to_save",
                        lambda *_args, **_kw: (out, ""))
    panel = open_section(qtbot, screen, "Backups and checks")
    heard: list[str] = []
    panel.watcher.progressed.connect(lambda stage, _done, _total: heard.append(stage))
    click(qtbot, panel.backup_button)
    assert panel.progress_row.isVisible() and not panel.verify_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.working, timeout=30_000)
    assert out.exists() and not panel.progress_row.isVisible()
    assert panel.result.text() == (f"Backed up the database to {out} (checked: it restores "
                                   "as it is now).")
    assert screen.message.text() == panel.result.text()
    assert heard[0] == ("Copying the database" if screen.tasks.database.is_sqlite
                        else "Writing the backup with pg_dump")


def test_a_cancelled_backup_leaves_nothing(qtbot, screen, tmp_path, monkeypatch):
    out = tmp_path / "backups" / "clinic.backup"
    out.parent.mkdir()
    monkeypatch.setattr(backups_panel.file_dialogs, "choose_file_to_save",
                        lambda *_args, **_kw: (out, ""))
    panel = open_section(qtbot, screen, "Backups and checks")
    gate = threading.Event()
    screen.tasks.read(lambda _db: gate.wait(10))  # the backup waits its turn behind this
    click(qtbot, panel.backup_button)
    click(qtbot, panel.cancel_button)
    assert panel.stage.text() == "Cancelling…" and not panel.cancel_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: not panel.working, timeout=30_000)
    assert panel.result.text() == "Backing up cancelled; nothing was changed."
    assert list(out.parent.iterdir()) == []
    assert panel.backup_button.isEnabled()


def test_verify_says_the_database_is_sound_or_what_is_wrong(qtbot, screen, database):
    panel = open_section(qtbot, screen, "Backups and checks")
    click(qtbot, panel.verify_button)
    qtbot.waitUntil(lambda: not panel.working, timeout=30_000)
    assert panel.result.text().startswith("Verified: storage and foreign keys are sound; ")
    assert not panel.problems.isVisible()
    with database.write() as db:
        db.execute(text("DROP TRIGGER devices_never_deleted" if database.is_sqlite
                        else "DROP TRIGGER devices_guard ON devices"))
    click(qtbot, panel.verify_button)
    qtbot.waitUntil(lambda: not panel.working, timeout=30_000)
    assert panel.result.text().startswith("Verify found problems; nothing was changed.")
    assert "the guard trigger devices_" in panel.problems.text()
    assert "is missing: someone dropped it" in panel.problems.text()


def test_a_restore_asks_checks_confirms_and_closes_laserlog(qtbot, screen, database, admin,
                                                            tmp_path):
    out = backup(database, admin, tmp_path / "clinic.backup")
    with database.write() as db:
        patients_module.add_patient(db, admin, identifier="P-1", full_name="Pat Doe",
                                    date_of_birth=None, fitzpatrick=3)
    panel = open_section(qtbot, screen, "Backups and checks")
    click(qtbot, panel.restore_button)
    dialog = shown_dialog(qtbot, panel, "restore_dialog")
    press_return(qtbot, dialog.password)  # no file, no password: both said
    assert dialog.errors["file"].text() == "Choose the backup file to restore from"
    assert dialog.errors["password"].text() == ("Enter your password: a restore replaces "
                                                "everything")
    type_into(qtbot, dialog.file, str(out))
    type_into(qtbot, dialog.password, "not my password")
    press_return(qtbot, dialog.password)
    qtbot.waitUntil(lambda: dialog.errors["password"].text() == "Wrong user name or password",
                    timeout=10_000)
    assert not dialog.errors["file"].isVisible() and patients(database) == 1
    type_into(qtbot, dialog.password, ADMIN_PASSWORD)
    press_return(qtbot, dialog.password)
    qtbot.waitUntil(lambda: not screen.isVisible(), timeout=60_000)
    question, done = screen.messages.shown
    assert question.startswith(f"Replace {database.display_url} (0 sessions, 1 patient,")
    assert "with the backup clinic.backup (0 sessions, 0 patients" in question
    assert question.endswith("LaserLog closes when the restore is done: start it again and "
                             "sign in to the restored database.")
    assert done.startswith(f"Restored the database from {out}; its ")
    assert done.endswith("LaserLog closes now: start it again and sign in to the restored "
                         "database.")
    assert patients(database) == 0


def test_closing_the_window_cancels_the_work_under_way(qtbot, screen, tmp_path, monkeypatch):
    out = tmp_path / "backups" / "clinic.backup"
    out.parent.mkdir()
    monkeypatch.setattr(backups_panel.file_dialogs, "choose_file_to_save",
                        lambda *_args, **_kw: (out, ""))
    panel = open_section(qtbot, screen, "Backups and checks")
    gate = threading.Event()
    screen.tasks.read(lambda _db: gate.wait(10))
    click(qtbot, panel.backup_button)
    screen.close()
    assert panel.watcher.cancelled
    gate.set()
    qtbot.waitUntil(lambda: not panel.working, timeout=30_000)
    assert list(out.parent.iterdir()) == []
