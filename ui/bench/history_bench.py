"""``bench history``: the supervisor's history at clinic-chain scale, through the app's own
query layer and Qt model, against the same at 1,000 sessions.

Figures: first paint of the history view (ratio to 1,000 sessions), the deepest page against
the first, date / area / patient filters (first page and count, p95), the 12-month
sessions-by-area dashboard aggregate, the memory the open history adds, and the first page
of the lists a supervisor reads: the review queue, the courses due and the audit trail (p95,
each filter as its screen offers them; the key gives the slowest).
"""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import psycopg
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session

from devices.simulated import synthetic_clinic
from models.reading import history
from models.reading import statistics as figures
from models.reading.history_filter import HistoryFilter, count_sessions, local_days
from models.records.people import Patient
from models.records.treatment import TreatmentSession
from models.review import audit_trail, review_queue
from models.storage.database import Database, parse_url
from models.storage.preferences import data_dir
from models.storage.schema import open_current
from models.values.rows import Actor
from models.workflow import courses
from models.workflow.courses import DueFilter
from ui.records.history_view import HistoryView
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner

BASELINE_SESSIONS = 1_000
RUNS = 5
FILTER_RUNS = 100  # a p95 needs enough samples: one GC pause in 20 is the p95
WARM_UP_RUNS = 5


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def clinic_database(url: str | None, sessions: int) -> Database:
    """The cached bench clinic of this size (built on first use), or the one at ``url``."""
    if url is None:
        folder = data_dir() / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"clinic-g{synthetic_clinic.GENERATION}-{sessions}.db"
        url = f"sqlite:///{folder / name}"
    database, _ = open_current(url)
    found = synthetic_clinic.size_of(database)
    if found not in (0, sessions):
        database.dispose()
        raise SystemExit(f"{database.display_url} holds {found:,} bench sessions, not "
                         f"{sessions:,}; use an empty database")
    if found == 0:
        def progress(done: int, total: int) -> None:
            print(f"\rbuilding {done:,}/{total:,} sessions", end="", file=sys.stderr,
                  flush=True)
        synthetic_clinic.build(database, sessions, progress=progress)
        print(file=sys.stderr)
    return database


