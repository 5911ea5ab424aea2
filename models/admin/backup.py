"""Backups a clinic can trust: consistent while LaserLog runs, checked before they count.

SQLite: SQLite's backup API copies the live database into a temporary file, which is checked
(integrity, schema, the whole audit chain) and only then renamed to the name asked for.
PostgreSQL: ``pg_dump`` in its custom format, checked with ``pg_restore --list``.
A restore checks the backup the same way before it touches anything.

Each takes a ``progress`` (models/admin/progress.py) that hears how far it has got and may
stop it with ``Cancelled`` until the point where a restore starts replacing the database.
"""

import getpass
import os
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc, select, text

from models.access import accounts, audit_chain, witness
from models.access.permissions import Action, require
from models.admin.integrity import Verification, verify
from models.admin.progress import Progress, past_cancelling, unreported
from models.errors import DatabaseUnavailable, LaserLogError, NotAllowed, one_line, os_reason
from models.language import N_, _, ngettext, number_text
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
    run_tool,
)
from models.values.rows import Actor
from models.values.vocabulary import Role

SQLITE_HEADER = b"SQLite format 3\x00"
#: What a backup or restore reports it is doing, besides what ``verify`` reports (translated
#: as it is reported).
COPYING = N_("Copying the database")
DUMPING = N_("Writing the backup with pg_dump")
LOADING = N_("Loading the backup to check it")
REPLACING = N_("Replacing the database with the backup")


@dataclass(frozen=True)
class Counts:
    """What a database holds, as shown before a restore replaces one with another."""

    sessions: int
    patients: int
    users: int
    events: int

    def __str__(self) -> str:
        return ", ".join((
            ngettext("{n} session", "{n} sessions", self.sessions).format(
                n=number_text(self.sessions)),
            ngettext("{n} patient", "{n} patients", self.patients).format(
                n=number_text(self.patients)),
            ngettext("{n} account", "{n} accounts", self.users).format(
                n=number_text(self.users)),
            ngettext("{n} audit event", "{n} audit events", self.events).format(
                n=number_text(self.events))))


def counts_of(database: Database) -> Counts | None:
    """What ``database`` holds; None when it cannot be read (damaged, or no LaserLog one)."""
    try:
        with database.read() as db:
            one = [db.scalar(text(f"SELECT count(*) FROM {table}")) or 0 for table in
                   ("treatment_sessions", "patients", "users", "audit_events")]
    except (exc.DBAPIError, LaserLogError):
        return None
    return Counts(*one)


def check_sqlite_backup(path: Path, progress: Progress = unreported) -> int:
    """Refuse a file that is not a sound LaserLog database; return its audit event count.

    Even a backup this process just wrote is checked on a copy: opening it as a database
    would turn it into a WAL file with a -wal and -shm beside it, and a backup is one file."""
    return _checked_sqlite_backup(path, progress)[0]


def _checked_sqlite_backup(path: Path, progress: Progress) -> tuple[int, Counts]:
    refuse_database_file(path, "restore from")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupFailed(_("Cannot read {path}: {reason}").format(
            path=path, reason=error.strerror)) from None
    if header != SQLITE_HEADER:
        raise BackupFailed(_("{path} is not a LaserLog backup (not an SQLite database)").format(
            path=path))
    # Checked on a copy: the backup itself is never written to (it may be on read-only media).
    with tempfile.TemporaryDirectory(prefix="laserlog-check-") as folder:
        checked = Path(folder) / "backup.db"
        try:
            with closing(sqlite3.connect(_read_only(path), uri=True)) as conn:
                found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
                if found == ["ok"]:
                    with closing(sqlite3.connect(checked)) as dst:
                        conn.backup(dst)
        except sqlite3.DatabaseError as error:
            raise BackupFailed(_("{path} is damaged or truncated ({reason})").format(
                path=path, reason=one_line(str(error)))) from None
        if found != ["ok"]:
            raise BackupFailed(_("{path} is damaged or truncated: {reason}").format(
                path=path, reason=one_line(found[0])))
        copy = open_database(f"sqlite:///{checked}")
        try:
            revision = current_revision(copy)
            if revision is None:
                raise BackupFailed(_("{path} is an SQLite database but not a LaserLog one")
                                   .format(path=path))
            if not known_revision(revision):
                raise BackupFailed(_("{path} was made by a newer LaserLog (schema {revision})")
                                   .format(path=path, revision=revision))
            result = verify(copy, progress)
            counts = counts_of(copy)
        finally:
            copy.dispose()
    return _sound(path, result, counts)


def _read_only(path: Path) -> str:
    """A URI that reads ``path`` without writing anything beside it (no -wal, no -shm): a
    backup is a closed, checkpointed file, perhaps on read-only media."""
    return f"file:{path}?immutable=1"


