"""indexes for the history's area and reaction filters at clinic-chain scale

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_in IS NULL")


def upgrade() -> None:
    op.create_index("ix_treated_areas_current_area", "treated_areas", ["area", "session_id"],
                    sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.create_index("ix_reactions_current_kind_grade", "reactions",
                    ["kind", "grade", "session_id"], sqlite_where=CURRENT,
                    postgresql_where=CURRENT)


def downgrade() -> None:
    op.drop_index("ix_reactions_current_kind_grade", "reactions")
    op.drop_index("ix_treated_areas_current_area", "treated_areas")
