import sqlite3
import warnings

import pytest
from alembic.util.exc import CommandError
from sqlalchemy import inspect

from models.access import accounts
from models.storage import schema
from models.storage.database import open_database
from models.storage.migrations import HEAD
from tests.entries import PASSWORD, RENDERING, STROKES


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
               or problem.endswith(("more signed session was changed",
                                    "more signed sessions were changed"))
               for problem in result.problems), result.problems


def test_0016_down_and_up_keeps_a_session_logged_on_time_and_guards_the_late_reason(
        database, technician, register_device, register_patient, logged_session):
    from sqlalchemy import exc, text

    from models.admin.integrity import verify
    from models.reading.session_content import content_digests
    from models.values.session_input import AreaInput
    from tests.models.helpers import session_entry

    device = register_device()
    neck = AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)
    on_time = logged_session(register_patient(technician), session_entry(device, neck))
    late = logged_session(register_patient(technician), session_entry(device, neck, days_ago=3))
    # Below 0021 the consents signed on screen are gone (its own test, below): the sessions
    # are compared as they are without them, before and after going below 0016.
    schema.migrate(database, "0020", downgrade=True)
    schema.migrate(database, "head")

    def digests():
        with database.read() as db:
            return {content.uuid: content.digest for content in content_digests(db)}

    before = digests()
    schema.migrate(database, "0015", downgrade=True)
    with database.engine.connect() as conn:
        assert "late_entry_reason" not in {
            c["name"] for c in inspect(conn).get_columns("treatment_sessions")}
        assert "text_value" not in {c["name"] for c in inspect(conn).get_columns(
            "clinic_settings")}
    schema.migrate(database, "head")
    after = digests()
    on_time_uuid, late_uuid = str(on_time.summary.uuid), str(late.summary.uuid)
    assert after[on_time_uuid] == before[on_time_uuid]  # kept exactly
    assert after[late_uuid] != before[late_uuid]  # the late one lost its reason
    result = verify(database)
    assert result.first_broken_seq is None and result.sessions_proven == 0
    with pytest.raises(exc.DBAPIError, match="never changed"), database.write() as db:
        db.execute(text("UPDATE treatment_sessions SET late_entry_reason = 'forged'"))


def test_0021_down_and_up_drops_the_consents_and_photos_and_guards_them_again(
        database, technician, register_device, register_patient, logged_session):
    from sqlalchemy import exc, text

    from models.admin.integrity import verify
    from models.clinic import consent_forms
    from models.values.session_input import AreaInput
    from tests.models.helpers import session_entry

    patient = register_patient(technician)
    done = logged_session(patient, session_entry(
        register_device(), AreaInput("neck", {"fluence_j_cm2": 20.0}, 100, 1)))
    assert done.screening.consent_id is not None
    assert verify(database).ok
    added = {"consent_documents", "signed_consents", "session_photos", "photo_images"}
    schema.migrate(database, "0020", downgrade=True)
    assert schema.current_revision(database) == "0020"
    with database.engine.connect() as conn:
        assert not added & set(inspect(conn).get_table_names())
        assert "consent_id" not in {c["name"] for c in inspect(conn).get_columns("screenings")}
    schema.migrate(database, "head")
    assert schema.current_revision(database) == HEAD
    with database.read() as db:
        assert consent_forms.in_force(db).version == "LST-1"  # the default form, again
        assert consent_forms.consent_on_file(db, patient.id, done.summary.started_at.date()) \
            is None
        assert db.execute(text("SELECT consent_id FROM screenings")).scalars().all() == [None]
    # The session went ahead under a consent that is no longer there: verify rightly says so.
    result = verify(database)
    assert result.first_broken_seq is None and result.sessions_proven == 0
    assert [p for p in result.problems if "no longer matches what was signed" in p], \
        result.problems
    with database.write() as db:  # the guards are back
        consent = consent_forms.sign_consent(
            db, technician, patient.id, consent_forms.in_force(db).id, "Pat Doe", STROKES,
            RENDERING, accounts.confirm_signature(db, technician, PASSWORD))
    with pytest.raises(exc.DBAPIError, match="LaserLog keeps clinical records"), \
            database.write() as db:
        db.execute(text("DELETE FROM signed_consents WHERE id = :id"),
                   {"id": consent.consent_id})


def test_the_guard_list_verify_checks_is_what_the_migrations_leave(database):
    from sqlalchemy import text

    from models.storage.migrations import GUARDS, SEARCH_TRIGGERS

    query = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if database.is_sqlite
             else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    with database.read() as db:
        found = set(db.execute(text(query)).scalars())
    dialect = database.engine.dialect.name
    assert found == GUARDS[dialect] | SEARCH_TRIGGERS[dialect], sorted(found)


def test_consent_languages_survive_a_migration_down_and_up(database, admin):
    """0023 adds the German default beside the English one in force; going back retires it
    (0022 would offer the newest of any language); coming back marks it German again."""
    from sqlalchemy import text

    from models.clinic import consent_forms

    with database.read() as db:
        assert consent_forms.in_force(db, "de").version == "LST-1-de"
    schema.migrate(database, "0022", downgrade=True)
    with database.read() as db:  # 0022's version in force: the newest not retired
        newest = db.execute(text("SELECT version FROM consent_documents WHERE retired_at IS "
                                 "NULL ORDER BY id DESC")).scalars().first()
    assert newest == "LST-1"
    schema.migrate(database, "head")
    with database.read() as db:
        languages = {version: language for version, language in db.execute(
            text("SELECT version, language FROM consent_documents"))}
        assert languages == {"LST-1": "en", "LST-1-de": "de"}
        assert consent_forms.in_force(db, "en").version == "LST-1"
        assert consent_forms.in_force(db, "de") is None  # retired on the way down


def test_the_german_default_is_added_only_where_the_english_one_is_in_force(tmp_path):
    """A clinic that retired the default for its own wording gets no stock German beside it."""
    from sqlalchemy import text

    from models.clinic import consent_forms
    from models.storage.database import open_database

    database = open_database(f"sqlite:///{tmp_path / 'clinic.db'}")
    try:
        schema.migrate(database, "0022")
        with database.write() as db:
            db.execute(text("INSERT INTO consent_documents (version, title, body, created_at) "
                            "VALUES ('OWN-1', 'Our consent', :body, CURRENT_TIMESTAMP)"),
                       {"body": "I agree to the treatment, its risks and its aftercare. " * 2})
            db.execute(text("UPDATE consent_documents SET retired_at = CURRENT_TIMESTAMP "
                            "WHERE version = 'LST-1'"))
        schema.migrate(database, "head")
        with database.read() as db:
            versions = set(db.execute(text("SELECT version FROM consent_documents")).scalars())
            assert versions == {"LST-1", "OWN-1"}
            assert consent_forms.in_force(db, "en").version == "OWN-1"
            assert consent_forms.in_force(db, "de") is None
    finally:
        database.dispose()
