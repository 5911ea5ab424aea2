"""sessions per UTC day and treated area, kept for the history's counts and the dashboard

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_day_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "area", name=op.f("pk_area_day_counts")),
    )
    day = ("date(s.started_at)" if op.get_bind().dialect.name == "sqlite"
           else "(s.started_at AT TIME ZONE 'UTC')::date")
    op.execute(
        f"INSERT INTO area_day_counts (day, area, sessions) SELECT {day}, a.area, count(*) "
        "FROM treated_areas a JOIN treatment_sessions s ON s.id = a.session_id "
        f"WHERE a.superseded_in IS NULL GROUP BY {day}, a.area")


def downgrade() -> None:
    op.drop_table("area_day_counts")
