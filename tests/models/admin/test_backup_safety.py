"""Backups leave nothing beside them and never write over something that is not a file;
a restore never replaces a database that LaserLog has open elsewhere, unless forced."""

import os
import sqlite3
import subprocess
from contextlib import closing

import pytest
from sqlalchemy import func, select

from models.admin.backup import BackupFailed, backup, restore
from models.clinic import patients
from models.errors import LaserLogError
from models.records.people import Patient
from models.storage.database import open_database


@pytest.fixture
def command_line(admin):
    """Who runs backup and restore from the command line: an administrator."""
    return admin


def add(database, admin, identifier):
    with database.write() as db:
        patients.add_patient(db, admin, identifier=identifier, full_name=identifier,
                             date_of_birth=None, fitzpatrick=2)


def sha256sum(path) -> str:
    """Hashed by another process: opening the live file here would drop SQLite's locks."""
    return subprocess.run(["sha256sum", str(path)], capture_output=True, text=True,
                          check=True).stdout.split()[0]


def patient_count(database):
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(Patient))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_is_one_file_with_nothing_beside_it(database, admin, command_line, tmp_path):
    add(database, admin, "B-1")
    folder = tmp_path / "backups"
    folder.mkdir()
    out = backup(database, command_line, folder / "clinic.backup")
    assert sorted(p.name for p in folder.iterdir()) == ["clinic.backup"]
    with closing(sqlite3.connect(f"file:{out}?mode=ro", uri=True)) as conn:
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 1


@pytest.mark.parametrize("kind", ["folder", "fifo", "link to a folder"])
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_as_it_was(
        database, admin, command_line, tmp_path, kind):
    target = tmp_path / "clinic.backup"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    before = os.lstat(target)
    with pytest.raises(LaserLogError, match="it exists and is not a regular file"):
        backup(database, command_line, target)
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_a_restore_under_an_open_laserlog_is_refused_unless_forced(
        database, database_url, admin, command_line, tmp_path):
    add(database, admin, "B-1")
    out = backup(database, command_line, tmp_path / "clinic.backup")
    add(database, admin, "B-2")
    elsewhere = open_database(database_url)  # LaserLog on another PC (or this one) meanwhile
    try:
        with elsewhere.read() as db:
            db.execute(select(1))
        digest = sha256sum(database.sqlite_path) if database.is_sqlite else None
        with pytest.raises(BackupFailed, match=r"open elsewhere|other connection"):
            restore(database, command_line, out)
        if database.is_sqlite:
            assert sha256sum(database.sqlite_path) == digest
        assert patient_count(database) == 2  # nothing was changed
        restore(database, command_line, out, force=True)
        assert patient_count(database) == 1
    finally:
        elsewhere.dispose()


def test_a_long_backup_file_name_is_kept_whole_and_restores(database, admin, command_line,
                                                            tmp_path):
    add(database, admin, "L-1")
    out = backup(database, command_line, tmp_path / ("clinic-" + "x" * 80 + ".backup"))
    add(database, admin, "L-2")
    restore(database, command_line, out, force=True)
    assert patient_count(database) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_restore_into_a_read_only_folder_is_one_sentence_and_changes_nothing(
        database, admin, command_line, tmp_path):
    """The backup is in that folder too: read-only media are read without writing."""
    add(database, admin, "R-1")
    out = backup(database, command_line, tmp_path / "clinic.backup")
    folder = database.sqlite_path.parent
    bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip("this machine cannot make a read-only bind mount (needs root)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        with pytest.raises(LaserLogError,
                           match=r"^Cannot write beside .*: the disk or folder is read-only"):
            restore(database, command_line, out)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    add(database, admin, "R-2")  # the database is as it was, and goes on
    assert patient_count(database) == 2
