import sqlite3

import pytest
from alembic.util.exc import CommandError
from sqlalchemy import inspect

from models.storage import schema
from models.storage.database import open_database
from models.storage.migrations import HEAD


def test_head_constant_matches_the_newest_migration():
    assert schema.alembic_head() == HEAD


def test_migration_creates_every_table_and_is_idempotent(database):
    assert schema.current_revision(database) == HEAD
    tables = set(inspect(database.engine).get_table_names())
    assert {"patients", "users", "devices", "treatment_sessions", "treated_areas",
            "parameter_settings", "anaesthetics", "reactions", "audit_events"} <= tables
    assert schema.upgrade(database) is None


def test_an_old_sqlite_file_is_backed_up_before_upgrading(tmp_path):
    path = tmp_path / "clinic.db"
    db = open_database(f"sqlite:///{path}")
    schema.upgrade(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
        conn.exec_driver_sql("DROP TABLE audit_events")
    with pytest.raises(CommandError, match="older"):  # not a real revision; backup still made
        schema.upgrade(db)
    backups = list(tmp_path.glob("clinic.db.before-older-*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("older",)
    db.dispose()


def test_the_migrations_build_exactly_the_schema_the_models_describe(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.records.entities import Base

    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_a_postgresql_database_is_dumped_before_upgrading(database):
    if database.is_sqlite:
        pytest.skip("the SQLite file copy is tested above")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
    with pytest.raises(Exception):  # noqa: B017 - 0003's tables exist; the dump comes first
        schema.upgrade(database)
    dumps = list((schema.data_dir() / "backups").glob(f"{database.url.database}.before-0002-*"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0


def test_a_database_full_of_sessions_migrates_down_and_up_keeping_everything(database):
    from sqlalchemy import text

    from devices.simulated.demo_clinic import build_demo
    from models.admin.integrity import verify

    build_demo(database, sessions=6, seed=4)
    tables = ("treatment_sessions", "treated_areas", "parameter_settings", "reactions",
              "anaesthetics", "pulse_traces", "audit_events")

    def counts():
        with database.read() as db:
            return {t: db.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}

    def courses():
        with database.read() as db:
            return set(db.execute(text("SELECT patient_id, area FROM treatment_courses")))

    before, opened = counts(), courses()
    # Down to the screenings (0008): further down drops them, which verify rightly names.
    schema.migrate(database, "0008", downgrade=True)
    assert schema.current_revision(database) == "0008"
    schema.migrate(database, "head")
    assert schema.current_revision(database) == HEAD
    assert counts() == before and verify(database).ok
    assert courses() == opened and opened  # back-filled from the signed sessions


def test_the_guard_list_verify_checks_is_what_the_migrations_leave(database):
    from sqlalchemy import text

    from models.storage.migrations import GUARDS

    query = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if database.is_sqlite
             else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    with database.read() as db:
        found = set(db.execute(text(query)).scalars())
    assert found == GUARDS[database.engine.dialect.name], sorted(found)
