"""Photos with a session's treated areas: added to a draft, kept with the signed record.

A photo comes in as a ``CleanImage`` (models/values/images.py: decoded, upright, scaled and
without metadata) and is stored in the same transaction as its audit event. While the
session is a draft a photo can be taken out again; once it is signed the database keeps it
as it is (migration 0021) and it can only be voided, with a reason.

Photos follow the session they belong to: whoever may open the session may see them (access
follows care, models/access/care.py), and a patient's photos shown to someone not treating
the patient (a supervisor) is recorded in the audit trail, once per view.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.care import require_care, sees_every_patient, treated_by
from models.access.permissions import Action, Refused, require
from models.clinic import clinic_settings, photo_poses
from models.errors import NotFound, ValidationFailed
from models.language import N_, _, ngettext
from models.records.people import Patient, User
from models.records.photos import PhotoImage, SessionPhoto
from models.records.treatment import TreatedArea, TreatmentSession
from models.storage.database import Database
from models.values.images import CleanImage, read_image_file
from models.values.rows import Actor
from models.values.session_input import area_key
from models.values.vocabulary import SIGNED, Area, Labelled, SessionStatus


class PhotoKind(Labelled):
    BEFORE = "before", N_("Before")
    AFTER = "after", N_("After")
    PROGRESS = "progress", N_("Progress")


@dataclass(frozen=True)
class PhotoRow:
    id: int
    session_id: int
    patient_id: int
    area: str
    kind: str
    pose: str
    taken_at: datetime
    width: int
    height: int
    sha256: str
    source: str
    added_by: str
    session_started_at: datetime
    voided: bool = False
    void_reason: str = ""


def _row(photo: SessionPhoto, added_by: str, started_at: datetime) -> PhotoRow:
    return PhotoRow(photo.id, photo.session_id, photo.patient_id, photo.area, photo.kind,
                    photo.pose, photo.taken_at, photo.width, photo.height, photo.sha256,
                    photo.source, added_by, started_at, photo.voided_at is not None,
                    photo.void_reason)


def _rows(db: Session, photos: Sequence[SessionPhoto]) -> list[PhotoRow]:
    names = dict(db.execute(select(User.id, User.full_name).where(
        User.id.in_({p.added_by_id for p in photos}))).all())
    starts = dict(db.execute(select(TreatmentSession.id, TreatmentSession.started_at).where(
        TreatmentSession.id.in_({p.session_id for p in photos}))).all())
    return [_row(p, names.get(p.added_by_id, ""), starts[p.session_id]) for p in photos]


@dataclass(frozen=True)
class LatePhoto:
    """A photo brought to a session after it was signed (an older photo imported): added
    only by an amendment (``supervision.add_photos``)."""

    area: str
    kind: str
    pose: str
    image: CleanImage
    source: str
    taken_at: datetime


def photo_problems(db: Session, area: str, kind: str, pose: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if area not in set(Area):
        problems["photo.area"] = _("Unknown area {code}").format(code=repr(area))
    elif pose not in (offered := photo_poses.poses_of(db, area)):
        problems["photo.pose"] = _("{pose} is not a pose of {area}: {poses}").format(
            pose=pose or _("No pose"), area=Area(area).label, poses=", ".join(offered))
    if kind not in set(PhotoKind):
        problems["photo.kind"] = _("A photo is before, after or progress")
    return problems


def draft_of(db: Session, actor: Actor, session_id: int) -> TreatmentSession:
    require(actor, Action.LOG_SESSION, "treatment_session", session_id)
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(_("No such session"))
    if session.technician_id != actor.id:
        raise Refused.saying(N_("Photos are added by the session's own technician"), actor,
                             "add_photo", "treatment_session", session.uuid)
    if session.status != SessionStatus.DRAFT:
        raise ValidationFailed({"photo": _(
            "This session is signed: photos can no longer be added to it. Add them to the "
            "patient's next session as progress photos")})
    return session


def add_photo(db: Session, actor: Actor, session_id: int, area: str, kind: str, pose: str,
              image: CleanImage, source: str = "file") -> PhotoRow:
    """Keep a photo of one of the draft's areas (the image already made safe)."""
    return keep_photo(db, actor, draft_of(db, actor, session_id), area, kind, pose, image,
                      source)


