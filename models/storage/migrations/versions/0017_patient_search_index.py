"""patient search served by indexes: a normalised name column (lower case, accents stripped,
written by Python) with a trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL), identifiers
by prefix on an index of their lower case; indexes for a technician's open drafts, a room's
last session and the reactions of an area (a draft's areas are replaced as it is saved)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

The search key is made in Python (``models.values.name_search.search_key``), so this
migration fills it for the patients already registered, in batches, with a copy of that
function as it is today (a migration does not change with the code after it). SQLite's FTS5
index is an external-content table over ``patients.search_name``, kept current by triggers;
these and the indexes the entities do not describe are named in
``models.storage.migrations`` (SEARCH_TABLE, SEARCH_TRIGGERS, SEARCH_INDEXES).
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BATCH = 5_000
FTS = "patients_search"
SQLITE_TRIGGERS = {
    "patients_search_added": f"AFTER INSERT ON patients BEGIN INSERT INTO {FTS}(rowid, "
                             "search_name) VALUES (new.id, new.search_name); END",
    "patients_search_renamed": f"AFTER UPDATE OF search_name ON patients BEGIN INSERT INTO "
                               f"{FTS}({FTS}, rowid, search_name) VALUES ('delete', old.id, "
                               f"old.search_name); INSERT INTO {FTS}(rowid, search_name) "
                               "VALUES (new.id, new.search_name); END",
    "patients_search_removed": f"AFTER DELETE ON patients BEGIN INSERT INTO {FTS}({FTS}, "
                               "rowid, search_name) VALUES ('delete', old.id, "
                               "old.search_name); END",
}
_LETTERS = str.maketrans({"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h",
                          "ŧ": "t", "þ": "th", "æ": "ae", "œ": "oe", "ŀ": "l", "ŉ": "n",
                          "’": "'", "‘": "'", "ʼ": "'"})


def search_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in folded if not unicodedata.combining(c)).translate(_LETTERS)
    return " ".join(bare.split())


def _fill_search_names() -> None:
    bind = op.get_bind()
    patients = sa.table("patients", sa.column("id", sa.Integer),
                        sa.column("full_name", sa.String), sa.column("search_name", sa.String))
    last = 0
    while True:
        rows = bind.execute(sa.select(patients.c.id, patients.c.full_name)
                            .where(patients.c.id > last).order_by(patients.c.id)
                            .limit(BATCH)).all()
        if not rows:
            return
        bind.execute(sa.update(patients).where(patients.c.id == sa.bindparam("patient_id"))
                     .values(search_name=sa.bindparam("key")),
                     [{"patient_id": row.id, "key": search_key(row.full_name)} for row in rows])
        last = rows[-1].id


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Not a batch rebuild: it would drop the guard triggers on patients.
    op.add_column("patients", sa.Column("search_name", sa.String(200), nullable=False,
                                        server_default=""))
    _fill_search_names()
    if sqlite:
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_name, content='patients', "
                   "content_rowid='id', tokenize='trigram')")
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute("CREATE INDEX ix_patients_identifier_lower ON patients (lower(identifier))")
        op.execute("CREATE INDEX ix_patients_search_name ON patients (search_name)")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_patients_search_name_trgm ON patients "
                   "USING gin (search_name gin_trgm_ops)")
        op.execute('CREATE INDEX ix_patients_identifier_lower ON patients '
                   '((lower(identifier)) COLLATE "C")')
        op.execute('CREATE INDEX ix_patients_search_name ON patients (search_name COLLATE "C")')
    # A draft saved again replaces its areas: each area deleted looked for its reactions
    # through every reaction of the clinic.
    op.create_index("ix_reactions_treated_area_id", "reactions", ["treated_area_id"])
    # The room's last device, on a PC that remembers none, walked every session newest first.
    op.create_index("ix_treatment_sessions_room_started", "treatment_sessions",
                    ["room", "started_at"])
    op.create_index("ix_treatment_sessions_drafts", "treatment_sessions",
                    ["technician_id", "updated_at"], sqlite_where=sa.text("status = 'draft'"),
                    postgresql_where=sa.text("status = 'draft'"))


def downgrade() -> None:
    op.drop_index("ix_treatment_sessions_drafts", "treatment_sessions")
    op.drop_index("ix_treatment_sessions_room_started", "treatment_sessions")
    op.drop_index("ix_reactions_treated_area_id", "reactions")
    op.execute("DROP INDEX ix_patients_search_name")
    op.execute("DROP INDEX ix_patients_identifier_lower")
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute(f"DROP TABLE {FTS}")
    else:
        op.execute("DROP INDEX ix_patients_search_name_trgm")  # pg_trgm stays: others may use it
    op.execute("ALTER TABLE patients DROP COLUMN search_name")
