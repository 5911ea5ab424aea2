"""photos kept with a session's areas, and a patient's portrait among them; consent
documents in versions and consents signed on screen; the default laser skin-tightening
consent

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29

The database keeps them as it keeps the rest of the record: once a session is signed its
photos and their bytes are never changed or deleted (a photo can only be marked void, with
a reason), a consent document's text never changes (it is retired, and a new wording is a
new version), and a signed consent is never changed or deleted (only voided).
"""

from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

MESSAGE = "LaserLog keeps clinical records: {what} are never changed"
VOIDING = ("voided_at", "voided_by_id", "void_reason")
DEFAULT_VERSION = "LST-1"
DEFAULT_TITLE = "Consent to laser skin-tightening treatment"


def _tables() -> None:
    op.create_table(
        "consent_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", name="fk_consent_documents_created_by_id_users"),
                  nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("version", name="uq_consent_documents_version"),
    )
    op.create_table(
        "signed_consents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Integer(),
                  sa.ForeignKey("patients.id", name="fk_signed_consents_patient_id_patients"),
                  nullable=False),
        sa.Column("document_id", sa.Integer(),
                  sa.ForeignKey("consent_documents.id",
                                name="fk_signed_consents_document_id_consent_documents"),
                  nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("witness_id", sa.Integer(),
                  sa.ForeignKey("users.id", name="fk_signed_consents_witness_id_users"),
                  nullable=False),
        sa.Column("strokes", sa.Text(), nullable=False),
        sa.Column("rendering", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", name="fk_signed_consents_voided_by_id_users"),
                  nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.UniqueConstraint("uuid", name="uq_signed_consents_uuid"),
    )
    op.create_index("ix_signed_consents_patient_signed", "signed_consents",
                    ["patient_id", "signed_at"])
    op.create_table(
        "session_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("treatment_sessions.id",
                                name="fk_session_photos_session_id_treatment_sessions"),
                  nullable=False),
        sa.Column("patient_id", sa.Integer(),
                  sa.ForeignKey("patients.id", name="fk_session_photos_patient_id_patients"),
                  nullable=False),
        sa.Column("area", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("pose", sa.String(64), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", name="fk_session_photos_added_by_id_users"),
                  nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", name="fk_session_photos_voided_by_id_users"),
                  nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('before', 'after', 'progress')",
                           name="ck_session_photos_kind"),
        sa.UniqueConstraint("uuid", name="uq_session_photos_uuid"),
    )
    op.create_index("ix_session_photos_session_id", "session_photos", ["session_id"])
    op.create_index("ix_session_photos_patient_area", "session_photos",
                    ["patient_id", "area", "pose", "taken_at"])
    op.create_table(
        "photo_images",
        sa.Column("photo_id", sa.Integer(),
                  sa.ForeignKey("session_photos.id",
                                name="fk_photo_images_photo_id_session_photos"),
                  primary_key=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("treatment_sessions.id",
                                name="fk_photo_images_session_id_treatment_sessions"),
                  nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_photo_images_session_id", "photo_images", ["session_id"])
    op.add_column("screenings", sa.Column("consent_id", sa.Integer(), nullable=True))
    op.add_column("patients", sa.Column("portrait_photo_id", sa.Integer(), nullable=True))


def _default_consent() -> None:
    body = (resources.files("resources") / "consent" / "laser_skin_tightening.md"
            ).read_text(encoding="utf-8")
    title, _, text = body.partition("\n")
    documents = sa.table("consent_documents", sa.column("version"), sa.column("title"),
                         sa.column("body"), sa.column("created_at"))
    op.execute(documents.insert().values(
        version=DEFAULT_VERSION, title=title.strip() or DEFAULT_TITLE, body=text.strip(),
        created_at=sa.func.current_timestamp()))


SCREENINGS_MESSAGE = "LaserLog keeps clinical records: rows of a signed session are never changed"


def _screenings_guard() -> None:
    """0015's guard on a signed session's screening, again with every column it now has
    (consent_id too): an amendment marks it replaced and changes nothing else."""
    columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns("screenings")
               if c["name"] != "superseded_in"]
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    op.execute("DROP TRIGGER IF EXISTS screenings_unchanged_when_signed")
    op.execute(
        "CREATE TRIGGER screenings_unchanged_when_signed BEFORE UPDATE ON screenings "
        "WHEN (SELECT status FROM treatment_sessions WHERE id = OLD.session_id) <> 'draft' "
        "AND NOT (OLD.superseded_in IS NULL AND NEW.superseded_in IS NOT NULL AND "
        f"{same}) BEGIN SELECT RAISE(ABORT, '{SCREENINGS_MESSAGE}'); END")


def _sqlite() -> None:
    _screenings_guard()  # PostgreSQL's compares whole rows: it holds consent_id already
    draft = "(SELECT status FROM treatment_sessions WHERE id = OLD.session_id) = 'draft'"
    photo_columns = [c for c in ("uuid", "session_id", "patient_id", "area", "kind", "pose",
                                 "taken_at", "width", "height", "sha256", "source",
                                 "added_at", "added_by_id")]
    consent_columns = ["uuid", "patient_id", "document_id", "signer_name", "signed_at",
                       "witness_id", "strokes", "rendering", "sha256"]
    document_columns = ["version", "title", "body", "created_at", "created_by_id"]

    def voiding_only(columns: list[str]) -> str:
        same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
        return f"OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL AND {same}"

    def refuse(what: str) -> str:
        return f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(what=what)}'); END"

    same_document = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in document_columns)
    for statement in (
        "CREATE TRIGGER session_photos_kept_when_signed BEFORE DELETE ON session_photos "
        f"WHEN NOT {draft} {refuse('photos of a signed session')}",
        "CREATE TRIGGER session_photos_unchanged_when_signed BEFORE UPDATE ON session_photos "
        f"WHEN NOT {draft} AND NOT ({voiding_only(photo_columns)}) "
        f"{refuse('photos of a signed session')}",
        "CREATE TRIGGER photo_images_kept_when_signed BEFORE DELETE ON photo_images "
        f"WHEN NOT {draft} {refuse('photos of a signed session')}",
        f"CREATE TRIGGER photo_images_never_changed BEFORE UPDATE ON photo_images "
        f"{refuse('stored photos')}",
        "CREATE TRIGGER signed_consents_never_deleted BEFORE DELETE ON signed_consents "
        f"{refuse('signed consents')}",
        "CREATE TRIGGER signed_consents_unchanged BEFORE UPDATE ON signed_consents "
        f"WHEN NOT ({voiding_only(consent_columns)}) {refuse('signed consents')}",
        "CREATE TRIGGER consent_documents_never_deleted BEFORE DELETE ON consent_documents "
        f"{refuse('consent documents')}",
        "CREATE TRIGGER consent_documents_unchanged BEFORE UPDATE ON consent_documents "
        f"WHEN NOT ({same_document}) {refuse('consent documents')}",
    ):
        op.execute(statement)


