"""Plain values and helpers the model tests share (the fixtures are in conftest.py)."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from models.values.session_input import AreaInput, SessionInput
from tests.entries import SCREENED

#: Why a session a test logs days after it started is logged late.
LATE_REASON = "Logged from the paper record"
#: The clinic's local date as the tests run.
TODAY = datetime.now().astimezone().date()


def session_entry(device, *areas: AreaInput, days_ago: float | None = None,
                  **fields) -> SessionInput:
    """A screened half-hour session on ``device`` over ``areas``, complete enough to be signed.

    ``days_ago`` starts it that many days before now (left out, the draft's own start time
    stands); ``fields`` set any other value of the entry, or replace one of these. A start
    given comes with a reason for logging it late (``late_reason=""`` leaves it out).
    """
    if days_ago is not None:
        fields["started_at"] = datetime.now(UTC) - timedelta(days=days_ago)
    if "started_at" in fields:
        fields.setdefault("late_reason", LATE_REASON)
    return SessionInput(**{"device_id": device.id, "duration_s": 1800, "screening": SCREENED,
                           "areas": areas, **fields})


@contextmanager
def guards_off(database, *tables):
    """A raw connection with the tables' guards gone, as someone editing the file would."""
    with database.engine.begin() as conn:
        for table in tables:
            if database.is_sqlite:
                names = conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                    (table,)).scalars().all()
                for name in names:
                    conn.exec_driver_sql(f"DROP TRIGGER {name}")
            else:
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield conn