def keep_photo(db: Session, actor: Actor, session: TreatmentSession, area: str, kind: str,
               pose: str, image: CleanImage, source: str, taken_at: datetime | None = None
               ) -> PhotoRow:
    """Keep a photo of ``session`` with its audit event, the caller having checked that the
    actor may add it there. Taken ``taken_at``, else when the camera's clock says if that is
    plausible, else now."""
    problems = photo_problems(db, area, kind, pose)
    if problems:
        raise ValidationFailed(problems)
    if taken_at is None:
        taken_at = datetime.now(UTC)
        if image.taken_at is not None:  # the camera's clock, in this PC's time zone
            camera = image.taken_at.astimezone().astimezone(UTC)
            if session.started_at - timedelta(days=1) <= camera <= taken_at + timedelta(hours=1):
                taken_at = camera  # plausible: from the day before the session until now
    photo = SessionPhoto(session_id=session.id, patient_id=session.patient_id, area=area,
                         kind=kind, pose=pose, taken_at=taken_at, width=image.width,
                         height=image.height, sha256=image.sha256, source=source[:32],
                         added_by_id=actor.id)
    db.add(photo)
    db.flush()
    db.add(PhotoImage(photo_id=photo.id, session_id=session.id, data=image.data,
                      thumbnail=image.thumbnail))
    session.updated_at = datetime.now(UTC)
    audit_chain.record(db, actor_id=actor.id, action="photo.add", entity="treatment_session",
                       entity_id=session.uuid,
                       new={"photo": str(photo.uuid), "area": area, "kind": kind,
                            "pose": pose, "sha256": image.sha256})
    db.flush()
    return _rows(db, [photo])[0]


def add_photo_file(database: Database, actor: Actor, session_id: int, area: str, kind: str,
                   pose: str, path: Path, source: str = "file") -> PhotoRow:
    """Read, clean and keep a photo file: decoded outside the transaction (a 12-megapixel
    photo takes a moment), kept in one with its audit event."""
    with database.read() as db:
        long_side = clinic_settings.rules(db).photo_long_side
    image = read_image_file(path, long_side)
    with database.write() as db:
        return add_photo(db, actor, session_id, area, kind, pose, image, source)


def remove_photo(db: Session, actor: Actor, photo_id: int) -> None:
    """Take a photo out of a draft (the wrong one, a blurred one): it was never signed."""
    photo = db.get(SessionPhoto, photo_id)
    if photo is None:
        raise NotFound(_("No such photo"))
    session = draft_of(db, actor, photo.session_id)
    db.execute(update(Patient).where(Patient.portrait_photo_id == photo.id)
               .values(portrait_photo_id=None))  # never a portrait of a photo taken out
    db.execute(delete(PhotoImage).where(PhotoImage.photo_id == photo.id))
    db.delete(photo)
    audit_chain.record(db, actor_id=actor.id, action="photo.remove",
                       entity="treatment_session", entity_id=session.uuid,
                       old={"photo": str(photo.uuid), "sha256": photo.sha256})


def void_photo(db: Session, actor: Actor, photo_id: int, reason: str) -> None:
    """Mark a signed session's photo void (the wrong patient, a photo that should not be
    kept): it stays, with who voided it, when and why."""
    require(actor, Action.AMEND_SESSION, "session_photo", photo_id)
    photo = db.get(SessionPhoto, photo_id)
    if photo is None:
        raise NotFound(_("No such photo"))
    if not reason.strip():
        raise ValidationFailed({"reason": _("Give the reason for voiding this photo")})
    if photo.voided_at is None:
        photo.voided_at, photo.voided_by_id, photo.void_reason = (
            datetime.now(UTC), actor.id, reason.strip())
        audit_chain.record(db, actor_id=actor.id, action="photo.void",
                           entity="session_photo", entity_id=photo.uuid,
                           new={"sha256": photo.sha256}, reason=reason.strip())


