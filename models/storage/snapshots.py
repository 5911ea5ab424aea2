"""Whole-database copies: SQLite's backup API for a file, pg_dump for a server.

Used before a schema upgrade and by backups; nothing in LaserLog copies a database any other
way (a plain file copy of a live SQLite database is not consistent, and opening its files
outside SQLite drops the process's locks on them).
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from models.errors import LaserLogError, one_line
from models.language import _
from models.storage.database import Database


class BackupFailed(LaserLogError):
    pass


#: Pages SQLite's backup API copies at a time when progress is asked for (16 MiB of 4 KiB).
PAGES_AT_A_TIME = 4096


def backup_sqlite_file(source: Path, target: Path,
                       copied: Callable[[int, int], None] | None = None) -> Path:
    """Copy a live SQLite database consistently with SQLite's backup API, as one
    self-contained file (rollback journal, not WAL: no ``-wal`` or ``-shm`` beside it).

    ``copied(pages done, pages in all)`` hears the copy's progress, a step at a time; an
    exception it raises stops the copy (the caller removes the part written)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        if copied is None:
            src.backup(dst)
        else:
            src.backup(dst, pages=PAGES_AT_A_TIME,
                       progress=lambda _status, remaining, total: copied(total - remaining,
                                                                        total))
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    return target


def pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupFailed(_("{tool} is not installed; install PostgreSQL's client tools "
                             "(Debian: postgresql-client) to back up or restore this database"
                             ).format(tool=name))
    return tool


def libpq_env(database: Database) -> dict[str, str]:
    """pg_dump's environment: the password goes there, never on a command line others can list."""
    password = database.url.password
    return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


def run_tool(command: list[str], env: dict[str, str] | None = None,
             waiting: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL client tool to the end, its output captured. ``waiting`` is called
    about every 0.2 s while it runs; an exception it raises stops the tool and is raised."""
    if waiting is None:
        return subprocess.run(command, capture_output=True, text=True, env=env)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as process:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                try:
                    waiting()
                except BaseException:
                    process.kill()
                    process.communicate()
                    raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def dump_postgres(database: Database, out: Path,
                  waiting: Callable[[], None] | None = None) -> Path:
    """pg_dump the database to ``out`` and check the dump reads back (``waiting``: see
    ``run_tool``)."""
    done = run_tool([pg_tool("pg_dump"), "--format=custom", f"--file={out}",
                     database.libpq_url(with_password=False)], libpq_env(database), waiting)
    if done.returncode != 0:
        if "No space left" in done.stderr:
            raise BackupFailed(_("Cannot write {path}: the disk is full; free some space and "
                                 "try again").format(path=out))
        raise BackupFailed(_("pg_dump failed: {reason}").format(reason=one_line(done.stderr)))
    listed = subprocess.run([pg_tool("pg_restore"), "--list", str(out)],
                            capture_output=True, text=True)
    if listed.returncode != 0 or "alembic_version" not in listed.stdout:
        out.unlink(missing_ok=True)
        raise BackupFailed(_("The dump pg_dump wrote cannot be read back; not kept"))
    return out
