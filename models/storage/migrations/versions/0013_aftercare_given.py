"""when the aftercare sheet was given for a session

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("treatment_sessions",
                  sa.Column("aftercare_given_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Not a batch rebuild: that would drop the guard triggers on treatment_sessions.
    op.execute("ALTER TABLE treatment_sessions DROP COLUMN aftercare_given_at")
