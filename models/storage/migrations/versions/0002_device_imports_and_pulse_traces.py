"""device imports and pulse traces

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("flagged_pulses", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_import_batches_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_import_batches_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("sha256", name=op.f("uq_import_batches_sha256")),
        sa.UniqueConstraint("uuid", name=op.f("uq_import_batches_uuid")),
    )
    op.create_table(
        "import_batch_sessions",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("device_session", sa.String(length=100), nullable=False),
        sa.Column("pulses", sa.Integer(), nullable=False),
        sa.Column("flagged_pulses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_batch_sessions_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_sessions.id"],
            name=op.f("fk_import_batch_sessions_session_id_treatment_sessions"),
        ),
        sa.PrimaryKeyConstraint("batch_id", "session_id", name=op.f("pk_import_batch_sessions")),
    )
    with op.batch_alter_table("import_batch_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batch_sessions_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "pulse_traces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_pulse_traces_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_sessions.id"],
            name=op.f("fk_pulse_traces_session_id_treatment_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_traces")),
    )
    with op.batch_alter_table("pulse_traces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_traces_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            "ix_pulse_traces_session_channel", ["session_id", "channel", "chunk"], unique=False
        )

    with op.batch_alter_table("parameter_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_parameter_settings_import_batch_id_import_batches"),
            "import_batches",
            ["import_batch_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("parameter_settings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_parameter_settings_import_batch_id_import_batches"), type_="foreignkey"
        )
        batch_op.drop_column("import_batch_id")

    with op.batch_alter_table("pulse_traces", schema=None) as batch_op:
        batch_op.drop_index("ix_pulse_traces_session_channel")
        batch_op.drop_index(batch_op.f("ix_pulse_traces_batch_id"))

    op.drop_table("pulse_traces")
    with op.batch_alter_table("import_batch_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_sessions_session_id"))

    op.drop_table("import_batch_sessions")
    op.drop_table("import_batches")
