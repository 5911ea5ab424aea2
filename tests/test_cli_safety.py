"""The command line creates no database but with init, knows who acts, records every
disclosure, says success only after the commit and fails in one line without a trace."""

import sqlite3
from contextlib import closing

import pytest

from tests.test_cli import ADMIN, DEMO, SUPERVISOR, demo_clinic, export, laserlog


def one_line_failure(result, message: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def audit_actions(path) -> list[tuple[str, str | None, str]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT action, actor_id, new_values FROM audit_events "
                            "ORDER BY seq").fetchall()


@pytest.mark.parametrize("args", [
    ("verify",), ("backup", "--out", "b.backup"), ("demo",),
    ("export", "--format", "csv", "--out", "x.csv", "--user", "s"),
    ("user", "list", "--user", "admin"), ("setting",),
])
def test_only_init_creates_a_database(tmp_path, args):
    missing = tmp_path / "clinc.db"  # mistyped
    one_line_failure(laserlog("--db", f"sqlite:///{missing}", *args),
                     f"there is no LaserLog database at {missing}")
    assert list(tmp_path.iterdir()) == []
    empty = tmp_path / "empty.db"
    empty.touch()
    one_line_failure(laserlog("--db", f"sqlite:///{empty}", *args), "is empty")
    assert empty.stat().st_size == 0
    one_line_failure(laserlog("--db", "sqlite://", *args), "in-memory database")


def test_commands_that_change_people_or_settings_need_an_administrator(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "2")
    before = len(audit_actions(tmp_path / "clinic.db"))
    mallory = ("user", "add", "mallory", "--role", "admin")
    assert laserlog("--db", url, *mallory, stdin="long-password\n").returncode == 2
    one_line_failure(laserlog("--db", url, *mallory, "--user", "admin",
                              stdin="wrong-password\nlong-password\n"), "")
    one_line_failure(laserlog("--db", url, *mallory, "--user", "demo.tech1",
                              stdin=DEMO + "long-password\n"), "is not an administrator")
    one_line_failure(laserlog("--db", url, "setting", "course_sessions", "3",
                              *SUPERVISOR, stdin=DEMO), "is not an administrator")
    listed = laserlog("--db", url, "user", "list", *ADMIN, stdin=DEMO).stdout
    assert "mallory" not in listed and "command-line" not in listed
    added = laserlog("--db", url, *mallory, *ADMIN, stdin=DEMO + "long-password\n")
    assert added.returncode == 0 and "Added admin mallory" in added.stdout
    actions = audit_actions(tmp_path / "clinic.db")[before:]
    assert ("login.failed" in [a for a, _, _ in actions]
            and "user.create" in [a for a, _, _ in actions])
    assert laserlog("--db", url, "verify").returncode == 0


def test_every_export_is_recorded_as_a_disclosure(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "5")
    one_line_failure(laserlog("--db", url, "export", "--format", "csv", "--out",
                              str(tmp_path / "x.csv"), "--user", "demo.tech1", stdin=DEMO),
                     "is not a supervisor")
    done = export(url, "--format", "csv", "--out", str(tmp_path / "all.csv"), "--area", "neck")
    assert done.returncode == 0, done.stderr
    last = audit_actions(tmp_path / "clinic.db")[-1]
    assert last[0] == "export" and last[1] is not None
    assert '"format":"csv"' in last[2] and '"area":"neck"' in last[2]
    assert f'"sessions":{done.stdout.split()[1]}' in last[2]


def test_a_nightly_backup_needs_no_password_and_is_recorded_with_its_machine(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "2")
    assert laserlog("--db", url, "backup", "--out", str(tmp_path / "n.backup")).returncode == 0
    action, actor, values = audit_actions(tmp_path / "clinic.db")[-1]
    assert action == "backup.create" and actor is None and '"machine":' in values


def test_a_restore_is_confirmed_and_refused_when_piped_without_yes(tmp_path):
    path = tmp_path / "clinic.db"
    url = demo_clinic(path, "--sessions", "2")
    backup = tmp_path / "clinic.backup"
    assert laserlog("--db", url, "backup", "--out", str(backup)).returncode == 0
    before = path.read_bytes()
    refused = laserlog("--db", url, "restore", str(backup), *ADMIN, stdin=DEMO)
    one_line_failure(refused, "not confirmed: run it again with --yes")
    assert "2 sessions" in refused.stderr  # both databases' counts are shown
    assert path.read_bytes() == before


@pytest.mark.parametrize(("args", "message"), [
    (("export", "--format", "csv", "--out", "x.csv", "--to", "9999-12-31"), "Exported"),
    (("export", "--format", "csv", "--out", "x.csv", "--from", "0001-01-01"), "Exported"),
    (("export", "--format", "csv", "--out", "caf\udce9.csv"), "characters this system"),
    (("backup", "--out", "caf\udce9.backup"), "characters this system"),
])
def test_odd_arguments_are_one_line_not_an_internal_error(tmp_path, args, message):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "2")
    extra = SUPERVISOR if args[0] == "export" else ()
    done = laserlog("--db", url, *args, *extra, stdin=DEMO, cwd=tmp_path)
    assert "internal error" not in done.stderr, done.stderr
    assert message in done.stdout + done.stderr