def _baseline_url(url: str | None) -> str | None:
    """Where the 1,000-session baseline lives: the cached SQLite file, or, for a PostgreSQL
    clinic, a database of its own next to it on the same server (made when missing)."""
    if url is None:
        return None
    parsed = parse_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    name = f"{parsed.database}_baseline"
    admin = parsed._replace(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() \
                is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(database=name).render_as_string(hide_password=False)


def _wait(app: QApplication, done: Callable[[], bool], limit_s: float = 120) -> None:
    deadline = time.perf_counter() + limit_s
    while not done():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError("the history did not answer in time")
        time.sleep(0.0005)


def _first_paint(app: QApplication, view: HistoryView) -> float:
    """Seconds from asking for the history to its first rows painted."""
    started = time.perf_counter()
    view.refresh()
    _wait(app, lambda: view.model.rowCount() > 0 and view.model.summary_at(0) is not None)
    view.table.viewport().repaint()
    return time.perf_counter() - started


def _page(app: QApplication, view: HistoryView, deepest: bool) -> float:
    """Seconds to read one page when scrolled to it: the second page (read by key after the
    first), or the deepest. The count and the first page are there already, as they are by
    the time anyone scrolls."""
    view.refresh()
    model = view.model
    _wait(app, lambda: model.total_known and model.summary_at(0) is not None)
    row = model.rowCount() - 1 if deepest else model.block_size
    started = time.perf_counter()
    _wait(app, lambda: model.summary_at(row) is not None)
    return time.perf_counter() - started


def _view(database: Database, actor: Actor) -> tuple[HistoryView, TaskRunner]:
    tasks = TaskRunner(database, lambda error: print(f"error: {error}", file=sys.stderr))
    view = HistoryView(tasks, actor, Messages())
    view.resize(1200, 800)
    view.show()
    return view, tasks


def _paint_s(app: QApplication, database: Database) -> tuple[float, float, float]:
    """Median first paint, first page and deepest page, in seconds."""
    view, tasks = _view(database, synthetic_clinic.supervisor(database))
    try:
        paint = statistics.median(_first_paint(app, view) for _ in range(RUNS))
        first = statistics.median(_page(app, view, deepest=False) for _ in range(RUNS))
        deepest = statistics.median(_page(app, view, deepest=True) for _ in range(RUNS))
    finally:
        tasks.shutdown()
        view.close()
    return paint, first, deepest


def _filters_p95_ms(database: Database) -> dict[str, float]:
    actor = synthetic_clinic.supervisor(database)
    now = datetime.now(UTC)
    with database.read() as db:
        patient = db.scalar(select(Patient.identifier)
                            .where(Patient.identifier.like(f"{synthetic_clinic.MARK}-0%")).limit(1))
    cases = {
        "date": HistoryFilter(since=now - timedelta(days=30), until=now),
        "area": HistoryFilter(area="neck"),
        "patient": HistoryFilter(patient=patient),
    }
    found = {}
    for name, f in cases.items():
        times = []
        for run in range(WARM_UP_RUNS + FILTER_RUNS):
            started = time.perf_counter()
            with database.read() as db:
                history.list_sessions(db, actor, limit=history.DEFAULT_PAGE_SIZE, filters=f)
                count_sessions(db, actor, f)
            if run >= WARM_UP_RUNS:  # the pooled connections' caches are warm by then
                times.append(time.perf_counter() - started)
        found[name] = 1000 * statistics.quantiles(times, n=100)[94]
    return found


def _dashboard_ms(database: Database) -> float:
    actor = synthetic_clinic.supervisor(database)
    since = datetime.now(UTC) - timedelta(days=365)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with database.read() as db:
            figures.sessions_by_area_per_month(db, actor, since)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def _p95_ms(database: Database, read: Callable[[Session], object]) -> float:
    """``read`` in a transaction of its own, p95 in ms (after warming up the connections)."""
    times = []
    for run in range(WARM_UP_RUNS + FILTER_RUNS):
        started = time.perf_counter()
        with database.read() as db:
            read(db)
        if run >= WARM_UP_RUNS:
            times.append(time.perf_counter() - started)
    return 1000 * statistics.quantiles(times, n=100)[94]


def _review_queue_p95_ms(database: Database) -> float:
    """The review queue's first page (worst reaction first, then the newest), p95: on the
    synthetic clinic the sessions of the last few days, and a few older ones nobody signed
    off, await sign-off."""
    actor = synthetic_clinic.supervisor(database)
    return _p95_ms(database, lambda db: review_queue.queue_page(db, actor))


def _courses_due_p95_ms(database: Database) -> dict[str, float]:
    """The first page of the courses due, as the Courses due screen reads it: a supervisor's
    with each of its filters, and a technician's (their own patients')."""
    supervisor = synthetic_clinic.supervisor(database)
    technician = synthetic_clinic.technician(database)
    with database.read() as db:
        room = db.scalar(select(TreatmentSession.room)
                         .where(TreatmentSession.technician_id == technician.id).limit(1))
    cases = {
        "due": (supervisor, DueFilter()),
        "overdue": (supervisor, DueFilter(when="overdue")),
        "week": (supervisor, DueFilter(when="week")),
        "technician": (supervisor, DueFilter(technician_id=technician.id)),
        "area": (supervisor, DueFilter(area="neck")),
        "room": (supervisor, DueFilter(room=room)),
        "own_patients": (technician, DueFilter()),
    }
    return {name: _p95_ms(database, partial(courses.due_page, actor=actor, filters=filters))
            for name, (actor, filters) in cases.items()}


def _audit_trail_p95_ms(database: Database) -> dict[str, float]:
    """The first page of the audit trail, as its window reads it: everyone's, one person's
    (a technician), the last 30 days (the window's dates when ticked), and both."""
    actor = synthetic_clinic.supervisor(database)
    person = synthetic_clinic.technician(database).username
    today = date.today()
    since, until = local_days(today - timedelta(days=30), today)
    page = partial(audit_trail.event_page, actor=actor)
    cases = {
        "all": page,
        "person": partial(page, username=person),
        "period": partial(page, since=since, until=until),
        "person_period": partial(page, username=person, since=since, until=until),
    }
    return {name: _p95_ms(database, read) for name, read in cases.items()}


def run_history_bench(sessions: int, url: str | None = None,
                      json_path: str | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)  # the history view needs a QApplication
    small = clinic_database(_baseline_url(url), BASELINE_SESSIONS)  # the same kind of database
    large = clinic_database(url, sessions)
    try:
        rss_before = _rss_mb()
        paint_small, _first_small, _deep_small = _paint_s(app, small)
        paint_large, first_large, deep_large = _paint_s(app, large)
        rss_added = _rss_mb() - rss_before
        filters_ms = _filters_p95_ms(large)
        dashboard = _dashboard_ms(large)
        queue_p95 = _review_queue_p95_ms(large)
        due_ms = _courses_due_p95_ms(large)
        audit_ms = _audit_trail_p95_ms(large)
    finally:
        small.dispose()
        large.dispose()
    result = {
        "sessions": sessions, "database": large.display_url,
        "first_paint_ms": round(paint_large * 1000, 2),
        "first_paint_1000_ms": round(paint_small * 1000, 2),
        "history_paint_ratio": round(paint_large / paint_small, 2),
        "first_page_ms": round(first_large * 1000, 2),
        "deep_page_ms": round(deep_large * 1000, 2),
        "deep_page_ratio": round(deep_large / first_large, 2),
        "filter_p95_ms": {k: round(v, 2) for k, v in filters_ms.items()},
        "dashboard_ms": round(dashboard, 2),
        "review_queue_p95_ms": round(queue_p95, 2),
        "courses_due_p95_ms": round(max(due_ms.values()), 2),
        "courses_due_filter_p95_ms": {k: round(v, 2) for k, v in due_ms.items()},
        "audit_trail_p95_ms": round(max(audit_ms.values()), 2),
        "audit_trail_filter_p95_ms": {k: round(v, 2) for k, v in audit_ms.items()},
        "history_rss_mb": round(rss_added, 1),
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0
