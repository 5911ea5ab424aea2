"""Failures the environment causes reach people as one sentence saying what to do, and lose
nothing already saved: a full disk, a read-only database, a value too long for its column."""

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.access import accounts
from models.clinic import patients
from models.errors import DatabaseUnavailable, StorageFull, ValueTooLong
from models.records.people import Patient
from models.storage import schema
from models.storage.database import open_database


@pytest.fixture
def small_disk(tmp_path):
    """A 700 KB tmpfs the test mounts (root only), unmounted afterwards."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("this machine cannot mount a small tmpfs (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def clinic_on(folder: Path):
    database = open_database(f"sqlite:///{folder / 'laserlog.db'}")
    schema.upgrade(database)
    with database.write() as db:
        admin = accounts.create_user(db, username="a", full_name="Ada", role="admin",
                                     password="long enough", created_by=None)
        tech = accounts.create_user(db, username="t", full_name="Tess", role="technician",
                                    password="long enough", created_by=admin)
    return database, tech


def count(database) -> int:
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(Patient)) or 0


def test_a_full_disk_is_one_sentence_and_every_acknowledged_save_stays(small_disk):
    database, tech = clinic_on(small_disk)
    acknowledged = 0
    with pytest.raises(StorageFull, match=r"^The disk holding the database \(.*\) is full: "
                       r"this change was not saved\. Free some space"):
        for number in range(10_000):
            with database.write() as db:
                patients.add_patient(db, tech, identifier=f"F-{number}", full_name="x" * 90,
                                     date_of_birth=None, fitzpatrick=2)
            acknowledged += 1
    assert acknowledged > 0 and count(database) == acknowledged
    database.dispose()
    again = open_database(f"sqlite:///{small_disk / 'laserlog.db'}")
    assert count(again) == acknowledged  # after reopening too
    again.dispose()


def test_a_read_only_mount_is_one_sentence(tmp_path):
    database, _tech = clinic_on(tmp_path)
    database.dispose()
    folder = tmp_path / "ro"
    folder.mkdir()
    bound = subprocess.run(["mount", "--bind", "-o", "ro", str(tmp_path), str(folder)],
                           capture_output=True)
    if bound.returncode != 0:
        pytest.skip("this machine cannot make a read-only bind mount (needs root)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        with pytest.raises(DatabaseUnavailable, match=r"^Cannot open database .*: it cannot "
                           r"be written \(read-only file, folder or disk"):
            open_database(f"sqlite:///{folder / 'laserlog.db'}")
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_value_too_long_for_its_column_is_one_sentence(database, admin):
    if database.is_sqlite:
        pytest.skip("SQLite does not limit text lengths")
    with pytest.raises(ValueTooLong, match=r"longer than the database allows \(at most 64 "
                       r"characters\)"), database.write() as db:
        accounts.create_user(db, username="u" * 70, full_name="Long", role="technician",
                             password="long enough", created_by=admin)


def fill(folder: Path) -> None:
    """Write a file until the disk has no room left."""
    with (folder / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"x" * 4096)
                filler.flush()
        except OSError:
            pass


def test_an_export_or_a_backup_onto_a_full_disk_is_one_sentence_and_leaves_nothing(
        database, admin, supervisor, small_disk):
    from models.admin.backup import backup
    from models.errors import LaserLogError
    from models.reading.exports import export_sessions

    fill(small_disk)
    full = r"^Cannot write .*: the disk is full; free some space and try again$"
    with pytest.raises(LaserLogError, match=full):
        backup(database, admin, small_disk / "clinic.backup")
    with pytest.raises(LaserLogError, match=full):
        export_sessions(database, small_disk / "sessions.csv", "csv", actor=supervisor)
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_names_that_cannot_be_written_are_one_sentence(database, supervisor, tmp_path):
    from models.errors import LaserLogError
    from models.reading.exports import export_sessions

    for name, reason in (("x" * 300 + ".csv", "the name is too long"),
                         ("missing/sessions.csv", "does not exist")):
        with pytest.raises(LaserLogError, match=f"^Cannot write .*: .*{reason}"):
            export_sessions(database, tmp_path / name, "csv", actor=supervisor)