def session_photos(db: Session, actor: Actor, session_id: int) -> list[PhotoRow]:
    """A session's photos in the order they were added (voided ones included, marked)."""
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(_("No such session"))
    require_care(db, actor, session.patient_id, "photos")
    photos = db.scalars(select(SessionPhoto).where(SessionPhoto.session_id == session_id)
                        .order_by(SessionPhoto.id)).all()
    if photos:
        _note_view(db, actor, session.patient_id, "", session.uuid)
    return _rows(db, photos)


def series(db: Session, actor: Actor, patient_id: int, area: str,
           pose: str | None = None) -> list[PhotoRow]:
    """A patient's photos of one area (and pose), oldest first, from drafts the actor is
    writing and signed sessions; viewing them without treating the patient is audited."""
    require_care(db, actor, patient_id, "photos")
    _note_view(db, actor, patient_id, area)
    statement = (select(SessionPhoto)
                 .join(TreatmentSession, TreatmentSession.id == SessionPhoto.session_id)
                 .where(SessionPhoto.patient_id == patient_id, SessionPhoto.area == area,
                        SessionPhoto.voided_at.is_(None),
                        TreatmentSession.status.in_((*SIGNED, SessionStatus.DRAFT)))
                 .order_by(SessionPhoto.taken_at, SessionPhoto.id))
    if pose is not None:
        statement = statement.where(SessionPhoto.pose == pose)
    photos = [p for p in db.scalars(statement)]
    drafts = set(db.scalars(select(TreatmentSession.id).where(
        TreatmentSession.id.in_({p.session_id for p in photos}),
        TreatmentSession.status == SessionStatus.DRAFT,
        TreatmentSession.technician_id != actor.id)))
    return _rows(db, [p for p in photos if p.session_id not in drafts])


def poses_to_compare(db: Session, actor: Actor, patient_id: int, area: str
                     ) -> tuple[str, ...]:
    """The poses a patient's photos of ``area`` are compared in: the clinic's, then any other
    their photos were taken in (a pose the clinic has since taken off its list)."""
    require_care(db, actor, patient_id, "photos")
    offered = photo_poses.poses_of(db, area)
    taken = set(db.scalars(select(SessionPhoto.pose).distinct().where(
        SessionPhoto.patient_id == patient_id, SessionPhoto.area == area,
        SessionPhoto.voided_at.is_(None))))
    return offered + tuple(sorted(taken - set(offered)))


def previous_photo(db: Session, actor: Actor, session_id: int, area: str, pose: str
                   ) -> PhotoRow | None:
    """The latest photo of the same area and pose from the patient's earlier sessions: the
    one to match distance, angle and light against."""
    session = db.get(TreatmentSession, session_id)
    if session is None:
        raise NotFound(_("No such session"))
    require_care(db, actor, session.patient_id, "photos")
    photo = db.scalar(
        select(SessionPhoto)
        .join(TreatmentSession, TreatmentSession.id == SessionPhoto.session_id)
        .where(SessionPhoto.patient_id == session.patient_id, SessionPhoto.area == area,
               SessionPhoto.pose == pose, SessionPhoto.voided_at.is_(None),
               SessionPhoto.session_id != session_id,
               TreatmentSession.status.in_(SIGNED))
        .order_by(SessionPhoto.taken_at.desc(), SessionPhoto.id.desc()).limit(1))
    return None if photo is None else _rows(db, [photo])[0]


def image_of(db: Session, actor: Actor, photo_id: int, thumbnail: bool = False) -> bytes:
    """A photo's stored JPEG (or its thumbnail), for whoever may see the session."""
    photo = db.get(SessionPhoto, photo_id)
    if photo is None:
        raise NotFound(_("No such photo"))
    require_care(db, actor, photo.patient_id, "photos")
    column = PhotoImage.thumbnail if thumbnail else PhotoImage.data
    data = db.scalar(select(column).where(PhotoImage.photo_id == photo_id))
    if data is None:
        raise NotFound(_("The photo's image is missing from the database: run verify"))
    return bytes(data)


