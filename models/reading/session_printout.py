"""What a session's printed report shows beyond its detail: the photos' thumbnails and the
consent the patient signed on screen.

Read for whoever may see the session (access follows care), as plain values the PDF writer
draws; the photos' full images are not read, only their thumbnails.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access.care import require_care
from models.clinic import consent_forms, photo_poses
from models.errors import NotFound
from models.language import _
from models.records.photos import PhotoImage, SessionPhoto
from models.records.treatment import Screening, TreatedArea, TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import SessionStatus

KIND_ORDER = ("before", "after", "progress")


@dataclass(frozen=True)
class PrintedPhoto:
    area: str
    kind: str
    pose: str
    taken_at: datetime
    thumbnail: bytes  # a JPEG


@dataclass(frozen=True)
class PrintedConsent:
    version: str
    title: str
    signer_name: str
    signed_at: datetime
    witness: str
    rendering: bytes  # the signature as drawn, a PNG
    sha256: str


@dataclass(frozen=True)
class SessionPrintout:
    photos: tuple[PrintedPhoto, ...]  # by area, then before, after, progress, then pose
    consent: PrintedConsent | None
    voided_photos: int = 0  # kept with the record, not printed


def _consent_id(db: Session, session: TreatmentSession) -> int | None:
    """The consent the session went ahead under; for a draft, the one valid on its day."""
    consent_id = db.scalar(select(Screening.consent_id).where(
        Screening.session_id == session.id, Screening.superseded_in.is_(None)))
    if consent_id is None and session.status == SessionStatus.DRAFT:
        on_file = consent_forms.consent_on_file(db, session.patient_id,
                                                session.started_at.astimezone().date())
        if on_file is not None and on_file.in_force:
            consent_id = on_file.consent_id
    return consent_id


def session_printout(db: Session, actor: Actor, session_id: int) -> SessionPrintout:
    """The photos (not voided) and consent of the session, for its PDF."""
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(_("No such session"))
    require_care(db, actor, session.patient_id, "photos")
    areas = list(db.scalars(select(TreatedArea.area).where(
        TreatedArea.session_id == session_id, TreatedArea.superseded_in.is_(None))
        .order_by(TreatedArea.position, TreatedArea.id)))
    rows = db.execute(select(SessionPhoto, PhotoImage.thumbnail)
                      .join(PhotoImage, PhotoImage.photo_id == SessionPhoto.id)
                      .where(SessionPhoto.session_id == session_id)
                      .order_by(SessionPhoto.id)).all()
    kept = [(photo, bytes(thumbnail)) for photo, thumbnail in rows if photo.voided_at is None]
    offered = photo_poses.poses(db)

    def order(item: tuple[SessionPhoto, bytes]) -> tuple[int, int, int, int]:
        photo = item[0]
        poses = offered.get(photo.area, ())
        return (areas.index(photo.area) if photo.area in areas else len(areas),
                KIND_ORDER.index(photo.kind) if photo.kind in KIND_ORDER else len(KIND_ORDER),
                poses.index(photo.pose) if photo.pose in poses else len(poses), photo.id)

    photos = tuple(PrintedPhoto(p.area, p.kind, p.pose, p.taken_at, thumbnail)
                   for p, thumbnail in sorted(kept, key=order))
    consent = None
    consent_id = _consent_id(db, session)
    if consent_id is not None:
        signed = consent_forms.signed_consent(db, actor, consent_id)
        consent = PrintedConsent(signed.version, signed.title, signed.signer_name,
                                 signed.signed_at, signed.witness, signed.rendering,
                                 signed.sha256)
    return SessionPrintout(photos, consent, len(rows) - len(kept))
