"""device handpieces and tips with their rated life; the daily verification and fault log

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from models.storage.migrations.guards import guard

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_tips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("rated_pulses", sa.Integer(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_device_tips_created_by_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_device_tips_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_tips")),
    )
    op.create_index(op.f("ix_device_tips_device_id"), "device_tips", ["device_id"])
    op.create_table(
        "device_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_device_log_device_id_devices")),
        sa.ForeignKeyConstraint(["logged_by_id"], ["users.id"],
                                name=op.f("fk_device_log_logged_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_log")),
    )
    op.create_index(op.f("ix_device_log_device_id"), "device_log", ["device_id"])
    guard("device_log", changed_too=True)
    guard("device_tips", changed_too=False)  # a new tip is fitted instead


def downgrade() -> None:
    op.drop_index(op.f("ix_device_log_device_id"), table_name="device_log")
    op.drop_table("device_log")
    op.drop_index(op.f("ix_device_tips_device_id"), table_name="device_tips")
    op.drop_table("device_tips")
