"""courses kept current: each course's sessions done, last session, next due day, the day it
lapses, and who treated it last where; the courses due read by index

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29

The list of courses due used to count every course's sessions on every read (85 s on an
upgraded clinic of a million sessions). Each course now keeps its counts, updated whenever a
signed session on its area changes (models/workflow/courses.recount); the courses due are
those not yet lapsed, by next due day, read a page at a time by
``ix_treatment_courses_due``. A course superseded by a later one on the same area has no
next due day. Back-filled here from the signed sessions, with the clinic's number of
intervals after which a course lapses (3 unless set).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SIGNED = "('completed', 'reviewed', 'amended')"
#: The signed sessions of a course's patient on its area since it started (by the UTC day,
#: as near as a migration gets to the clinic's local day).
SESSIONS = (
    "FROM treatment_sessions s JOIN treated_areas a ON a.session_id = s.id "
    "AND a.area = treatment_courses.area AND a.superseded_in IS NULL "
    f"WHERE s.patient_id = treatment_courses.patient_id AND s.status IN {SIGNED} "
    "AND s.started_at >= treatment_courses.started_on")


def _add_days(day: str, days: str) -> str:
    if op.get_bind().dialect.name == "sqlite":
        return f"date({day}, printf('%+d days', {days}))"
    return f"CAST({day} + ({days}) AS DATE)"


def upgrade() -> None:
    # Columns added in place (a batch rebuild would reflect the tables around it).
    for column in (sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
                   sa.Column("last_on", sa.Date(), nullable=True),
                   sa.Column("next_due", sa.Date(), nullable=True),
                   sa.Column("lapses_on", sa.Date(), nullable=True),
                   # a copy of the last session's technician_id, kept with it: no key of
                   # its own (SQLite cannot add one in place)
                   sa.Column("last_technician_id", sa.Integer(), nullable=True),
                   sa.Column("last_room", sa.String(64), nullable=False, server_default="")):
        op.add_column("treatment_courses", column)
    last_day = "CAST(max(s.started_at) AS DATE)" if op.get_bind().dialect.name != "sqlite" \
        else "date(max(s.started_at))"
    op.execute(f"UPDATE treatment_courses SET done = (SELECT count(*) {SESSIONS}), "
               f"last_on = (SELECT {last_day} {SESSIONS})")
    op.execute("UPDATE treatment_courses SET "
               f"last_technician_id = (SELECT s.technician_id {SESSIONS} "
               "ORDER BY s.started_at DESC LIMIT 1), "
               f"last_room = COALESCE((SELECT s.room {SESSIONS} "
               "ORDER BY s.started_at DESC LIMIT 1), '')")
    intervals = op.get_bind().scalar(sa.text(
        "SELECT value FROM clinic_settings WHERE name = 'course_lapse_intervals'")) or 3
    op.execute(
        "UPDATE treatment_courses SET "
        "next_due = CASE WHEN done >= planned_sessions THEN NULL "
        "WHEN last_on IS NULL THEN started_on "
        f"ELSE {_add_days('last_on', 'interval_days')} END, "
        f"lapses_on = {_add_days('COALESCE(last_on, started_on)', f'interval_days * {intervals}')}")
    op.execute(  # only the current course on an area is due
        "UPDATE treatment_courses SET next_due = NULL WHERE EXISTS (SELECT 1 FROM "
        "treatment_courses later WHERE later.patient_id = treatment_courses.patient_id "
        "AND later.area = treatment_courses.area AND (later.started_on > "
        "treatment_courses.started_on OR (later.started_on = treatment_courses.started_on "
        "AND later.id > treatment_courses.id)))")
    op.create_index("ix_treatment_courses_due", "treatment_courses",
                    ["lapses_on", "next_due", "id"])


def downgrade() -> None:
    op.drop_index("ix_treatment_courses_due", table_name="treatment_courses")
    for column in ("last_room", "last_technician_id", "lapses_on", "next_due", "last_on",
                   "done"):
        op.drop_column("treatment_courses", column)