def _postgres() -> None:
    message = MESSAGE.format(what="%")
    op.execute(
        "CREATE FUNCTION laserlog_keep_photos() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE owner_status text; BEGIN "
        "SELECT status INTO owner_status FROM treatment_sessions WHERE id = OLD.session_id; "
        "IF owner_status = 'draft' AND TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
        "IF owner_status = 'draft' AND TG_TABLE_NAME = 'session_photos' THEN RETURN NEW; "
        "END IF; "
        "IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'session_photos' THEN "
        "IF OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL "
        f"AND to_jsonb(NEW) - '{{{','.join(VOIDING)}}}'::text[] "
        f"= to_jsonb(OLD) - '{{{','.join(VOIDING)}}}'::text[] THEN RETURN NEW; END IF; "
        "END IF; "
        f"RAISE EXCEPTION '{message}', 'photos of a signed session' "
        "USING ERRCODE = 'insufficient_privilege'; END $$")
    op.execute(
        "CREATE FUNCTION laserlog_keep_consents() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'signed_consents' THEN "
        "IF OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL "
        f"AND to_jsonb(NEW) - '{{{','.join(VOIDING)}}}'::text[] "
        f"= to_jsonb(OLD) - '{{{','.join(VOIDING)}}}'::text[] THEN RETURN NEW; END IF; "
        "END IF; "
        "IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'consent_documents' THEN "
        "IF to_jsonb(NEW) - 'retired_at' = to_jsonb(OLD) - 'retired_at' THEN RETURN NEW; "
        "END IF; END IF; "
        f"RAISE EXCEPTION '{message}', TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$")
    for table in ("session_photos", "photo_images"):
        op.execute(f"CREATE TRIGGER {table}_kept_when_signed BEFORE UPDATE OR DELETE ON "
                   f"{table} FOR EACH ROW EXECUTE FUNCTION laserlog_keep_photos()")
    for table in ("signed_consents", "consent_documents"):
        op.execute(f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION laserlog_keep_consents()")
        op.execute(f"CREATE TRIGGER {table}_guard BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION laserlog_refuse('{table}')")
    for table in ("session_photos", "photo_images"):
        op.execute(f"CREATE TRIGGER {table}_guard BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION laserlog_refuse('{table}')")


def upgrade() -> None:
    _tables()
    _default_consent()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite()
    else:
        _postgres()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table in ("session_photos", "photo_images", "signed_consents",
                      "consent_documents"):
            op.execute(f"DROP TABLE {table} CASCADE")
        op.execute("DROP FUNCTION laserlog_keep_photos()")
        op.execute("DROP FUNCTION laserlog_keep_consents()")
    else:
        for table in ("photo_images", "session_photos", "signed_consents",
                      "consent_documents"):
            op.drop_table(table)
        op.execute("DROP TRIGGER screenings_unchanged_when_signed")
    op.execute("ALTER TABLE screenings DROP COLUMN consent_id")
    if op.get_bind().dialect.name == "sqlite":  # 0015's guard, over the columns left
        _screenings_guard()
    op.execute("ALTER TABLE patients DROP COLUMN portrait_photo_id")
