"""Creating and upgrading the schema, only ever through the Alembic migrations.

A SQLite file that already holds data is backed up before any migration touches it.
"""

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import exc, inspect, text

from models.errors import DatabaseUnavailable, one_line
from models.language import _, ngettext
from models.storage.database import Database, failure_reason, open_database
from models.storage.migrations import HEAD
from models.storage.preferences import data_dir
from models.storage.snapshots import backup_sqlite_file, dump_postgres

if TYPE_CHECKING:
    import sqlite3

    from alembic.config import Config

# Alembic is imported only when a migration has to run: start-up stays quick.


def _alembic_config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("models.storage") / "migrations"))
    return config


def alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revision(revision: str) -> bool:
    """Whether this LaserLog knows the schema revision (a newer LaserLog's it does not)."""
    return revision.isdigit() and int(revision) <= int(HEAD)


def upgrade(database: Database) -> Path | None:
    """Bring the schema to the newest revision; return the pre-migration backup, if one was made."""
    current = current_revision(database)
    if current == HEAD:
        return None
    if current is None:
        with database.engine.connect() as conn:
            tables = inspect(conn).get_table_names()
        if tables:
            raise DatabaseUnavailable(_(
                "{database} holds tables but no LaserLog schema version: it is not a LaserLog "
                "database, or it is damaged; nothing was changed").format(
                database=database.display_url))
    if current is not None and current.isdigit() and not known_revision(current):
        raise DatabaseUnavailable(_(
            "{database} was written by a newer LaserLog (schema {revision}; this one knows up "
            "to {head}); update LaserLog on this PC").format(
            database=database.display_url, revision=current, head=HEAD))
    backup = None
    path = database.sqlite_path
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if current is not None and path is not None and path.exists():
        backup = backup_sqlite_file(path, path.with_name(f"{path.name}.before-{current}-{stamp}"))
    elif current is not None and not database.is_sqlite:
        folder = data_dir() / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        backup = dump_postgres(database, folder / f"{database.url.database}.before-{current}-"
                                                  f"{stamp}.dump")
    migrate(database, "head")
    return backup


def migrate(database: Database, revision: str, downgrade: bool = False) -> None:
    """Run the migrations up (or down) to ``revision`` in one transaction."""
    from alembic import command

    config = _alembic_config()
    with database.engine.connect() as conn:
        if database.is_sqlite:
            # Table rebuilds (batch migrations) need foreign keys off; the pragma only
            # works outside a transaction, and the keys are checked before committing.
            # (SQLite only, and the connection is live: dbapi_connection is not None here.)
            cast("sqlite3.Connection", conn.connection.dbapi_connection).execute(
                "PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                (command.downgrade if downgrade else command.upgrade)(config, revision)
                if database.is_sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseUnavailable(ngettext(
                            "Migrating {database} would break {n} reference between tables; "
                            "nothing was changed",
                            "Migrating {database} would break {n} references between tables; "
                            "nothing was changed", len(broken)).format(
                            database=database.display_url, n=len(broken)))
        finally:
            if database.is_sqlite:
                cast("sqlite3.Connection", conn.connection.dbapi_connection).execute(
                    "PRAGMA foreign_keys=ON")


def check_sqlite_storage(database: Database) -> None:
    """Refuse a damaged SQLite file before anything reads or writes it."""
    try:
        with database.engine.connect() as conn:
            found = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    except exc.DBAPIError as error:
        found = [failure_reason(error)]
    if found != ["ok"]:
        raise DatabaseUnavailable(_(
            "{database} is damaged ({reason}); restore the latest backup (python main.py "
            "restore FILE)").format(database=database.display_url, reason=one_line(found[0])))


def open_current(url: str) -> tuple[Database, Path | None]:
    """Open the database at ``url`` and bring its schema up to date (backing up first)."""
    database = open_database(url)
    try:
        if database.is_sqlite:
            check_sqlite_storage(database)
        return database, upgrade(database)
    except exc.DBAPIError as error:
        database.dispose()
        raise DatabaseUnavailable(_("Cannot set up the LaserLog tables in {database}: {reason}")
                                  .format(database=database.display_url,
                                          reason=failure_reason(error))) from None
    except BaseException:
        database.dispose()
        raise
