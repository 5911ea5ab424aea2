"""import profiles a clinic adds for its own device models

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"],
                                name=op.f("fk_import_profiles_added_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_import_profiles_name")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER import_profiles_never_deleted BEFORE DELETE ON "
                   "import_profiles BEGIN SELECT RAISE(ABORT, 'LaserLog keeps clinical "
                   "records: import_profiles rows are never deleted'); END")
    else:
        op.execute("CREATE TRIGGER import_profiles_guard BEFORE DELETE OR TRUNCATE ON "
                   "import_profiles FOR EACH STATEMENT EXECUTE FUNCTION "
                   "laserlog_refuse('import_profiles')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER import_profiles_never_deleted")
    else:
        op.execute("DROP TRIGGER import_profiles_guard ON import_profiles")
    op.drop_table("import_profiles")
