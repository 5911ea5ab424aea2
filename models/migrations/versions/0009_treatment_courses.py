"""treatment courses: a plan per patient and area

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


def downgrade() -> None:
    op.drop_index(op.f("ix_treatment_courses_patient_id"), table_name="treatment_courses")
    op.drop_table("treatment_courses")
