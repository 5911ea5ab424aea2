"""consent forms kept per language: the patient reads and signs the one in their language

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29

``consent_documents.language`` says which language a version is written in ("en" for every
version kept so far: a translation a clinic kept before is added again as a version in its
language). The version in force is then the newest not retired in the patient's language.
The default form's German wording (``resources/consent/laser_skin_tightening.de.md``) is
added where the English default is still in force: a clinic that replaced it with its own
wording gets no stock text beside it. On SQLite the guard that keeps a version from changing
is made again to cover the new column; PostgreSQL's compares whole rows already.

Going back to 0022 retires every version not in English (before it, the newest version of
any language is in force); coming back marks the German default German again.
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
    documents = sa.table("consent_documents", sa.column("version"), sa.column("title"),
                         sa.column("body"), sa.column("created_at"), sa.column("language"),
                         sa.column("retired_at"))
    bind = op.get_bind()
    if bind.scalar(sa.select(sa.func.count()).where(documents.c.version == GERMAN_VERSION)):
        _mark_german(documents)  # kept from an earlier upgrade, before a downgrade
    elif bind.scalar(sa.select(sa.func.count()).where(documents.c.version == DEFAULT_VERSION,
                                                      documents.c.retired_at.is_(None))):
        text = (resources.files("resources") / "consent" / "laser_skin_tightening.de.md"
                ).read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        op.execute(documents.insert().values(
            version=GERMAN_VERSION, title=title.strip(), body=body.strip(), language="de",
            created_at=sa.func.current_timestamp()))
    if bind.dialect.name == "sqlite":
        _guard((*DOCUMENT_COLUMNS, "language"))


def _mark_german(documents: sa.TableClause) -> None:
    """The German default's language set, past the guard that keeps versions unchanged
    (SQLite's does not cover the new column yet; PostgreSQL's is paused for it)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE consent_documents DISABLE TRIGGER consent_documents_kept")
    op.execute(documents.update().where(documents.c.version == GERMAN_VERSION)
               .values(language="de"))
    if postgres:
        op.execute("ALTER TABLE consent_documents ENABLE TRIGGER consent_documents_kept")


def downgrade() -> None:
    """The column goes, and with it the choice by language: every version not in English is
    retired, so that 0022's newest version in force is English again. Versions stay, as
    every version kept does (a consent signed for one refers to it)."""
    documents = sa.table("consent_documents", sa.column("language"), sa.column("retired_at"))
    op.execute(documents.update().where(documents.c.language != "en",
                                        documents.c.retired_at.is_(None))
               .values(retired_at=sa.func.current_timestamp()))
    if op.get_bind().dialect.name == "sqlite":
        _guard(DOCUMENT_COLUMNS)
    op.drop_column("consent_documents", "language")
