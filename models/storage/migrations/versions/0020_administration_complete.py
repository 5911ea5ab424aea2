"""administration: a password an administrator reset must be changed at the next sign-in;
tips and test-patch rules retired rather than deleted

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-13

Retired tips and rules stay, with what they were, for the records that name them; a retired
rule no longer applies and a retired tip is no longer counted as fitted. Test-patch rules
are now guarded like the other clinical tables: never deleted.
"""

import sqlalchemy as sa
from alembic import op

from models.storage.migrations.guards import guard

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place: a batch rebuild would drop the guard triggers on these tables.
    op.add_column("users", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column("device_tips", sa.Column("retired_at", sa.DateTime(timezone=True),
                                           nullable=True))
    op.add_column("test_patch_rules", sa.Column("active", sa.Boolean(), nullable=False,
                                                server_default=sa.true()))
    guard("test_patch_rules", changed_too=False)  # retired instead


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER test_patch_rules_never_deleted")
    else:
        op.execute("DROP TRIGGER test_patch_rules_guard ON test_patch_rules")
    # Not batch rebuilds: they would drop the guard triggers on these tables.
    op.execute("ALTER TABLE test_patch_rules DROP COLUMN active")
    op.execute("ALTER TABLE device_tips DROP COLUMN retired_at")
    op.execute("ALTER TABLE users DROP COLUMN must_change_password")
