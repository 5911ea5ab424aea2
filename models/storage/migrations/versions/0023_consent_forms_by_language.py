"""consent forms kept per language: the patient reads and signs the one in their language

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29

``consent_documents.language`` says which language a version is written in ("en" for every
version kept so far). The version in force is then the newest not retired in the patient's
language. The default form's German wording (``resources/consent/laser_skin_tightening.de.md``)
is added next to the English default where that default is kept. On SQLite the guard that
keeps a version from changing is made again to cover the new column; PostgreSQL's compares
whole rows already.
"""

from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

MESSAGE = "LaserLog keeps clinical records: consent documents are never changed"
DOCUMENT_COLUMNS = ("version", "title", "body", "created_at", "created_by_id")
DEFAULT_VERSION = "LST-1"  # the English default of migration 0021
GERMAN_VERSION = "LST-1-de"


def _guard(columns: tuple[str, ...]) -> None:
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    op.execute("DROP TRIGGER consent_documents_unchanged")
    op.execute("CREATE TRIGGER consent_documents_unchanged BEFORE UPDATE ON consent_documents "
               f"WHEN NOT ({same}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def upgrade() -> None:
    op.add_column("consent_documents", sa.Column("language", sa.String(16), nullable=False,
                                                 server_default="en"))
    if op.get_bind().dialect.name == "sqlite":
        _guard((*DOCUMENT_COLUMNS, "language"))
    documents = sa.table("consent_documents", sa.column("version"), sa.column("title"),
                         sa.column("body"), sa.column("created_at"), sa.column("language"))
    kept = op.get_bind().scalar(sa.select(sa.func.count()).select_from(documents).where(
        documents.c.version == DEFAULT_VERSION))
    if kept:
        text = (resources.files("resources") / "consent" / "laser_skin_tightening.de.md"
                ).read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        op.execute(documents.insert().values(
            version=GERMAN_VERSION, title=title.strip(), body=body.strip(), language="de",
            created_at=sa.func.current_timestamp()))


def downgrade() -> None:
    """The column goes; the German version stays, as every version kept does (a consent
    signed for it refers to it)."""
    if op.get_bind().dialect.name == "sqlite":
        _guard(DOCUMENT_COLUMNS)
    op.drop_column("consent_documents", "language")