def test_a_demo_never_mixes_with_a_clinics_records(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert laserlog("--db", url, "init", "--admin", "boss", stdin="long-password\n"
                    ).returncode == 0
    with closing(sqlite3.connect(tmp_path / "clinic.db")) as conn:
        conn.execute("INSERT INTO patients (uuid, identifier, full_name, created_at) "
                     "VALUES ('0123456789abcdef0123456789abcdef', 'P-1', 'A real patient', "
                     "'2026-01-01 00:00:00')")
        conn.commit()
    one_line_failure(laserlog("--db", url, "demo", "--sessions", "2"),
                     "holds a clinic's own patients")
    with closing(sqlite3.connect(tmp_path / "clinic.db")) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1


@pytest.mark.parametrize(("args", "message"), [
    (("simulate", "--format", "csv", "--out", "s.csv", "--sessions", str(10**40)), "at most"),
    (("simulate", "--format", "csv", "--out", "s.csv", "--pulses", str(10**40)), "at most"),
    (("bench", "import", "--runs", "0"), "--runs must be at least 1"),
    (("bench", "startup", "--runs", "1", "--json", "missing/b.json"), "does not exist"),
])
def test_bounds_and_missing_folders_are_one_line_at_once(tmp_path, args, message):
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert laserlog("--db", url, "init").returncode == 0
    one_line_failure(laserlog("--db", url, *args, cwd=tmp_path), message)
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("command", [("init",), ("verify",)])
def test_a_database_path_this_system_cannot_encode_is_one_line(tmp_path, command):
    one_line_failure(laserlog("--db", f"sqlite:///{tmp_path}/caf\udce9.db", *command),
                     "characters this system cannot use")


def test_a_file_cut_off_is_refused_unless_the_import_accepts_it(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "2")
    made = laserlog("--db", url, "simulate", "--format", "csv", "--out", "s.csv", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    data = (tmp_path / "s.csv").read_bytes()
    (tmp_path / "s.csv").write_bytes(data[: data.rstrip(b"\r\n").rfind(b",") + 3])
    tech = ("--user", "demo.tech1")
    refused = laserlog("--db", url, "import", "s.csv", *tech, stdin=DEMO, cwd=tmp_path)
    assert refused.returncode == 1 and "seems cut off at line" in refused.stdout + refused.stderr
    action, actor, values = audit_actions(tmp_path / "clinic.db")[-1]  # a refusal is kept
    assert action == "refused" and actor is not None and '"action":"import"' in values
    done = laserlog("--db", url, "import", "s.csv", "--accept-cut-off", *tech, stdin=DEMO,
                    cwd=tmp_path)
    assert done.returncode == 0 and "Imported" in done.stdout, done.stdout + done.stderr
