"""Backups a clinic can trust: consistent while LaserLog runs, checked before they count.

SQLite: SQLite's backup API copies the live database into a temporary file, which is checked
(integrity, schema, the whole audit chain) and only then renamed to the name asked for.
PostgreSQL: ``pg_dump`` in its custom format, checked with ``pg_restore --list``.
A restore checks the backup the same way before it touches anything.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import select, text

from models.access import audit_chain
from models.access.permissions import Action, require
from models.admin.integrity import verify
from models.errors import one_line
from models.records.people import User
from models.storage.atomic_files import written_in_place_of
from models.storage.database import Database, open_database
from models.storage.own_files import refuse_database_file
from models.storage.schema import current_revision, known_revision, upgrade
from models.storage.snapshots import (
    BackupFailed,
    backup_sqlite_file,
    dump_postgres,
    libpq_env,
    pg_tool,
)
from models.values.rows import Actor

SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_backup(path: Path) -> int:
    """Refuse a file that is not a sound LaserLog database; return its audit event count."""
    refuse_database_file(path, "restore from")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupFailed(f"Cannot read {path}: {error.strerror}") from None
    if header != SQLITE_HEADER:
        raise BackupFailed(f"{path} is not a LaserLog backup (not an SQLite database)")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupFailed(f"{path} is damaged or truncated ({one_line(str(error))})") from None
    if found != ["ok"]:
        raise BackupFailed(f"{path} is damaged or truncated: {one_line(found[0])}")
    copy = open_database(f"sqlite:///{path}")
    try:
        revision = current_revision(copy)
        if revision is None:
            raise BackupFailed(f"{path} is an SQLite database but not a LaserLog one")
        if not known_revision(revision):
            raise BackupFailed(f"{path} was made by a newer LaserLog (schema {revision})")
        result = verify(copy)
    finally:
        copy.dispose()
    if not result.ok:
        raise BackupFailed(f"{path} fails verification: {result.problems[0]}")
    return result.events


def _audit(database: Database, actor: Actor, action: str, path: Path) -> None:
    with database.write() as db:
        audit_chain.record(db, actor_id=actor.id, action=action, entity="backup",
                           entity_id=path.name, new={"file": str(path)})


def _require(database: Database, actor: Actor) -> None:
    with database.read():  # so that a refusal is recorded
        require(actor, Action.MANAGE_BACKUPS, "backup")


def backup(database: Database, actor: Actor, out: Path) -> Path:
    """Write a checked backup of ``database`` to ``out``; nothing is left half-written."""
    _require(database, actor)
    with written_in_place_of(out, suffix=".partial") as partial:
        if database.is_sqlite:
            source = database.sqlite_path
            assert source is not None
            backup_sqlite_file(source, partial)
            check_sqlite_backup(partial)
        else:
            dump_postgres(database, partial)
    _audit(database, actor, "backup.create", out)
    return out


def sqlite_in_use(path: Path) -> bool:
    """Whether another connection has the SQLite database at ``path`` open (in WAL mode, as
    LaserLog keeps it, leaving WAL needs every other connection closed)."""
    conn = sqlite3.connect(path, timeout=0)
    try:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return False
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA journal_mode=WAL")  # as it was: nobody else is there
        return False
    except sqlite3.OperationalError as error:
        # locked: someone else is there; anything else: damaged beyond reading by anyone
        return "locked" in str(error) or "busy" in str(error)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def postgres_sessions(database: Database) -> list[str]:
    """The other connections to this PostgreSQL database, as people would name them."""
    with database.engine.connect() as conn:  # one connection: the pool was disposed
        rows = conn.execute(text(
            "SELECT usename, coalesce(client_addr::text, 'this server'), application_name "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")).all()
    return [f"{user} from {host}" + (f" ({app})" if app else "") for user, host, app in rows]


def restore(database: Database, actor: Actor, source: Path, force: bool = False) -> int:
    """Replace the database's content with a checked backup; return its audit event count.

    The database itself may be damaged: it is replaced whole, not read. A backup from an
    older LaserLog is brought up to date afterwards. While LaserLog (or anything else) has
    the database open elsewhere, the restore is refused unless ``force``: their saves would
    be lost under them.
    """
    require(actor, Action.MANAGE_BACKUPS, "backup")
    if database.is_sqlite:
        check_sqlite_backup(source)
        target = database.sqlite_path
        assert target is not None
        database.dispose()
        if not force and target.exists() and sqlite_in_use(target):
            raise BackupFailed(
                f"{target.name} is open elsewhere (LaserLog on this PC or another program); "
                "close it there first, or restore with --force to replace it anyway (their "
                "unsaved work is lost); nothing was changed")
        staging = target.with_name(target.name + ".restoring")
        staging.unlink(missing_ok=True)
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(staging)) as dst:
            src.backup(dst)
        for journal in ("-wal", "-shm"):  # the old file's, never to be replayed on the new
            Path(f"{target}{journal}").unlink(missing_ok=True)
        os.replace(staging, target)
    else:
        listed = subprocess.run([pg_tool("pg_restore"), "--list", str(source)],
                                capture_output=True, text=True)
        if listed.returncode != 0 or "audit_events" not in listed.stdout:
            raise BackupFailed(f"{source} is not a readable LaserLog PostgreSQL backup")
        database.dispose()  # this process's own pooled connections are not "others"
        others = [] if force else postgres_sessions(database)
        if others:
            raise BackupFailed(
                f"{len(others)} other connection(s) use this database: {'; '.join(others)}. "
                "Close LaserLog there first, or restore with --force; nothing was changed")
        database.dispose()
        done = subprocess.run([pg_tool("pg_restore"), "--clean", "--if-exists",
                               "--single-transaction", "--no-owner",
                               f"--dbname={database.libpq_url(with_password=False)}", str(source)],
                              capture_output=True, text=True, env=libpq_env(database))
        if done.returncode != 0:
            raise BackupFailed(f"pg_restore failed, nothing changed: {done.stderr.strip()}")
    upgrade(database)
    with database.write() as db:  # recorded in the restored database, by the same person
        restored_id = db.scalar(select(User.id).where(User.username == actor.username))
        audit_chain.record(db, actor_id=restored_id, action="backup.restore", entity="backup",
                           entity_id=source.name, new={"file": str(source), "by": actor.username})
    return verify(database).events - 1