def _sound(path: Path, result: Verification, counts: Counts | None) -> tuple[int, Counts]:
    if not result.ok:
        raise BackupFailed(_("{path} fails verification: {problem}").format(
            path=path, problem=result.problems[0]))
    if counts is None or counts.users == 0 or counts.events == 0:
        raise BackupFailed(_("{path} holds no records (no accounts, no audit events): it is "
                             "not a backup of a clinic").format(path=path))
    return result.events, counts


def _audit(database: Database, actor: Actor | None, action: str, path: Path) -> None:
    """Recorded by whom, or, for a job nobody signed in to, on which machine and as which
    system user; the file's name kept whole in the values (the key column holds 64)."""
    machine = {"machine": socket.gethostname(), "system_user": getpass.getuser()}
    with database.write() as db:
        audit_chain.record(db, actor_id=actor.id if actor else None, action=action,
                           entity="backup", entity_id=path.name[-64:],
                           new={"file": str(path)} | ({} if actor else machine))
        witness.witness_after_commit(db, "backup")


def _require(database: Database, actor: Actor) -> None:
    with database.read():  # so that a refusal is recorded
        require(actor, Action.MANAGE_BACKUPS, "backup")


def backup(database: Database, actor: Actor | None, out: Path,
           progress: Progress = unreported) -> Path:
    """Write a checked backup of ``database`` to ``out``; nothing is left half-written, and
    a backup cancelled leaves nothing at all.

    ``actor`` None is a scheduled job (``main.py backup``): a backup gives nothing that access
    to the database does not, so it needs no sign-in, and is audited with the machine."""
    if actor is not None:
        _require(database, actor)
    with written_in_place_of(out, suffix=".partial") as partial:
        if database.is_sqlite:
            source = database.sqlite_path
            assert source is not None
            progress(_(COPYING), 0, 0)
            backup_sqlite_file(source, partial,
                               lambda done, total: progress(_(COPYING), done, total))
            check_sqlite_backup(partial, progress)
        else:
            progress(_(DUMPING), 0, 0)
            dump_postgres(database, partial, lambda: progress(_(DUMPING), 0, 0))
    _audit(database, actor, "backup.create", out)
    return out


