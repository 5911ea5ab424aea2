"""test patches, and the rules that require one before treating

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from models.storage.migrations.guards import guard

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_patches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("fluence_j_cm2", sa.Float(), nullable=True),
        sa.Column("energy_j", sa.Float(), nullable=True),
        sa.Column("read_after_days", sa.Integer(), nullable=False),
        sa.Column("read_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_test_patches_device_id_devices")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_test_patches_patient_id_patients")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_test_patches_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_patches")),
    )
    op.create_index(op.f("ix_test_patches_patient_id"), "test_patches", ["patient_id"])
    op.create_table(
        "test_patch_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=32), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_test_patch_rules_created_by_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_test_patch_rules_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_patch_rules")),
    )
    guard("test_patches", changed_too=False)  # read once, never deleted


def downgrade() -> None:
    op.drop_table("test_patch_rules")
    op.drop_index(op.f("ix_test_patches_patient_id"), table_name="test_patches")
    op.drop_table("test_patches")
