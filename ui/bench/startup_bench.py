"""``bench startup``: process start to main window shown, against a bare PySide6 window.

Both are started the same way, as fresh interpreters, several times; the medians compare.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from models.access import accounts
from models.storage.schema import open_current

ROOT = Path(__file__).resolve().parents[2]
BARE_WINDOW = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1360, 840)
window.show()
def shown():
    print(f"shown {time.perf_counter()}", flush=True)
    window.close()
QTimer.singleShot(0, shown)
app.exec()
"""
USER, PASSWORD = "bench", "bench-password"


def _probe(command: list[str], stdin: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from starting ``command`` to each ``label <time>`` line it prints, up to
    ``shown``: by the child's own clock (``perf_counter`` is the system's monotonic clock)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(stdin)
    process.stdin.close()
    seen: dict[str, float] = {}
    for line in process.stdout:
        label, _, value = line.strip().partition(" ")
        if label in ("signin", "ready", "accepted", "shown"):
            seen[label] = float(value) - started
        if label == "shown":
            break
    else:
        error = process.stderr.read() if process.stderr else ""
        process.wait(timeout=60)
        raise RuntimeError(f"the window was never shown: {error.strip()[-500:]}")
    process.wait(timeout=60)
    return seen


def probe_app(url: str, username: str, password: str, runs: int,
              env: dict[str, str] | None = None) -> dict[str, float]:
    """LaserLog started on ``url`` against a bare PySide6 window started the same way, each
    ``runs`` times: medians in seconds of start to sign-in shown, start to main window shown
    (both by the bare window's start to shown), sign-in shown to the database open behind it,
    and password accepted to the main window painted with its first screen filled (the
    password hash excluded)."""
    with tempfile.TemporaryDirectory(prefix="laserlog-bench-home-") as home:
        env = dict(env or os.environ, XDG_CONFIG_HOME=home,
                   QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        app_command = [sys.executable, "main.py", "--db", url, "--startup-probe"]
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        app, bare = [], []
        _probe(bare_command, "", env)  # warm the file cache for both
        _probe(app_command, f"{username}\n{password}\n", env)
        for _ in range(runs):
            bare.append(_probe(bare_command, "", env)["shown"])
            app.append(_probe(app_command, f"{username}\n{password}\n", env))
    return {
        "signin_s": statistics.median(run["signin"] for run in app),
        "window_s": statistics.median(run["shown"] for run in app),
        "bare_s": statistics.median(bare),
        "main_window_s": statistics.median(run["shown"] - run["accepted"] for run in app),
        # Before the password can be checked: the database opened and the window's modules
        # loaded, behind the sign-in (a password takes longer than this to type).
        "ready_s": statistics.median(run.get("ready", run["signin"]) - run["signin"]
                                     for run in app),
    }


def measure(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="laserlog-bench-") as home:
        url = f"sqlite:///{Path(home) / 'bench.db'}"
        database, _ = open_current(url)
        with database.write() as db:
            admin = accounts.create_user(db, username="admin", full_name="Admin", role="admin",
                                         password=PASSWORD, created_by=None)
            accounts.create_user(db, username=USER, full_name="Bench", role="technician",
                                 password=PASSWORD, created_by=admin)
        database.dispose()
        found = probe_app(url, USER, PASSWORD, runs,
                          env=dict(os.environ, XDG_DATA_HOME=home))
    return {
        "runs": runs,
        "startup_app_s": round(found["window_s"], 4),
        "startup_bare_s": round(found["bare_s"], 4),
        "startup_ratio": round(found["window_s"] / found["bare_s"], 3),
        "signin_ratio": round(found["signin_s"] / found["bare_s"], 3),
    }


def run_startup_bench(runs: int = 7, json_path: str | None = None) -> int:
    figures = measure(max(1, runs))
    print(f"startup: LaserLog {figures['startup_app_s'] * 1000:.0f} ms, bare PySide6 window "
          f"{figures['startup_bare_s'] * 1000:.0f} ms, ratio {figures['startup_ratio']:.2f} "
          f"(median of {figures['runs']} runs; goal at most 2)")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0