def sqlite_in_use(path: Path) -> bool:
    """Whether another connection has the SQLite database at ``path`` open; the file is not
    changed by asking."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        # A WAL connection holds a shared lock on the file for as long as it is open; an
        # exclusive one is refused while any other has it. Nothing is written.
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
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
            "SELECT usename, coalesce(client_addr::text, :here), application_name "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"), {"here": _("this server")}).all()
    return [(_("{user} from {host} ({program})") if app else _("{user} from {host}"))
            .format(user=user, host=host, program=app) for user, host, app in rows]


def restoring_actor(database: Database, source: Path, username: str, password: str) -> Actor:
    """The administrator restoring, checked against the accounts of the database to replace
    or, when that is too damaged to read, of the backup. Nothing is written: a refused
    restore leaves the target as it was, byte for byte."""
    try:
        with database.read() as db:
            found = accounts.check_password(db, username, password)
    except (DatabaseUnavailable, exc.DBAPIError):
        if not database.is_sqlite:
            raise
        found = _backup_account(source, username, password)
    if found is None:
        raise NotAllowed(_("Wrong user name or password"))
    actor = found
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("{name} is not an administrator: restoring needs one").format(
            name=username))
    return actor


def _backup_account(source: Path, username: str, password: str) -> Actor | None:
    refuse_database_file(source, "restore from")
    try:
        with closing(sqlite3.connect(_read_only(source), uri=True)) as conn:
            row = conn.execute("SELECT id, username, full_name, role, password_hash, active "
                               "FROM users WHERE lower(username) = ?",
                               (username.strip().lower(),)).fetchone()
    except sqlite3.Error:
        row = None
    if row is None or not row[5] or not accounts.password_matches(row[4], password):
        return None
    return Actor(id=row[0], username=row[1], full_name=row[2], role=row[3])


def _checked_postgres_backup(database: Database, source: Path, progress: Progress
                             ) -> tuple[int, Counts]:
    """Load the dump into a scratch database beside the target and check it there whole
    (schema known, guards present, the chain and every signed session's content, not
    empty), before the target is touched; the scratch database is dropped after."""
    listed = subprocess.run([pg_tool("pg_restore"), "--list", str(source)],
                            capture_output=True, text=True)
    if listed.returncode != 0 or "audit_events" not in listed.stdout:
        raise BackupFailed(_("{path} is not a readable LaserLog PostgreSQL backup").format(
            path=source))
    name = f"{database.url.database}_restore_check"[:63]
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        try:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        except exc.DBAPIError as error:
            raise BackupFailed(_("Cannot check the backup before restoring: creating a "
                                 "scratch database failed ({reason}); nothing was changed")
                               .format(reason=one_line(str(error.orig)))) from None
    scratch = Database(database.url.set(database=name).render_as_string(hide_password=False))
    try:
        progress(_(LOADING), 0, 0)
        loaded = run_tool([pg_tool("pg_restore"), "--no-owner",
                           f"--dbname={scratch.libpq_url(with_password=False)}", str(source)],
                          libpq_env(scratch), lambda: progress(_(LOADING), 0, 0))
        if loaded.returncode != 0:
            raise BackupFailed(_("{path} does not load ({reason}); nothing was changed").format(
                path=source, reason=one_line(loaded.stderr)))
        revision = current_revision(scratch)
        if revision is None or not known_revision(revision):
            raise BackupFailed(_("{path} was made by a newer LaserLog (schema {revision}); "
                                 "nothing was changed").format(path=source, revision=revision))
        result = verify(scratch, progress)
        counts = counts_of(scratch)
    finally:
        scratch.dispose()
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        database.dispose()
    return _sound(source, result, counts)


def restore(database: Database, actor: Actor, source: Path, force: bool = False,
            confirm: Callable[[str], bool] | None = None,
            progress: Progress = unreported) -> int:
    """Replace the database's content with a checked backup; return its audit event count.

    Everything is checked before anything is touched: the backup (sound, a known schema, its
    guards present, its own verify passing, not empty), that nobody has the target open
    elsewhere (unless ``force``: their saves would be lost), and, when ``confirm`` is given,
    the person's yes to the two databases' counts side by side. Any refusal leaves the
    target as it was. The target itself may be damaged: it is replaced whole, not read. A
    backup from an older LaserLog is brought up to date afterwards. ``progress`` may cancel
    until the person says yes; after that the restore goes to its end.
    """
    require(actor, Action.MANAGE_BACKUPS, "backup")
    if database.is_sqlite:
        _events, counts = _checked_sqlite_backup(source, progress)
    else:
        _events, counts = _checked_postgres_backup(database, source, progress)
    current = counts_of(database)
    database.dispose()  # this process's own pooled connections are not "others"
    if database.is_sqlite:
        target = database.sqlite_path
        assert target is not None
        if not force and target.exists() and sqlite_in_use(target):
            raise BackupFailed(_(
                "{name} is open elsewhere (LaserLog on this PC or another program); close it "
                "there first, or restore with --force to replace it anyway (their unsaved "
                "work is lost); nothing was changed").format(name=target.name))
    else:
        others = [] if force else postgres_sessions(database)
        database.dispose()
        if others:
            raise BackupFailed(ngettext(
                "{n} other connection uses this database: {connections}. Close LaserLog "
                "there first, or restore with --force; nothing was changed",
                "{n} other connections use this database: {connections}. Close LaserLog "
                "there first, or restore with --force; nothing was changed", len(others)
            ).format(n=len(others), connections="; ".join(others)))
    question = _("Replace {database} ({now}) with the backup {backup} ({then})?").format(
        database=database.display_url, now=current or _("unreadable"), backup=source.name,
        then=counts)
    if confirm is not None and not confirm(question):
        raise BackupFailed(_("Not confirmed; nothing was changed"))
    progress = past_cancelling(progress)
    progress(_(REPLACING), 0, 0)
    if database.sqlite_path is not None:
        _replace_sqlite(database.sqlite_path, source)
    else:
        done = subprocess.run([pg_tool("pg_restore"), "--clean", "--if-exists",
                               "--single-transaction", "--no-owner",
                               f"--dbname={database.libpq_url(with_password=False)}", str(source)],
                              capture_output=True, text=True, env=libpq_env(database))
        if done.returncode != 0:
            raise BackupFailed(_("pg_restore failed, nothing changed: {reason}").format(
                reason=one_line(done.stderr)))
    upgrade(database)
    with database.write() as db:  # recorded in the restored database, by the same person
        restored_id = db.scalar(select(User.id).where(User.username == actor.username))
        audit_chain.record(db, actor_id=restored_id, action="backup.restore", entity="backup",
                           entity_id=source.name[-64:],
                           new={"file": str(source), "by": actor.username})
        witness.witness_after_commit(db, "restore")  # the witnesses before it are closed
    return verify(database, progress).events - 1


def _replace_sqlite(target: Path, source: Path) -> None:
    staging = target.with_name(target.name + ".restoring")
    try:
        staging.unlink(missing_ok=True)
        with closing(sqlite3.connect(_read_only(source), uri=True)) as src, \
                closing(sqlite3.connect(staging)) as dst:
            src.backup(dst)
    except (OSError, sqlite3.Error) as error:
        with suppress(OSError):
            staging.unlink(missing_ok=True)
        reason = os_reason(error) if isinstance(error, OSError) else str(error)
        raise BackupFailed(_("Cannot write beside {path}: {reason}; nothing was changed")
                           .format(path=target, reason=reason)) from None
    for journal in ("-wal", "-shm"):  # the old file's, never to be replayed on the new
        Path(f"{target}{journal}").unlink(missing_ok=True)
    os.replace(staging, target)
