"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:09:11.084200
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("make", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("handpiece", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("serial", name=op.f("uq_devices_serial")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("certification_number", sa.String(length=64), nullable=True),
        sa.Column("certification_expires", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('technician', 'supervisor', 'admin')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("old_values", sa.Text(), nullable=False),
        sa.Column("new_values", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_events_seq")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("fitzpatrick", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("fitzpatrick BETWEEN 1 AND 6", name=op.f("ck_patients_fitzpatrick")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_patients_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("identifier", name=op.f("uq_patients_identifier")),
        sa.UniqueConstraint("uuid", name=op.f("uq_patients_uuid")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patients_full_name"), ["full_name"], unique=False)

    op.create_table(
        "treatment_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("room", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'completed', 'reviewed', 'amended', 'voided')",
            name=op.f("ck_treatment_sessions_status"),
        ),
        sa.CheckConstraint(
            "duration_s IS NULL OR duration_s >= 0", name=op.f("ck_treatment_sessions_duration")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_treatment_sessions_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_treatment_sessions_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["users.id"], name=op.f("fk_treatment_sessions_technician_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_sessions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_treatment_sessions_uuid")),
    )
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_treatment_sessions_patient_started", ["patient_id", "started_at"], unique=False
        )
        batch_op.create_index("ix_treatment_sessions_started", ["started_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_treatment_sessions_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_treatment_sessions_technician_started",
            ["technician_id", "started_at"],
            unique=False,
        )

    op.create_table(
        "anaesthetics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_sessions.id"],
            name=op.f("fk_anaesthetics_session_id_treatment_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anaesthetics")),
        sa.UniqueConstraint("session_id", name=op.f("uq_anaesthetics_session_id")),
    )
    op.create_table(
        "treated_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=True),
        sa.Column("pulses", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_sessions.id"],
            name=op.f("fk_treated_areas_session_id_treatment_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treated_areas")),
    )
    with op.batch_alter_table("treated_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_treated_areas_area"), ["area"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_treated_areas_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "parameter_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treated_area_id", sa.Integer(), nullable=False),
        sa.Column("pass_number", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("wavelength_nm", sa.Double(), nullable=True),
        sa.Column("fluence_j_cm2", sa.Double(), nullable=True),
        sa.Column("energy_j", sa.Double(), nullable=True),
        sa.Column("power_w", sa.Double(), nullable=True),
        sa.Column("pulse_width_ms", sa.Double(), nullable=True),
        sa.Column("spot_size_mm", sa.Double(), nullable=True),
        sa.Column("repetition_rate_hz", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["treated_area_id"],
            ["treated_areas.id"],
            name=op.f("fk_parameter_settings_treated_area_id_treated_areas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameter_settings")),
    )
    with op.batch_alter_table("parameter_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parameter_settings_treated_area_id"), ["treated_area_id"], unique=False
        )

    op.create_table(
        "reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("treated_area_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("onset", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("grade BETWEEN 0 AND 4", name=op.f("ck_reactions_grade")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_sessions.id"],
            name=op.f("fk_reactions_session_id_treatment_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["treated_area_id"],
            ["treated_areas.id"],
            name=op.f("fk_reactions_treated_area_id_treated_areas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reactions")),
    )
    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reactions_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_reactions_session_id"), ["session_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reactions_session_id"))
        batch_op.drop_index(batch_op.f("ix_reactions_kind"))

    op.drop_table("reactions")
    with op.batch_alter_table("parameter_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parameter_settings_treated_area_id"))

    op.drop_table("parameter_settings")
    with op.batch_alter_table("treated_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treated_areas_session_id"))
        batch_op.drop_index(batch_op.f("ix_treated_areas_area"))

    op.drop_table("treated_areas")
    op.drop_table("anaesthetics")
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_treatment_sessions_technician_started")
        batch_op.drop_index(batch_op.f("ix_treatment_sessions_status"))
        batch_op.drop_index("ix_treatment_sessions_started")
        batch_op.drop_index("ix_treatment_sessions_patient_started")

    op.drop_table("treatment_sessions")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_full_name"))

    op.drop_table("patients")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_entity_id"))

    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("devices")
