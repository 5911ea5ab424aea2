"""Test set-up shared by every test: isolated user folders, SQLite and PostgreSQL databases."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

os.environ["QT_QPA_PLATFORM"] = os.environ.get("LASERLOG_TEST_PLATFORM", "offscreen")
_home = tempfile.mkdtemp(prefix="laserlog-test-home-")
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_home, _var.lower())
os.environ.pop("LASERLOG_DB", None)
# English texts and ISO dates whatever the machine's locale (tests of other languages ask)
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"

import psycopg  # noqa: E402
import pytest  # noqa: E402

from models.access import accounts  # noqa: E402
from models.storage import schema  # noqa: E402
from models.storage.database import Database, open_database  # noqa: E402
from models.values.rows import Actor  # noqa: E402
from tests.entries import PASSWORD  # noqa: E402
from tests.postgres_cluster import Cluster  # noqa: E402

#: One template per test worker: workers sharing a server (LASERLOG_TEST_PG) do not make and
#: drop each other's.
TEMPLATE = f"laserlog_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
ADMIN_PASSWORD = PASSWORD


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """An admin URL to a running PostgreSQL server with a migrated template database."""
    cluster = None
    url = os.environ.get("LASERLOG_TEST_PG")
    if not url:
        cluster = Cluster()
        cluster.start()
        url = cluster.admin_url
    try:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        template = Database(url.rsplit("/", 1)[0] + f"/{TEMPLATE}")
        schema.upgrade(template)
        template.dispose()
        yield url
    finally:
        if cluster is not None:
            cluster.stop()


def make_postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(admin_url: str, name: str) -> None:
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'laserlog.db'}"
        db = open_database(url)
        schema.upgrade(db)
        db.dispose()
        yield url
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    name, url = make_postgres_database(admin_url)
    try:
        yield url
    finally:
        drop_postgres_database(admin_url, name)


@pytest.fixture
def database(database_url) -> Iterator[Database]:
    db = open_database(database_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def admin(database) -> Actor:
    with database.write() as s:
        return accounts.create_user(
            s, username="admin", full_name="Ada Admin", role="admin",
            password=ADMIN_PASSWORD, created_by=None,
        )


@pytest.fixture
def technician(database, admin) -> Actor:
    """A technician whose certification runs for another year."""
    with database.write() as s:
        tess = accounts.create_user(
            s, username="tess", full_name="Tess Tech", role="technician",
            password=ADMIN_PASSWORD, created_by=admin,
        )
        accounts.record_certification(s, admin, "tess", "LT-TESS",
                                      date.today() + timedelta(days=365))
        return tess


@pytest.fixture
def supervisor(database, admin) -> Actor:
    with database.write() as s:
        return accounts.create_user(
            s, username="sam", full_name="Sam Supervisor", role="supervisor",
            password=ADMIN_PASSWORD, created_by=admin,
        )
