"""Witnesses of the audit chain's end, kept outside the database.

The chain proves that nothing inside it was changed, but someone with write access to the
database file could cut its last events off, or rewrite the whole chain with recomputed
hashes, and the chain alone would still agree with itself. So whenever a session is signed
or amended, and at every backup, the chain's newest sequence number and hash are written,
after the commit, to a witness log outside the database's folder (this PC's state folder,
one line per witness). ``verify`` reads the witnesses of this database back: an event a
witness saw that is missing, or that now has another hash, is named with the witness.

A database is known by where it is (the SQLite file's path, the PostgreSQL server and
database name), not by anything inside it an attacker could rewrite. A restore writes a line
that closes the witnesses before it (the database went back to an older state on purpose).
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models.language import _
from models.records.audit_events import AuditEvent

ENV_VAR = "LASERLOG_WITNESS_LOG"
#: A database made anew, or restored, at a place: the witnesses before it are of another
#: state of that place.
RESETS = ("created", "restore")


def witness_log() -> Path:
    """This PC's witness log (``LASERLOG_WITNESS_LOG`` names another)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir("LaserLog", appauthor=False)) / "witness.log"


@dataclass(frozen=True)
class Witness:
    database: str  # where the database is: see ``chain_identity``
    seq: int
    hash: str
    seen_at: str
    reason: str  # "sign", "backup", "restore"


def chain_identity(db: Session) -> str:
    """Where the database is, as witnesses name it (never its password)."""
    url = db.get_bind().engine.url
    if url.get_backend_name() == "sqlite":
        return "sqlite:" + str(Path(url.database or "").resolve())
    return (f"postgresql://{url.host or 'localhost'}:{url.port or 5432}/{url.database}")


def _head(db: Session) -> tuple[int, str] | None:
    row = db.execute(select(AuditEvent.seq, AuditEvent.hash)
                     .order_by(AuditEvent.seq.desc()).limit(1)).first()
    return None if row is None else (row.seq, row.hash)


def _append(witness: Witness) -> None:
    path = witness_log()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(witness.__dict__, sort_keys=True) + "\n")
            log.flush()
            os.fsync(log.fileno())
    except OSError:
        pass  # a witness is a second line of defence: never a reason to refuse the save


def witness_after_commit(db: Session, reason: str) -> None:
    """Write the chain's head as it is now to the witness log once ``db`` commits."""
    identity, head = chain_identity(db), _head(db)
    if head is None:
        return
    seen = Witness(identity, head[0], head[1], datetime.now(UTC).isoformat(timespec="seconds"),
                   reason)
    event.listen(db, "after_commit", lambda _session: _append(seen), once=True)


def witnesses_of(identity: str) -> Iterator[Witness]:
    """This database's witnesses since its last restore, oldest first."""
    path = witness_log()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    found: list[Witness] = []
    for line in lines:
        try:
            values = json.loads(line)
            witness = Witness(**values)
        except (ValueError, TypeError):
            continue  # a damaged line witnesses nothing
        if witness.database != identity:
            continue
        if witness.reason in RESETS:
            found = []
        found.append(witness)
    yield from found


def head_text(db: Session) -> str:
    """The chain's head as exports write it (in English, whatever the language in use)."""
    head = _head(db)
    return "audit chain empty" if head is None else (
        f"audit chain head: event {head[0]}, {head[1][:16]}")


def shown_head_text(db: Session) -> str:
    """The chain's head as printed on reports people read, in the language in use."""
    head = _head(db)
    return _("audit chain empty") if head is None else _(
        "audit chain head: event {seq}, {hash}").format(seq=head[0], hash=head[1][:16])
