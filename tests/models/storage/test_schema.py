import sqlite3
import warnings

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
    from models.storage.migrations import SEARCH_INDEXES, SEARCH_TABLE

    def described(name, kind, _parent_names):
        """The patient search's own index objects (migration 0017) are not the entities'."""
        if kind == "table":
            return not name.startswith(SEARCH_TABLE)
        return not (kind == "index" and name in SEARCH_INDEXES)

    with database.engine.connect() as conn, warnings.catch_warnings():
        # SQLite's reflection says it skips the expression index (excluded above anyway).
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        context = MigrationContext.configure(conn, opts={"compare_type": False,
                                                         "include_name": described})
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
    assert verify(database).ok
    # Down to the screenings (0008): further down drops them, which verify rightly names.
    schema.migrate(database, "0008", downgrade=True)
    assert schema.current_revision(database) == "0008"
    schema.migrate(database, "head")
    assert schema.current_revision(database) == HEAD
    assert counts() == before
    assert courses() == opened and opened  # back-filled from the signed sessions
    # Below 0016 the demo's reasons for logging late are dropped, which verify rightly names
    # (the demo logs a past year, every session late); nothing else differs.
    result = verify(database)
    assert result.first_broken_seq is None and result.problems
    assert all("no longer matches what was signed" in problem
               or "more signed sessions were changed" in problem
               for problem in result.problems), result.problems


def test_0016_down_and_up_keeps_a_session_logged_on_time_and_guards_the_late_reason(
        database, technician, register_device, register_patient, logged_session):
    from sqlalchemy import exc, text

    from models.admin.integrity import verify
    from models.values.session_input import AreaInput
    from tests.models.helpers import session_entry

    device = register_device()
    neck = AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)
    on_time = logged_session(register_patient(technician), session_entry(device, neck))
    late = logged_session(register_patient(technician), session_entry(device, neck, days_ago=3))
    schema.migrate(database, "0015", downgrade=True)
    with database.engine.connect() as conn:
        assert "late_entry_reason" not in {
            c["name"] for c in inspect(conn).get_columns("treatment_sessions")}
        assert "text_value" not in {c["name"] for c in inspect(conn).get_columns(
            "clinic_settings")}
    schema.migrate(database, "head")
    result = verify(database)
    assert result.sessions_proven == 1  # the one on time; the late one lost its reason
    assert [p for p in result.problems if str(late.summary.uuid) in p] == result.problems
    assert str(on_time.summary.uuid) not in " ".join(result.problems)
    with pytest.raises(exc.DBAPIError, match="never changed"), database.write() as db:
        db.execute(text("UPDATE treatment_sessions SET late_entry_reason = 'forged'"))


def test_the_guard_list_verify_checks_is_what_the_migrations_leave(database):
    from sqlalchemy import text

    from models.storage.migrations import GUARDS, SEARCH_TRIGGERS

    query = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if database.is_sqlite
             else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    with database.read() as db:
        found = set(db.execute(text(query)).scalars())
    dialect = database.engine.dialect.name
    assert found == GUARDS[dialect] | SEARCH_TRIGGERS[dialect], sorted(found)
