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


def _time_to_window(command: list[str], stdin: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(stdin)
    process.stdin.close()
    for line in process.stdout:
        if line.startswith("shown "):
            elapsed = time.perf_counter() - started
            break
    else:
        error = process.stderr.read() if process.stderr else ""
        raise RuntimeError(f"the window was never shown: {error.strip()[-500:]}")
    process.wait(timeout=60)
    return elapsed


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
        env = dict(os.environ, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home,
                   QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        app_command = [sys.executable, "main.py", "--db", url, "--startup-probe"]
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        app, bare = [], []
        _time_to_window(bare_command, "", env)  # warm the file cache for both
        for _ in range(runs):
            bare.append(_time_to_window(bare_command, "", env))
            app.append(_time_to_window(app_command, f"{USER}\n{PASSWORD}\n", env))
    app_s, bare_s = statistics.median(app), statistics.median(bare)
    return {
        "runs": runs,
        "startup_app_s": round(app_s, 4),
        "startup_bare_s": round(bare_s, 4),
        "startup_ratio": round(app_s / bare_s, 3),
    }


def run_startup_bench(runs: int = 7, json_path: str | None = None) -> int:
    figures = measure(max(1, runs))
    print(f"startup: LaserLog {figures['startup_app_s'] * 1000:.0f} ms, bare PySide6 window "
          f"{figures['startup_bare_s'] * 1000:.0f} ms, ratio {figures['startup_ratio']:.2f} "
          f"(median of {figures['runs']} runs; goal at most 2)")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0
