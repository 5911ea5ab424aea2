"""The command line, run as a user runs it: a subprocess, its exit code, stdout and stderr."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def laserlog(*args: str, stdin: str = "", env: dict | None = None,
             cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, input=stdin,
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )


DEMO = "laserlog-demo\n"  # the demo accounts' published password, as piped
SUPERVISOR = ("--user", "demo.supervisor")
ADMIN = ("--user", "admin")


def demo_clinic(path: Path, *args: str) -> str:
    """A database made by ``init`` and filled by ``demo``; its URL."""
    url = f"sqlite:///{path}"
    assert laserlog("--db", url, "init").returncode == 0
    made = laserlog("--db", url, "demo", *args)
    assert made.returncode == 0, made.stderr
    return url


def export(url: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return laserlog("--db", url, "export", *args, *SUPERVISOR, stdin=DEMO, **kwargs)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_init_demo_export_round_trip(database_url, tmp_path):
    created = laserlog("--db", database_url, "init", "--admin", "boss", stdin="long-password\n")
    assert created.returncode == 0, created.stderr
    assert "Created administrator boss" in created.stdout

    demo = laserlog("--db", database_url, "demo", "--sessions", "12", "--seed", "5")
    assert demo.returncode == 0, demo.stderr
    assert "Added 12 sessions" in demo.stdout

    out = tmp_path / "sessions.csv"
    exported = export(database_url, "--format", "csv", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = read_csv(out)
    assert len(rows) == 12
    assert set(rows[0]) >= {"session_uuid", "start", "patient_identifier", "technician",
                            "areas", "duration_minutes", "anaesthetic", "reactions", "status"}
    assert {r["status"] for r in rows} <= {"completed", "reviewed", "amended"}  # all signed
    assert "reviewed" in {r["status"] for r in rows}  # the demo's supervisor signed most off
    assert all(15 <= float(r["duration_minutes"]) <= 360 for r in rows)
    starts = [r["start"] for r in rows]
    assert starts == sorted(starts, reverse=True)


def test_demo_is_the_same_for_the_same_seed(tmp_path):
    exports = []
    for name in ("a", "b", "c"):
        seed = "9" if name != "c" else "10"
        url = demo_clinic(tmp_path / f"{name}.db", "--sessions", "8", "--seed", seed)
        out = tmp_path / f"{name}.csv"
        assert export(url, "--format", "csv", "--out", str(out)).returncode == 0
        exports.append(read_csv(out))
    assert exports[0] == exports[1]
    assert exports[0] != exports[2]


def test_env_variable_picks_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = laserlog("init", env={"LASERLOG_DB": url})
    assert result.returncode == 0 and str(tmp_path / "env.db") in result.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("init", "--admin", "boss"), "short\n", "at least 8 characters"),
        (("init", "--admin", "boss"), "", "no password on standard input"),
        (("demo", "--sessions", "0"), "", "--sessions must be at least 1"),
        (("export", "--format", "csv", "--out", "x.csv", "--user", "s"), "",
         "there is no LaserLog database at"),
        (("verify",), "", "there is no LaserLog database at"),
    ],
)
def test_failures_exit_1_with_one_clear_line(tmp_path, args, stdin, message):
    result = laserlog("--db", f"sqlite:///{tmp_path / 'x.db'}", *args, stdin=stdin)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_unopenable_databases_exit_1_naming_them(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(4096))
    for url, expected in (
        (f"sqlite:///{garbage}", "not a LaserLog (SQLite) database"),
        ("postgresql://clinic:hunter22@127.0.0.1:9/laserlog", "cannot be reached"),
        ("nonsense", "not a database URL"),
    ):
        result = export(url, "--format", "csv", "--out", str(tmp_path / "o.csv"))
        assert result.returncode == 1, url
        assert expected in result.stderr and "hunter22" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.csv").exists()


def test_a_damaged_database_is_refused_in_one_line_and_left_alone(tmp_path):
    path = tmp_path / "clinic.db"
    demo_clinic(path, "--sessions", "3")
    url = f"sqlite:///{path}"
    healthy = path.read_bytes()
    for start in (5000, 9000):  # different pages, different complaints from SQLite
        damaged = bytearray(healthy)
        damaged[start:start + 4000] = b"\xff" * 4000
        path.write_bytes(damaged)
        result = laserlog("--db", url, "verify")
        assert result.returncode == 1 and "is damaged" in result.stderr, result.stderr
        assert "restore the latest backup" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert path.read_bytes() == damaged


def test_a_damaged_database_is_brought_back_from_its_backup(tmp_path):
    path = tmp_path / "clinic.db"
    url = demo_clinic(path, "--sessions", "3")
    backup = tmp_path / "clinic.backup"
    assert laserlog("--db", url, "backup", "--out", str(backup)).returncode == 0
    for damage in (lambda data: data[:20000], lambda data: data[:5000] + b"\xff" * 4000
                   + data[9000:]):
        path.write_bytes(damage(path.read_bytes()))
        restored = laserlog("--db", url, "restore", str(backup), *ADMIN, "--yes", stdin=DEMO)
        assert restored.returncode == 0, restored.stderr
        checked = laserlog("--db", url, "verify")
        assert checked.returncode == 0, checked.stderr


def test_second_demo_with_the_same_seed_is_refused(tmp_path):
    url = demo_clinic(tmp_path / "d.db", "--sessions", "2")
    again = laserlog("--db", url, "demo", "--sessions", "2")
    assert again.returncode == 1 and "already in this database" in again.stderr


@pytest.mark.parametrize("args", [("export",), ("export", "--format", "docx", "--out", "x"),
                                  ("nosuchcommand",), ("demo", "--sessions", "many")])
def test_usage_errors_exit_2(args):
    assert laserlog(*args).returncode == 2


def test_bench_startup_writes_the_ratio(tmp_path):
    out = tmp_path / "bench.json"
    result = laserlog("bench", "startup", "--runs", "1", "--json", str(out))
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    assert figures["startup_ratio"] == pytest.approx(
        figures["startup_app_s"] / figures["startup_bare_s"], rel=0.01)
    assert "ratio" in result.stdout


def test_user_commands_add_disable_unlock_and_list(tmp_path):
    url = f"sqlite:///{tmp_path / 'staff.db'}"
    assert laserlog("--db", url, "init", "--admin", "boss", stdin="long-password\n").returncode == 0
    boss = ("--user", "boss")
    added = laserlog("--db", url, "user", "add", "tina", "--role", "technician",
                     "--full-name", "Tina Tan", *boss, stdin="long-password\nanother-password\n")
    assert added.returncode == 0, added.stderr
    assert laserlog("--db", url, "user", "unlock", "tina", *boss,
                    stdin="long-password\n").returncode == 0
    assert laserlog("--db", url, "user", "disable", "tina", *boss,
                    stdin="long-password\n").returncode == 0
    listed = laserlog("--db", url, "user", "list", *boss,
                      stdin="long-password\n").stdout.splitlines()
    assert "tina\ttechnician\tdisabled\tTina Tan" in listed
    assert "boss\tadmin\tactive\tboss" in listed
    for args, stdin, message in (
        (("user", "disable", "nobody"), "", "No user 'nobody'"),
        (("user", "add", "tina", "--role", "admin"), "long-password\n", "already taken"),
        (("user", "add", "shorty", "--role", "admin"), "short\n", "at least 8"),
    ):
        failed = laserlog("--db", url, *args, *boss, stdin="long-password\n" + stdin)
        assert failed.returncode == 1 and message in failed.stderr, failed.stderr
    assert laserlog("--db", url, "user", "add", "x", "--role", "king", *boss).returncode == 2
    assert laserlog("--db", url, "verify").returncode == 0


def test_clinic_settings_are_listed_and_changed_within_their_range(tmp_path):
    url = f"sqlite:///{tmp_path / 'settings.db'}"
    assert laserlog("--db", url, "init", "--admin", "boss", stdin="long-password\n").returncode == 0
    changed = laserlog("--db", url, "setting", "incident_due_hours", "12", "--user", "boss",
                       stdin="long-password\n")
    assert changed.returncode == 0, changed.stderr
    assert "incident_due_hours\t12 hours\tTime to file an incident report" in \
        changed.stdout.splitlines()
    refused = laserlog("--db", url, "setting", "course_sessions", "0", "--user", "boss",
                       stdin="long-password\n")
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("Sessions in a new course: from 1 to 50 sessions")
    assert laserlog("--db", url, "setting", "course_sessions").returncode == 2
    assert "course_sessions\t6 sessions" in laserlog("--db", url, "setting").stdout
    assert laserlog("--db", url, "verify").returncode == 0


def test_text_settings_take_text_and_number_settings_only_numbers(tmp_path):
    url = f"sqlite:///{tmp_path / 'settings.db'}"
    assert laserlog("--db", url, "init", "--admin", "boss", stdin="long-password\n").returncode == 0
    boss = ("--user", "boss")
    named = laserlog("--db", url, "setting", "clinic_name", "Lumen Skin Clinic", *boss,
                     stdin="long-password\n")
    assert named.returncode == 0, named.stderr
    assert "clinic_name\tLumen Skin Clinic\tClinic name" in named.stdout.splitlines()
    assert "late_entry_hours\t24 hours\t" in named.stdout
    assert "allow_uncertified\t0\t" in named.stdout
    wordy = laserlog("--db", url, "setting", "late_entry_hours", "two days", *boss,
                     stdin="long-password\n")
    assert wordy.returncode == 1 and "from 1 to 720 hours" in wordy.stderr, wordy.stderr
    long = laserlog("--db", url, "setting", "clinic_phone", "5" * 201, *boss,
                    stdin="long-password\n")
    assert long.returncode == 1 and "at most 200 characters" in long.stderr, long.stderr
    cleared = laserlog("--db", url, "setting", "clinic_name", "", *boss,
                       stdin="long-password\n")
    assert cleared.returncode == 0 and "clinic_name\t\tClinic name" in cleared.stdout
    assert laserlog("--db", url, "verify").returncode == 0


def test_backup_and_restore_commands(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "3")
    out = tmp_path / "clinic.backup"
    made = laserlog("--db", url, "backup", "--out", str(out))
    assert made.returncode == 0 and "(checked)" in made.stdout, made.stderr
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(out.read_bytes()[:4096])
    refused = laserlog("--db", url, "restore", str(truncated), *ADMIN, "--yes", stdin=DEMO)
    assert refused.returncode == 1 and "damaged or truncated" in refused.stderr
    assert "Traceback" not in refused.stderr
    restored = laserlog("--db", url, "restore", str(out), *ADMIN, "--yes", stdin=DEMO)
    assert restored.returncode == 0 and "chain correctly" in restored.stdout, restored.stderr


def test_a_database_from_a_newer_laserlog_is_refused_with_one_line(tmp_path):
    import sqlite3

    path = tmp_path / "newer.db"
    url = f"sqlite:///{path}"
    assert laserlog("--db", url, "init").returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    refused = laserlog("--db", url, "verify")
    assert refused.returncode == 1 and "newer LaserLog" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_export_takes_the_history_filters(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "30", "--seed", "9")
    out = tmp_path / "all.csv"
    assert export(url, "--format", "csv", "--out", str(out)).returncode == 0
    every = read_csv(out)
    some_day = every[len(every) // 2]["start"][:10]
    neck = tmp_path / "neck.csv"
    done = export(url, "--format", "csv", "--out", str(neck), "--area", "Neck",
                  "--technician", "demo.tech1", "--from", "2000-01-01", "--to", some_day)
    assert done.returncode == 0, done.stderr
    rows = read_csv(neck)
    expected = [r for r in every if "Neck" in r["areas"].split("; ")
                and r["technician"] == "Carmen Ortiz" and r["start"][:10] <= some_day]
    assert [r["session_uuid"] for r in rows] == [r["session_uuid"] for r in expected]
    for args, message in ((("--area", "elbow"), "No treated area 'elbow'"),
                          (("--technician", "nobody"), "No single user is called 'nobody'"),
                          (("--from", "2026-13-01"), "is not a date"),
                          (("--from", "2026-02-01", "--to", "2026-01-01"), "--to is before")):
        failed = export(url, "--format", "csv", "--out", str(tmp_path / "x.csv"), *args)
        assert failed.returncode == 1 and message in failed.stderr, failed.stderr
        assert not (tmp_path / "x.csv").exists() and not list(tmp_path.glob("*.part"))


def test_export_fhir_writes_a_bundle(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "4")
    out = tmp_path / "bundle.json"
    done = export(url, "--format", "fhir", "--out", str(out))
    assert done.returncode == 0 and "Exported 4 sessions" in done.stdout, done.stderr
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) > 4
    assert bundle["meta"]["tag"][0]["code"].startswith("audit chain head: event ")


def test_export_pdf_writes_a_period_summary_with_charts(tmp_path):
    url = demo_clinic(tmp_path / "clinic.db", "--sessions", "12")
    out = tmp_path / "summary.pdf"
    done = export(url, "--format", "pdf", "--out", str(out), "--from", "2000-01-01",
                  env={"DISPLAY": "", "QT_QPA_PLATFORM": ""})
    assert done.returncode == 0 and "Exported 12 sessions" in done.stdout, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Subtype /Image") >= 3


def test_bench_history_measures_through_the_model(tmp_path):
    out = tmp_path / "history.json"
    done = laserlog("bench", "history", "--sessions", "300", "--json", str(out),
                    env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["sessions"] == 300
    assert figures["history_paint_ratio"] > 0 and figures["deep_page_ratio"] > 0
    assert set(figures["filter_p95_ms"]) == {"date", "area", "patient"}


def test_bench_loop_drives_the_widgets_between_two_patients(tmp_path):
    out = tmp_path / "loop.json"
    done = laserlog("bench", "loop", "--sessions", "300", "--runs", "1", "--json", str(out),
                    env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["sessions"] == 300 and figures["runs"] == 100
    for key in ("signin_ratio", "main_window_ms", "patient_search_p95_ms", "form_open_p95_ms",
                "autosave_p95_ms", "complete_p95_ms", "detail_open_p95_ms", "loop_ms"):
        assert figures[key] > 0, key


def test_bench_verify_measures_against_hashlib(tmp_path):
    out = tmp_path / "verify.json"
    done = laserlog("bench", "verify", "--sessions", "300", "--json", str(out))
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["sessions"] == 300 and figures["content_mb"] > 0
    assert figures["verify_to_hashlib_ratio"] == pytest.approx(
        figures["verify_s"] / figures["hashlib_s"], rel=0.1)
