"""No code of LaserLog but SQLite opens the open database's files: an import, an export or a
backup aimed at one of them is refused with one line, and costs no lock (so no save)."""

import subprocess
import sys
import textwrap

import pytest

from devices.importing.importer import import_file
from models.admin.backup import backup, restore
from models.clinic import patients
from models.reading.exports import export_sessions
from models.reading.history_filter import HistoryFilter
from models.storage.own_files import DatabaseFileRefused

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def outside_count(path) -> int:
    """Another process opens the database, counts its patients and closes it again."""
    code = textwrap.dedent(f"""
        import sqlite3
        conn = sqlite3.connect({str(path)!r})
        print(conn.execute("SELECT count(*) FROM patients").fetchone()[0])
        conn.close()
    """)
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout)


def add(database, actor, identifier: str) -> None:
    with database.write() as db:
        patients.add_patient(db, actor, identifier=identifier, full_name="Pat " + identifier,
                             date_of_birth=None, fitzpatrick=3)


@sqlite_only
@pytest.mark.parametrize("side", ["", "-wal", "-shm"])
def test_the_database_files_are_refused_as_a_device_file(database, technician, side):
    add(database, technician, "P-1")
    path = database.sqlite_path.with_name(database.sqlite_path.name + side)
    assert path.exists()
    with pytest.raises(DatabaseFileRefused, match=r"^Cannot import .*: it is a file of the "
                       r"LaserLog database in use \(laserlog.db\); choose another file$"):
        import_file(database, technician, path)
    assert outside_count(database.sqlite_path) == 1  # another process closes the database...
    add(database, technician, "P-2")
    assert outside_count(database.sqlite_path) == 2  # ...and the next save is still seen


@sqlite_only
def test_an_export_or_a_backup_over_the_database_is_refused(database, admin, supervisor,
                                                            technician):
    add(database, technician, "P-1")
    target = database.sqlite_path
    with pytest.raises(DatabaseFileRefused, match=r"^Cannot write laserlog\.db"):
        export_sessions(database, target, "csv", HistoryFilter(), actor=supervisor)
    with pytest.raises(DatabaseFileRefused, match=r"^Cannot write laserlog\.db"):
        backup(database, admin, target)
    with pytest.raises(DatabaseFileRefused, match=r"^Cannot restore from laserlog\.db"):
        restore(database, admin, target)
    assert outside_count(target) == 1  # nothing replaced, no lock lost
    add(database, technician, "P-2")
    assert outside_count(target) == 2


@sqlite_only
def test_a_link_to_the_database_is_its_file_too(database, technician, tmp_path):
    link = tmp_path / "export.csv"
    link.symlink_to(database.sqlite_path)
    with pytest.raises(DatabaseFileRefused):
        import_file(database, technician, link)
