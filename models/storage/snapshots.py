"""Whole-database copies: SQLite's backup API for a file, pg_dump for a server.

Used before a schema upgrade and by backups; nothing in LaserLog copies a database any other
way (a plain file copy of a live SQLite database is not consistent, and opening its files
outside SQLite drops the process's locks on them).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from models.errors import LaserLogError, one_line
from models.storage.database import Database


class BackupFailed(LaserLogError):
    pass


def backup_sqlite_file(source: Path, target: Path) -> Path:
    """Copy a live SQLite database consistently with SQLite's backup API, as one
    self-contained file (rollback journal, not WAL: no ``-wal`` or ``-shm`` beside it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    return target


def pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupFailed(f"{name} is not installed; install PostgreSQL's client tools "
                           "(Debian: postgresql-client) to back up or restore this database")
    return tool


def libpq_env(database: Database) -> dict[str, str]:
    """pg_dump's environment: the password goes there, never on a command line others can list."""
    password = database.url.password
    return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


def dump_postgres(database: Database, out: Path) -> Path:
    """pg_dump the database to ``out`` and check the dump reads back."""
    done = subprocess.run([pg_tool("pg_dump"), "--format=custom", f"--file={out}",
                           database.libpq_url(with_password=False)], capture_output=True, text=True,
                          env=libpq_env(database))
    if done.returncode != 0:
        if "No space left" in done.stderr:
            raise BackupFailed(f"Cannot write {out}: the disk is full; free some space and "
                               "try again")
        raise BackupFailed(f"pg_dump failed: {one_line(done.stderr)}")
    listed = subprocess.run([pg_tool("pg_restore"), "--list", str(out)],
                            capture_output=True, text=True)
    if listed.returncode != 0 or "alembic_version" not in listed.stdout:
        out.unlink(missing_ok=True)
        raise BackupFailed("The dump pg_dump wrote cannot be read back; not kept")
    return out
