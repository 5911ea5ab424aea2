"""follow-ups of reactions after a session, and incidents for serious reactions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from models.storage.migrations.guards import guard

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reaction_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("grade BETWEEN 0 AND 4", name=op.f("ck_reaction_follow_ups_grade")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_reaction_follow_ups_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["session_id"], ["treatment_sessions.id"], name=op.f(
            "fk_reaction_follow_ups_session_id_treatment_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction_follow_ups")),
    )
    op.create_index(op.f("ix_reaction_follow_ups_session_id"), "reaction_follow_ups",
                    ["session_id"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["filed_by_id"], ["users.id"],
                                name=op.f("fk_incidents_filed_by_id_users")),
        sa.ForeignKeyConstraint(["session_id"], ["treatment_sessions.id"],
                                name=op.f("fk_incidents_session_id_treatment_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_session_id"), "incidents", ["session_id"])

    guard("reaction_follow_ups", changed_too=True)
    guard("incidents", changed_too=False)  # filed once, never deleted


def downgrade() -> None:
    op.drop_index(op.f("ix_incidents_session_id"), table_name="incidents")
    op.drop_table("incidents")
    op.drop_index(op.f("ix_reaction_follow_ups_session_id"), table_name="reaction_follow_ups")
    op.drop_table("reaction_follow_ups")
