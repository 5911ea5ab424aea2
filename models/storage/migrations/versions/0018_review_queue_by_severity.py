"""the review queue by severity, read by key: the sessions awaiting sign-off in start order,
and current reactions by grade; incidents due from the time of the reaction

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08

``ix_treatment_sessions_awaiting`` holds only the sessions awaiting sign-off (completed or
amended), so a queue page costs the same whether ten or a million sessions wait and however
many were reviewed before them. ``ix_reactions_current_grade`` finds the few sessions with a
grade 3 or 4 reaction without reading the others.

An incident used to fall due a clinic-set number of hours after it was opened, which for a
session logged late (or a demo clinic built today) was long after the reaction. It is now due
that many hours after the session it happened in; incidents opened by a session's own
reaction are moved to that due time, keeping the hours they were given.
"""

import sqlalchemy as sa
from alembic import op

from models.storage.base import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

AWAITING = sa.text("status IN ('completed', 'amended')")
CURRENT = sa.text("superseded_in IS NULL")
INCIDENT_GRADE = 3


def upgrade() -> None:
    op.create_index("ix_treatment_sessions_awaiting", "treatment_sessions",
                    ["started_at", "id"], sqlite_where=AWAITING, postgresql_where=AWAITING)
    op.create_index("ix_reactions_current_grade", "reactions", ["grade", "session_id"],
                    sqlite_where=CURRENT, postgresql_where=CURRENT)
    _due_from_the_session()


def _due_from_the_session() -> None:
    incidents = sa.table("incidents", sa.column("id", sa.Integer), sa.column("session_id"),
                         sa.column("kind", sa.String), sa.column("opened_at", UTCDateTime()),
                         sa.column("due_at", UTCDateTime()))
    sessions = sa.table("treatment_sessions", sa.column("id", sa.Integer),
                        sa.column("started_at", UTCDateTime()))
    reactions = sa.table("reactions", sa.column("session_id"), sa.column("kind", sa.String),
                         sa.column("grade", sa.Integer), sa.column("superseded_in"))
    logged_at_the_session = sa.exists().where(
        reactions.c.session_id == incidents.c.session_id, reactions.c.kind == incidents.c.kind,
        reactions.c.grade >= INCIDENT_GRADE, reactions.c.superseded_in.is_(None))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(incidents.c.id, incidents.c.opened_at, incidents.c.due_at,
                  sessions.c.started_at)
        .join(sessions, sessions.c.id == incidents.c.session_id)
        .where(logged_at_the_session)).all()
    for incident_id, opened_at, due_at, started_at in rows:
        if started_at < opened_at:
            bind.execute(sa.update(incidents).where(incidents.c.id == incident_id)
                         .values(due_at=started_at + (due_at - opened_at)))


def downgrade() -> None:
    op.drop_index("ix_reactions_current_grade", "reactions")
    op.drop_index("ix_treatment_sessions_awaiting", "treatment_sessions")