def set_portrait(db: Session, actor: Actor, patient_id: int, photo_id: int) -> None:
    """Show this photo of the patient as their portrait, on the form and the detail."""
    require(actor, Action.LOG_SESSION, "patient", patient_id)
    require_care(db, actor, patient_id, "photos")
    photo = db.get(SessionPhoto, photo_id)
    patient = db.get(Patient, patient_id)
    if photo is None or patient is None or photo.patient_id != patient_id:
        raise NotFound(_("That photo is not one of this patient's"))
    if photo.voided_at is not None:
        raise ValidationFailed({"photo": _("A voided photo cannot be the patient's portrait")})
    patient.portrait_photo_id = photo.id
    audit_chain.record(db, actor_id=actor.id, action="patient.portrait", entity="patient",
                       entity_id=patient.uuid, new={"photo": str(photo.uuid)})


def portrait_of(db: Session, actor: Actor, patient_id: int) -> bytes | None:
    """The thumbnail of the patient's portrait; None when they have none, or when the actor
    may not see the patient's photos (the form asks before the draft makes them treating)."""
    patient = db.get(Patient, patient_id)
    if patient is None or patient.portrait_photo_id is None:
        return None
    if not sees_every_patient(actor) and db.scalar(
            treated_by(actor).where(TreatmentSession.patient_id == patient_id).limit(1)) is None:
        return None
    data = db.scalar(select(PhotoImage.thumbnail)
                     .join(SessionPhoto, SessionPhoto.id == PhotoImage.photo_id)
                     .where(PhotoImage.photo_id == patient.portrait_photo_id,
                            SessionPhoto.patient_id == patient_id,
                            SessionPhoto.voided_at.is_(None)))
    return None if data is None else bytes(data)


def thumbnails_of(db: Session, actor: Actor, photo_ids: Sequence[int]) -> dict[int, bytes]:
    """Many photos' thumbnails in one read (a list of a patient's photos), by photo id."""
    rows = db.execute(select(SessionPhoto.id, SessionPhoto.patient_id, PhotoImage.thumbnail)
                      .join(PhotoImage, PhotoImage.photo_id == SessionPhoto.id)
                      .where(SessionPhoto.id.in_(photo_ids))).all()
    for patient_id in {row.patient_id for row in rows}:
        require_care(db, actor, patient_id, "photos")
    return {row.id: bytes(row.thumbnail) for row in rows}


def _note_view(db: Session, actor: Actor, patient_id: int, area: str,
               session_uuid: object = None) -> None:
    """Record that someone who does not treat the patient looked at their photos (of one
    area, or of one session)."""
    if not sees_every_patient(actor):
        return  # a technician sees only patients they treat (require_care)
    treating = db.scalar(treated_by(actor).where(TreatmentSession.patient_id == patient_id)
                         .limit(1))
    if treating is None:
        patient = db.get(Patient, patient_id)
        assert patient is not None
        seen = {"area": area} if area else {"session": str(session_uuid)}
        audit_chain.record(db, actor_id=actor.id, action="photos.view", entity="patient",
                           entity_id=patient.uuid, new=seen)


def before_photos_missing(db: Session, session: TreatmentSession, areas: Sequence[str],
                          per_area: int, every_session: bool) -> dict[str, str]:
    """The areas short of the before photos the clinic requires, with what is missing: at a
    course's first session for the area (no earlier signed session treated it), or at
    every session."""
    if per_area <= 0 or not areas:
        return {}
    counts = dict(db.execute(
        select(SessionPhoto.area, func.count())
        .where(SessionPhoto.session_id == session.id, SessionPhoto.kind == PhotoKind.BEFORE,
               SessionPhoto.voided_at.is_(None))
        .group_by(SessionPhoto.area)).all())
    problems: dict[str, str] = {}
    for area in areas:
        have = counts.get(area, 0)
        if have >= per_area:
            continue
        if not every_session and db.scalar(
                select(TreatedArea.id)
                .join(TreatmentSession, TreatmentSession.id == TreatedArea.session_id)
                .where(TreatmentSession.patient_id == session.patient_id,
                       TreatmentSession.status.in_(SIGNED), TreatedArea.area == area,
                       TreatedArea.superseded_in.is_(None),
                       TreatmentSession.id != session.id).limit(1)) is not None:
            continue  # not the course's first session for this area
        problems[area_key(area, "photos")] = ngettext(
            "{area}: {n} before photo needed, {taken} taken",
            "{area}: {n} before photos needed, {taken} taken", per_area).format(
            area=Area(area).label, n=per_area, taken=have)
    return problems
