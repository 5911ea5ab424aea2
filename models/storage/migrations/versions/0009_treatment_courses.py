"""treatment courses: a plan per patient and area, back-filled from the sessions signed so far

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "treatment_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("planned_sessions", sa.Integer(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_treatment_courses_created_by_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_treatment_courses_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_courses")),
        sa.CheckConstraint("planned_sessions >= 1",
                           name=op.f("ck_treatment_courses_planned_sessions")),
        sa.CheckConstraint("interval_days >= 1", name=op.f("ck_treatment_courses_interval")),
    )
    op.create_index(op.f("ix_treatment_courses_patient_id"), "treatment_courses",
                    ["patient_id"])
    # Sessions signed before courses existed: each patient's area starts a course with the
    # default plan on the day of its first signed session, opened by that session's
    # technician, so the next session counts on from there.
    first_day = ("date(min(s.started_at))" if op.get_bind().dialect.name == "sqlite"
                 else "(min(s.started_at) AT TIME ZONE 'UTC')::date")
    op.execute(
        "INSERT INTO treatment_courses (patient_id, area, planned_sessions, interval_days, "
        "started_on, created_by_id, created_at) "
        f"SELECT s.patient_id, a.area, 6, 21, {first_day}, min(s.technician_id), "
        "CURRENT_TIMESTAMP FROM treatment_sessions s "
        "JOIN treated_areas a ON a.session_id = s.id AND a.superseded_in IS NULL "
        "WHERE s.status IN ('completed', 'reviewed', 'amended') "
        "GROUP BY s.patient_id, a.area")


def downgrade() -> None:
    op.drop_index(op.f("ix_treatment_courses_patient_id"), table_name="treatment_courses")
    op.drop_table("treatment_courses")
