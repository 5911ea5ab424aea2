"""``bench import``: a device export through parse, checks and insert, against a baseline.

The baseline reads the same CSV file with ``csv.reader`` and inserts every row with sqlite3
``executemany`` in one transaction; LaserLog imports it with its profile, unit conversion,
range checks, session assembly and pulse traces, also in one transaction. Both run in the
same process, on the same file, best of a few runs. Peak memory is measured in fresh
processes importing 100,000 and 1,000,000 pulses.
"""

import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from devices.importing.importer import import_file
from devices.simulated.export_files import plan_sessions, simulated_profile, write_export
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.access import accounts
from models.clinic import device_register, patients
from models.storage.database import Database
from models.storage.schema import open_current
from models.values.rows import Actor

ROOT = Path(__file__).resolve().parents[2]
ROWS, LARGE_ROWS = 100_000, 1_000_000
MODEL = SIMULATED_MODELS[0]


def _prepared_database(folder: Path) -> tuple[Database, Actor]:
    database, _ = open_current(f"sqlite:///{folder / 'laserlog.db'}")
    with database.write() as db:
        admin = accounts.create_user(db, username="admin", full_name="Admin", role="admin",
                                     password="bench-password", created_by=None)
        actor = accounts.create_user(db, username="bench", full_name="Bench",
                                     role="technician", password="bench-password",
                                     created_by=admin)
        device_register.add_device(db, admin, make=MODEL.make, model=MODEL.model,
                                   serial="SIM-BENCH", kind=MODEL.kind)
        patients.add_patient(db, actor, identifier="BENCH-1", full_name="Bench Patient",
                             date_of_birth=None, fitzpatrick=3)
    return database, actor


def write_bench_file(path: Path, rows: int) -> None:
    device = SimulatedDevice(MODEL.kind, 7)
    plan = plan_sessions(device, [("BENCH-1", 3)], 1, datetime(2026, 1, 5, 9, tzinfo=UTC), rows)
    write_export(path, "csv", device, MODEL, "SIM-BENCH", plan)


def _baseline(path: Path, folder: Path) -> float:
    profile = simulated_profile("csv")
    target = folder / "baseline.db"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    connection = sqlite3.connect(target)
    with path.open(encoding=profile.encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=profile.delimiter)
        header = next(reader)
        columns = ", ".join(f"c{i}" for i in range(len(header)))
        connection.execute(f"CREATE TABLE pulses ({columns})")
        with connection:
            connection.executemany(
                f"INSERT INTO pulses VALUES ({', '.join('?' * len(header))})", reader)
    connection.close()
    return time.perf_counter() - started


def _laserlog(path: Path, folder: Path) -> float:
    database, actor = _prepared_database(folder)
    try:
        started = time.perf_counter()
        import_file(database, actor, path)
        return time.perf_counter() - started
    finally:
        database.dispose()


def peak_rss_importing(rows: int) -> int:
    """In this process: import ``rows`` pulses and return the peak resident set (KiB)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        write_bench_file(path, rows)
        _laserlog(path, Path(folder))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_in_child(rows: int) -> int:
    code = ("from ui.bench.import_bench import peak_rss_importing; "
            f"print(peak_rss_importing({rows}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def run_import_bench(runs: int = 3, json_path: str | None = None, memory: bool = True) -> int:
    figures: dict[str, float | int] = {"rows": ROWS}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "export.csv"
        write_bench_file(path, ROWS)
        baseline = min(_baseline(path, folder) for _ in range(runs))
        laserlog = []
        for run in range(runs):
            run_folder = folder / f"run{run}"
            run_folder.mkdir()
            laserlog.append(_laserlog(path, run_folder))
    best = min(laserlog)
    figures |= {
        "baseline_rows_per_s": round(ROWS / baseline),
        "laserlog_rows_per_s": round(ROWS / best),
        "import_ratio": round(baseline / best, 3),
    }
    print(f"baseline (csv.reader + sqlite3 executemany): {ROWS / baseline:,.0f} rows/s")
    print(f"LaserLog import (parse, check, insert):       {ROWS / best:,.0f} rows/s")
    print(f"import_ratio = {figures['import_ratio']} (goal at least 0.3)")
    if memory:
        small, large = _rss_in_child(ROWS), _rss_in_child(LARGE_ROWS)
        figures |= {"rss_kib_100k": small, "rss_kib_1m": large,
                    "import_rss_ratio": round(large / small, 3)}
        print(f"peak memory: {small / 1024:.0f} MiB for {ROWS:,} rows, "
              f"{large / 1024:.0f} MiB for {LARGE_ROWS:,} rows")
        print(f"import_rss_ratio = {figures['import_rss_ratio']} (goal at most 1.5)")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0
