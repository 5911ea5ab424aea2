"""``bench history`` measures the supervisor's lists too: the courses due and the audit
trail, each filter as its screen offers them."""

import json

from tests.test_cli import laserlog


def test_bench_history_times_the_courses_due_and_the_audit_trail(tmp_path):
    out = tmp_path / "history.json"
    done = laserlog("bench", "history", "--sessions", "300", "--json", str(out),
                    env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    due, trail = figures["courses_due_filter_p95_ms"], figures["audit_trail_filter_p95_ms"]
    assert set(due) == {"due", "overdue", "week", "technician", "area", "room", "own_patients"}
    assert set(trail) == {"all", "person", "period", "person_period"}
    assert figures["courses_due_p95_ms"] == max(due.values()) > 0
    assert figures["audit_trail_p95_ms"] == max(trail.values()) > 0
    assert f"courses_due_p95_ms: {figures['courses_due_p95_ms']}" in done.stdout
    assert f"audit_trail_p95_ms: {figures['audit_trail_p95_ms']}" in done.stdout
