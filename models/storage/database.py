"""The one place that opens databases: URL resolution, engine set-up, sessions.

SQLite (one PC) and PostgreSQL (a clinic's shared server) behave the same for the operations;
the differences are confined here.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from models.errors import (
    DatabaseUnavailable,
    LaserLogError,
    RecordedFailure,
    ServerUnreachable,
    StorageFull,
    StorageReadOnly,
    ValueTooLong,
)
from models.language import _
from models.storage import own_files
from models.storage.preferences import ENV_VAR as ENV_VAR  # where they were first: kept
from models.storage.preferences import data_dir
from models.storage.preferences import default_url as default_url
from models.storage.preferences import resolve_url as resolve_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


def parse_url(url: str) -> URL:
    """Parse a database URL, choosing psycopg 3 for plain ``postgresql://`` URLs."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise DatabaseUnavailable(_(
            "Cannot open database {url}: not a database URL (expected sqlite:///PATH or "
            "postgresql://USER@HOST/NAME)").format(url=repr(url))
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(_(
            "Cannot open database {url}: only SQLite and PostgreSQL are supported").format(
            url=describe(url)))
    return parsed


def describe(url: str | URL) -> str:
    """The URL as shown to people: the password hidden."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except exc.ArgumentError:
        return repr(url)
    return parsed.render_as_string(hide_password=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # Writers take the write lock up front, so two writers queue on busy_timeout
        # instead of one failing when it upgrades a read lock.
        immediate = conn.get_execution_options().get("laserlog_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def failure_reason(error: exc.DBAPIError) -> str:
    """The driver's complaint in words a user can act on, on one line."""
    message = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    code = getattr(error.orig, "sqlite_errorname", "")
    if code.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")):
        return _("it cannot be written (read-only file, folder or disk, or no permission; "
                 "LaserLog writes beside the file too)")
    if code == "SQLITE_FULL":
        return _("the disk holding it is full; free some space")
    if "file is not a database" in message:
        return _("the file is not a LaserLog (SQLite) database")
    if "connection refused" in message.lower():
        return _("the database server is not running or cannot be reached")
    return message


class Database:
    """An open database: the engine and the one sessionmaker factory for reads and writes."""

    def __init__(self, url: str) -> None:
        self.url = parse_url(url)
        self._disposed = False
        self.display_url = describe(self.url)
        if self.is_sqlite:
            self._prepare_sqlite_file()
            if self.sqlite_path is not None:
                own_files.opened(self.sqlite_path)
            # LIFO: the connection used last (its page cache warm) is handed out first.
            self.engine = create_engine(self.url, connect_args={"timeout": 10},
                                        pool_use_lifo=True)
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_use_lifo=True)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(laserlog_write=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def libpq_url(self, with_password: bool = True) -> str:
        """The URL as libpq tools and plain psycopg connections take it (PostgreSQL)."""
        url = self.url._replace(drivername="postgresql")  # URL.set() ignores None
        if not with_password:
            url = url._replace(password=None)
        return url.render_as_string(hide_password=False)

    @property
    def sqlite_path(self) -> Path | None:
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(database)

    def _prepare_sqlite_file(self) -> None:
        path = self.sqlite_path
        if path is None:
            return
        if path == data_dir() / "laserlog.db":
            path.parent.mkdir(parents=True, exist_ok=True)
        if not path.parent.is_dir():
            raise DatabaseUnavailable(_(
                "Cannot open database {url}: the folder {folder} does not exist").format(
                url=self.display_url, folder=path.parent))
        if path.is_dir():
            raise DatabaseUnavailable(_("Cannot open database {url}: it is a folder").format(
                url=self.display_url))

    def check(self) -> None:
        """Connect once, turning every failure into one sentence that names the database."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                if self.is_sqlite:
                    conn.exec_driver_sql("PRAGMA schema_version").scalar()
        except exc.DBAPIError as error:
            raise DatabaseUnavailable(_("Cannot open database {url}: {reason}").format(
                url=self.display_url, reason=failure_reason(error))) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only unit of work (a refusal is recorded as in ``write``)."""
        with self._failures_explained(), self._reader() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short transaction: committed when the block ends, rolled back on an exception.

        A ``RecordedFailure`` (a refusal) is rolled back too, then recorded on its own, so the
        attempt leaves exactly one trace: its audit event.
        """
        with self._failures_explained(), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def _failures_explained(self) -> Iterator[None]:
        try:
            yield
        except exc.DBAPIError as error:
            explained = self.explain(error)
            if explained is not None:
                raise explained from None
            raise
        except RecordedFailure as failure:
            with self._writer() as session, session.begin():
                failure.record(session)
            raise

    def explain(self, error: exc.DBAPIError) -> LaserLogError | None:
        """A failure the environment caused, as one sentence saying what to do; None for a
        failure that is a bug (it is logged with its traceback further up)."""
        where = self.display_url
        code = getattr(error.orig, "sqlite_errorname", "") or getattr(error.orig, "sqlstate",
                                                                       "") or ""
        message = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if code == "SQLITE_FULL" or code == "53100" or "No space left" in message:
            return StorageFull(_(
                "The disk holding the database ({database}) is full: this change was not "
                "saved. Free some space; what is on screen stays and is saved then").format(
                database=where))
        if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) or \
                (code in ("25006", "42501") and "LaserLog keeps" not in message):
            return StorageReadOnly(_(
                "The database ({database}) cannot be written (read-only file, folder or disk, "
                "or no permission): this change was not saved. Ask IT to make it writable"
                ).format(database=where))
        if code.startswith("SQLITE_IOERR"):
            return StorageFull(_(
                "The disk holding the database ({database}) failed to write ({reason}): this "
                "change was not saved. Check the disk; what is on screen stays").format(
                database=where, reason=message))
        if code == "22001":
            if "(" in message:
                return ValueTooLong(_(
                    "A value is longer than the database allows (at most {limit} characters): "
                    "shorten it; nothing was saved").format(
                    limit=message.split("(")[-1].rstrip(")")))
            return ValueTooLong(_("A value is longer than the database allows (at most its "
                                  "limit characters): shorten it; nothing was saved"))
        if self._lost_server(error):
            return ServerUnreachable(_(
                "The database server ({database}) cannot be reached; nothing of this change "
                "was saved").format(database=where))
        return None

    def _lost_server(self, error: exc.DBAPIError) -> bool:
        if self.is_sqlite:
            return False
        text = str(error.orig).lower()
        return error.connection_invalidated or any(
            sign in text for sign in ("connection", "server closed", "terminating", "refused"))

    def dispose(self) -> None:
        self.engine.dispose()
        if self.sqlite_path is not None and not self._disposed:
            own_files.closed(self.sqlite_path)
        self._disposed = True


def open_database(url: str) -> Database:
    """Open and reach the database at ``url`` or raise DatabaseUnavailable."""
    database = Database(url)
    try:
        database.check()
    except DatabaseUnavailable:
        database.dispose()
        raise
    return database
