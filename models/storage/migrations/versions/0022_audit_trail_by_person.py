"""the audit trail read by person and by period: an index of each person's events by sequence
number, and one of the events by time

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29

The audit trail walked every event newest first and looked up who acted, so one person's
events took as long as the events since their last one: five seconds for an administrator on
a clinic of a million sessions, three for a month a year ago. ``ix_audit_events_person``
(actor_id, seq, occurred_at) reads a person's events newest first, checking a period on the
index itself; ``ix_audit_events_period`` (occurred_at, seq) finds where a period's events are
in the chain. Indexes only: the guards that keep the events from changing stay as they are.
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_person", "audit_events", ["actor_id", "seq", "occurred_at"])
    op.create_index("ix_audit_events_period", "audit_events", ["occurred_at", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_period", "audit_events")
    op.drop_index("ix_audit_events_person", "audit_events")
