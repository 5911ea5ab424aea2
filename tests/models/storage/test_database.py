import pytest
from sqlalchemy import text

from models.errors import DatabaseUnavailable
from models.storage.database import default_url, describe, open_database, resolve_url
from models.storage.preferences import Settings


def test_url_resolution_order():
    settings = Settings(database_url="sqlite:///from-settings.db")
    env = {"LASERLOG_DB": "sqlite:///from-env.db"}
    assert resolve_url("sqlite:///cli.db", env, settings) == "sqlite:///cli.db"
    assert resolve_url(None, env, settings) == "sqlite:///from-env.db"
    assert resolve_url(None, {}, settings) == "sqlite:///from-settings.db"
    assert resolve_url(None, {}, Settings(database_url="")) == default_url()
    assert default_url().endswith("laserlog.db")


def test_settings_round_trip_and_survive_damage(tmp_path):
    path = tmp_path / "settings.json"
    Settings(database_url="sqlite:///x.db", room="Room 3").save(path)
    assert Settings.load(path).room == "Room 3"
    path.write_text("{not json")
    assert Settings.load(path).database_url == ""


def test_sqlite_connections_use_the_safe_pragmas(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    db.dispose()


def test_password_is_hidden_when_a_url_is_shown():
    assert "s3cret" not in describe("postgresql://clinic:s3cret@db.local/laserlog")
    assert "***" in describe("postgresql://clinic:s3cret@db.local/laserlog")


def test_not_a_sqlite_file_is_one_clear_message(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_bytes(b"this is not a database at all, just some text" * 100)
    with pytest.raises(DatabaseUnavailable, match="not a LaserLog \\(SQLite\\) database") as e:
        open_database(f"sqlite:///{bogus}")
    assert str(bogus) in str(e.value)


def test_missing_folder_and_bad_urls_are_named(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        open_database(f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")
    with pytest.raises(DatabaseUnavailable, match="not a database URL"):
        open_database("this is not a url")
    with pytest.raises(DatabaseUnavailable, match="only SQLite and PostgreSQL"):
        open_database("mysql://u@h/d")


def test_server_down_names_the_database_without_the_password():
    with pytest.raises(DatabaseUnavailable) as refused:
        open_database("postgresql://clinic:s3cret@127.0.0.1:9/laserlog")
    message = str(refused.value)
    assert "127.0.0.1:9/laserlog" in message and "s3cret" not in message
    assert "not running or cannot be reached" in message


def test_driver_messages_are_shown_on_one_short_line():
    from models.errors import one_line

    assert one_line("*** in database main ***\nPage 3: btreeInitPage() returns error code 11"
                    ) == "*** in database main *** Page 3: btreeInitPage() returns error code 11"
    assert len(one_line("x" * 500)) == 200
