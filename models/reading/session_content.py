"""A session's whole clinical content as one SHA-256 digest, for signing and for ``verify``.

The digest covers the session's identity and clinical columns, the reason it was logged late
(when it was), and every row it is made of, current and replaced alike: areas, their
parameter settings, reactions, anaesthetic, screening and the consent signed for it, photos
and per-pulse traces (their bytes hashed), and import links. Signing and every
amendment write it into their audit event; ``verify`` computes it again for every signed
session and names the first that no longer matches. Columns that legitimately move after
signing (status, review, voiding, version, the aftercare mark) are left out.

The rows are read as streams ordered by session, one per table, and merged, so the whole
database is digested in one pass without loading it. Each row is written as the ``repr`` of
its values as the column types hand them back (aware UTC datetimes, floats, UUIDs), the same
on SQLite and PostgreSQL.
"""

import hashlib
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.language import _
from models.records.consents import SignedConsent
from models.records.imports import ImportBatchSession, PulseTrace
from models.records.photos import PhotoImage, SessionPhoto
from models.records.treatment import (
    Anaesthetic,
    ParameterSetting,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)

#: The session row's columns that never change once it is signed, except by amendment.
SESSION_COLUMNS = ("uuid", "patient_id", "technician_id", "device_id", "room", "started_at",
                   "duration_s", "notes", "created_at", "completed_at")
#: A signed consent's own digest covers all of it: the session names it by that.
_NOT_CONSENT = tuple(c.name for c in SignedConsent.__table__.columns if c.name != "sha256")
_BATCH = 5_000
_SESSION_PREFIX = "session"


Line = tuple[int, str, tuple[str, str] | None]  # session id, canonical line, (uuid, status)


def _table_rows(db: Session, name: str, statement: Select[Any]) -> Iterator[Line]:
    """One canonical line per row of ``statement``, whose first column is the session id and
    whose rows come in session order. The session row's own status is not content: it is
    handed on beside its line instead."""
    result = db.execute(statement.execution_options(stream_results=True, yield_per=_BATCH))
    for row in result:
        session_id, *values = row
        identity = None
        if name == _SESSION_PREFIX:
            identity = (str(values[0]), str(values[1]))
            del values[1]
        if name in ("trace", "photo"):  # pulse data and images: their hash for their bytes
            values = [_plain(v) for v in values]
        yield session_id, name + repr(values), identity


def _plain(value: object) -> object:
    if isinstance(value, bytes | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def _statements(only: Sequence[int] | None) -> list[tuple[str, Select[Any]]]:
    def columns(entity: Any, skip: tuple[str, ...] = ()) -> list[Any]:
        return [c for c in entity.__table__.columns if c.name not in skip]

    session = TreatmentSession.__table__.c
    statements: list[tuple[str, Select[Any]]] = [
        ("session", select(session.id, session.uuid, session.status,
                           *(session[c] for c in SESSION_COLUMNS if c != "uuid"))
         .order_by(session.id)),
        # Given only when the session was logged late: the digests of sessions signed before
        # LaserLog asked (schema 0016), and of every session logged on time, stay the same.
        ("late", select(session.id, session.late_entry_reason)
         .where(session.late_entry_reason != "").order_by(session.id)),
        ("area", select(TreatedArea.session_id, *columns(TreatedArea))
         .order_by(TreatedArea.session_id, TreatedArea.id)),
        ("setting", select(TreatedArea.session_id, *columns(ParameterSetting))
         .join(TreatedArea, TreatedArea.id == ParameterSetting.treated_area_id)
         .order_by(TreatedArea.session_id, ParameterSetting.id)),
        ("reaction", select(Reaction.session_id, *columns(Reaction))
         .order_by(Reaction.session_id, Reaction.id)),
        ("anaesthetic", select(Anaesthetic.session_id, *columns(Anaesthetic))
         .order_by(Anaesthetic.session_id, Anaesthetic.id)),
        ("screening", select(Screening.session_id, *columns(Screening, ("consent_id",)))
         .order_by(Screening.session_id, Screening.id)),
        # Given only when the session went ahead under a consent signed on screen (0021):
        # that consent's own digest, which covers its document, strokes and signer.
        ("consent", select(Screening.session_id, *columns(SignedConsent, _NOT_CONSENT))
         .join(SignedConsent, SignedConsent.id == Screening.consent_id)
         .order_by(Screening.session_id, Screening.id)),
        # A photo's description and the bytes it stands for (voiding a photo is not content:
        # it is audited, and the photo stays). A missing image digests as None.
        ("photo", select(SessionPhoto.session_id,
                         *columns(SessionPhoto, ("voided_at", "voided_by_id", "void_reason")),
                         PhotoImage.data)
         .outerjoin(PhotoImage, PhotoImage.photo_id == SessionPhoto.id)
         .order_by(SessionPhoto.session_id, SessionPhoto.id)),
        ("trace", select(PulseTrace.session_id, *columns(PulseTrace))
         .order_by(PulseTrace.session_id, PulseTrace.id)),
        ("import", select(ImportBatchSession.session_id, *columns(ImportBatchSession))
         .order_by(ImportBatchSession.session_id, ImportBatchSession.batch_id)),
    ]
    if only is not None:
        keys = {"session": session.id, "late": session.id, "area": TreatedArea.session_id,
                "setting": TreatedArea.session_id, "reaction": Reaction.session_id,
                "anaesthetic": Anaesthetic.session_id, "screening": Screening.session_id,
                "consent": Screening.session_id, "photo": SessionPhoto.session_id,
                "trace": PulseTrace.session_id, "import": ImportBatchSession.session_id}
        statements = [(name, statement.where(keys[name].in_(only)))
                      for name, statement in statements]
    return statements


@dataclass(frozen=True)
class SessionContent:
    id: int
    uuid: str
    status: str
    digest: str
    size: int  # bytes digested


def content_digests(db: Session, only: Sequence[int] | None = None
                    ) -> Iterator[SessionContent]:
    """Every session's content digest (or those in ``only``), in session order."""
    streams = [_table_rows(db, name, statement) for name, statement in _statements(only)]
    merged = heapq.merge(*streams, key=lambda item: item[0])
    for session_id, lines in groupby(merged, key=lambda item: item[0]):
        digest = hashlib.sha256()
        uuid = status = ""
        size = 0
        for _id, line, identity in lines:
            if identity is not None:
                uuid, status = identity
            data = line.encode() + b"\n"
            digest.update(data)
            size += len(data)
        yield SessionContent(session_id, uuid, status, digest.hexdigest(), size)


def content_digest(db: Session, session_id: int) -> str:
    """The digest of one session's content, as signing records it."""
    db.flush()
    for content in content_digests(db, [session_id]):
        if content.id == session_id:
            return content.digest
    raise LookupError(_("no session {id}").format(id=session_id))
