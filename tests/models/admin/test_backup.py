"""Backups made while in use, checked, and restored with the audit chain intact."""

import pytest
from sqlalchemy import func, select, text

from models.admin.backup import BackupFailed, backup, restore
from models.admin.integrity import verify
from models.records.people import Patient


@pytest.fixture
def command_line(admin):
    """Who runs backup and restore from the command line: an administrator."""
    return admin


def patient_count(database):
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(Patient))


def test_a_backup_restores_the_database_as_it_was_with_its_chain_intact(
        database, admin, command_line, register_patient, tmp_path):
    register_patient(admin)
    with database.read() as reader:  # a reader is open meanwhile, as the app would be
        reader.execute(text("SELECT 1"))
        out = backup(database, command_line, tmp_path / "clinic.backup")
    assert out.exists() and not list(tmp_path.glob("*.partial"))
    register_patient(admin)
    assert patient_count(database) == 2

    events = restore(database, command_line, out)

    assert patient_count(database) == 1
    result = verify(database)
    assert result.ok and result.events == events + 1  # + the restore's own event


def test_a_truncated_or_foreign_file_is_refused_and_nothing_changes(
        database, admin, command_line, register_patient, tmp_path):
    register_patient(admin)
    out = backup(database, command_line, tmp_path / "clinic.backup")
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 3])
    register_patient(admin)
    for bad in (truncated, tmp_path / "missing.backup"):
        with pytest.raises(BackupFailed):
            restore(database, command_line, bad)
    assert patient_count(database) == 2 and verify(database).ok


def test_a_backup_from_a_newer_laserlog_is_refused(database, admin, command_line, tmp_path):
    if not database.is_sqlite:
        pytest.skip("the schema check of a PostgreSQL dump happens when it is loaded")
    out = backup(database, command_line, tmp_path / "clinic.backup")
    import sqlite3

    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(BackupFailed, match="newer LaserLog"):
        restore(database, command_line, out)


def test_pg_tools_get_the_password_in_their_environment_not_their_command_line():
    from models.storage.database import Database
    from models.storage.snapshots import libpq_env

    database = Database("postgresql://clinic:s3cret@db.example:5433/laserlog")
    try:
        assert database.libpq_url(with_password=False) == "postgresql://clinic@db.example:5433/laserlog"
        assert libpq_env(database)["PGPASSWORD"] == "s3cret"
    finally:
        database.dispose()
