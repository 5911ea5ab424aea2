"""Bringing in a clinic's older photos: files whose names say the patient, area and day.

A file's name is read with a regular expression (``DEFAULT_PATTERN``, or the clinic's own)
whose named groups give the patient's ``identifier``, the ``area`` and the ``date``
(YYYY-MM-DD), and may give the ``pose`` and the ``kind`` (before, after, progress). Each file
goes to the patient's session of that day that treated the area, but only while that
session is a draft and only to the importer's own draft: a signed session keeps its photos
as signed (they are in its digest), and a photo is added by the session's technician. Every
file that cannot be placed is reported in one sentence saying why and what would let it in;
nothing of it is stored.

Each image is decoded and made safe (``models/values/images.py``) before any transaction,
then kept in a short transaction of its own with its audit event, so a folder of thousands
never sits in one transaction. A photo already on the draft (the same stored SHA-256) is not
added twice: a run can be repeated once the reported problems are put right.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access.care import sees_every_patient, treated_by
from models.access.permissions import Action, require
from models.clinic import clinic_settings, photo_poses
from models.errors import LaserLogError, NotAllowed, NotFound, ValidationFailed, os_reason
from models.reading.history_filter import local_days
from models.records.people import Patient, User
from models.records.photos import SessionPhoto
from models.records.treatment import TreatedArea, TreatmentSession
from models.storage.database import Database
from models.storage.own_files import DatabaseFileRefused, refuse_database_file
from models.values.images import CleanImage, ImageRefused, read_image_file
from models.values.photo_names import DEFAULT_PATTERN
from models.values.photo_poses import OTHER_POSE
from models.values.rows import Actor
from models.values.vocabulary import Area, SessionStatus
from models.workflow import session_photos
from models.workflow.session_photos import PhotoKind

REQUIRED_GROUPS = ("identifier", "area", "date")
SOURCE = "import"


def name_pattern(text: str | None = None) -> "re.Pattern[str]":
    """The pattern file names are read with: ``text`` (a regular expression naming at least
    the groups identifier, area and date), else the default."""
    try:
        pattern = re.compile(text or DEFAULT_PATTERN)
    except re.error as error:
        raise LaserLogError(f"the pattern is not a regular expression: {error}") from None
    missing = [group for group in REQUIRED_GROUPS if group not in pattern.groupindex]
    if missing:
        raise LaserLogError("the pattern must name the groups identifier, area and date, e.g. "
                            "(?P<identifier>[^_]+)_(?P<area>[a-z]+)_(?P<date>\\d{4}-\\d{2}-"
                            f"\\d{{2}})\\.jpg; it lacks {', '.join(missing)}")
    return pattern


@dataclass(frozen=True)
class NamedPhoto:
    """What a file's name says about the photo in it."""

    path: Path
    identifier: str
    area: str
    day: date
    kind: str
    pose: str


@dataclass(frozen=True)
class PhotoOutcome:
    """One file of the folder: placed (or, in a dry run, placeable) on a draft, or not, with
    one sentence that begins with the file's name."""

    file: str
    placed: bool
    message: str
    session_uuid: UUID | None = None
    patient: str = ""


@dataclass(frozen=True)
class PhotoImportReport:
    outcomes: tuple[PhotoOutcome, ...]
    dry_run: bool

    @property
    def placed(self) -> tuple[PhotoOutcome, ...]:
        return tuple(o for o in self.outcomes if o.placed)

    @property
    def problems(self) -> tuple[PhotoOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.placed)


class Unplaceable(Exception):
    """A file that cannot be placed; ``str()`` is the sentence the report gives."""


def _squeezed(text: str) -> str:
    """A pose as a file name can spell it: letters and digits only ("left-45" = "left 45°")."""
    return "".join(c for c in text.casefold() if c.isalnum())


def pose_of(offered: Sequence[str], spelled: str) -> str | None:
    """The pose of those ``offered`` a file name spells (in any case, with any separators),
    "other" when the name gives none; None when it names none of them."""
    if not spelled.strip():
        return OTHER_POSE
    wanted = _squeezed(spelled)
    return next((pose for pose in offered if _squeezed(pose) == wanted), None)


def read_name(path: Path, pattern: "re.Pattern[str]", kind: str,
              offered: Mapping[str, Sequence[str]]) -> NamedPhoto:
    """The patient, area, day, kind and pose ``path``'s name gives, or ``Unplaceable``; the
    pose one of those ``offered`` for the area."""
    name = path.name
    found = pattern.fullmatch(name)
    if found is None:
        raise Unplaceable(f"{name}: the name does not match the pattern (identifier_area_"
                          "YYYY-MM-DD[_kind][_pose].jpg, or --pattern)")
    groups = {key: (value or "").strip() for key, value in found.groupdict().items()}
    identifier, area = groups["identifier"], groups["area"].casefold()
    if not identifier:
        raise Unplaceable(f"{name}: the name gives no patient identifier")
    if area not in set(Area):
        raise Unplaceable(f"{name}: {groups['area']!r} is not an area LaserLog knows "
                          f"({', '.join(a.value for a in Area)})")
    try:
        day = date.fromisoformat(groups["date"])
    except ValueError:
        raise Unplaceable(f"{name}: {groups['date']!r} is not a date (YYYY-MM-DD)") from None
    kind = (groups.get("kind") or kind).casefold()
    if kind not in set(PhotoKind):
        raise Unplaceable(f"{name}: {kind!r} is not a kind of photo (before, after or "
                          "progress)")
    pose = pose_of(offered[area], groups.get("pose", ""))
    if pose is None:
        raise Unplaceable(f"{name}: {groups['pose']!r} is not a pose of "
                          f"{Area(area).label.lower()} ({', '.join(offered[area])})")
    return NamedPhoto(path, identifier, area, day, kind, pose)


def _patient(db: Session, name: str, identifier: str) -> Patient:
    """The patient of ``identifier``, in any case when only one patient's fits."""
    patient = db.scalar(select(Patient).where(Patient.identifier == identifier))
    if patient is not None:
        return patient
    alike = list(db.scalars(select(Patient).where(
        func.lower(Patient.identifier) == identifier.lower()).limit(2)))
    if not alike:
        raise Unplaceable(f"{name}: no patient has the identifier {identifier}")
    if len(alike) > 1:
        raise Unplaceable(f"{name}: the identifier {identifier} is that of several patients "
                          "in different case; rename the file with the exact one")
    return alike[0]


def place(db: Session, actor: Actor, photo: NamedPhoto) -> TreatmentSession:
    """The actor's draft the photo goes to: the patient's session of the photo's day that
    treats its area, still a draft, the actor's own; else ``Unplaceable`` saying why."""
    name, identifier, day = photo.path.name, photo.identifier, photo.day
    area = Area(photo.area).label.lower()
    patient = _patient(db, name, identifier)
    if not sees_every_patient(actor) and db.scalar(
            treated_by(actor).where(TreatmentSession.patient_id == patient.id).limit(1)) is None:
        raise Unplaceable(f"{name}: you do not treat patient {identifier}; only the "
                          "technician of their session adds its photos")
    since, until = local_days(day, day)
    if since is None or until is None:
        raise Unplaceable(f"{name}: {day} is not a day LaserLog can have sessions on")
    sessions = list(db.scalars(
        select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient.id,
               TreatmentSession.started_at >= since, TreatmentSession.started_at < until,
               TreatmentSession.status != SessionStatus.VOIDED)
        .order_by(TreatmentSession.started_at, TreatmentSession.id)))
    if not sessions:
        raise Unplaceable(f"{name}: patient {identifier} has no session on {day}; start its "
                          "draft with the day it took place, then import again")
    treating = set(db.scalars(select(TreatedArea.session_id).where(
        TreatedArea.session_id.in_([s.id for s in sessions]), TreatedArea.area == photo.area,
        TreatedArea.superseded_in.is_(None))))
    drafts = [s for s in sessions if s.status == SessionStatus.DRAFT]
    mine = [s for s in drafts if s.technician_id == actor.id]
    for session in mine:
        if session.id in treating:
            return session
    if mine:
        raise Unplaceable(f"{name}: your draft of {day} for patient {identifier} has no "
                          f"{area} area; add the area to the draft, then import again")
    if drafts:
        technician = db.get(User, drafts[0].technician_id)
        who = technician.full_name if technician is not None else "another technician"
        raise Unplaceable(f"{name}: the session of {day} for patient {identifier} is a draft "
                          f"of {who}; only its technician adds its photos (run the import as "
                          "them)")
    if not any(s.id in treating for s in sessions):
        raise Unplaceable(f"{name}: the session of {day} for patient {identifier} did not "
                          f"treat the {area}")
    raise Unplaceable(f"{name}: the session of {day} for patient {identifier} is signed; a "
                      "signed session's photos cannot change, so this one is not imported "
                      "(add it in the app as a progress photo of a later session)")


def photo_files(folder: Path) -> list[Path]:
    """The entries of ``folder`` to import, by name (hidden ones such as .DS_Store left out);
    a folder that is missing or unreadable is refused in one sentence."""
    try:
        if not folder.exists():
            raise LaserLogError(f"there is no folder {folder}")
        if not folder.is_dir():
            raise LaserLogError(f"{folder} is a file, not a folder of photos")
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.name)
    except OSError as error:
        raise LaserLogError(f"cannot read the folder {folder}: {os_reason(error)}") from None
    if not entries:
        raise LaserLogError(f"the folder {folder} holds no files")
    return entries


def _taken_at(image: CleanImage, photo: NamedPhoto, session: TreatmentSession) -> datetime:
    """When the photo was taken, as best known: the camera's clock when it falls on the day
    the name gives, else the session's start."""
    if image.taken_at is not None:
        try:
            camera = image.taken_at.astimezone()
        except (OverflowError, ValueError, OSError):
            camera = None
        if camera is not None and camera.date() == photo.day:
            return camera.astimezone(UTC)
    return session.started_at


def _check_new(db: Session, session: TreatmentSession, photo: NamedPhoto,
               image: CleanImage) -> None:
    """Refuse a photo the draft holds already (the same stored image): a run repeated."""
    if db.scalar(select(SessionPhoto.id).where(
            SessionPhoto.session_id == session.id, SessionPhoto.sha256 == image.sha256
    ).limit(1)) is not None:
        raise Unplaceable(f"{photo.path.name}: already on the session of {photo.day} for "
                          f"patient {photo.identifier}")


def _one(database: Database, actor: Actor, path: Path, pattern: "re.Pattern[str]",
         kind: str, long_side: int, offered: Mapping[str, Sequence[str]], dry_run: bool
         ) -> PhotoOutcome:
    name = path.name
    try:
        if path.is_dir():
            raise Unplaceable(f"{name}: a folder; photos are imported from the folder given, "
                              "not from folders in it")
        photo = read_name(path, pattern, kind, offered)
        with database.read() as db:
            session_uuid = place(db, actor, photo).uuid
        refuse_database_file(path, "import")
        image = read_image_file(path, long_side)
    except Unplaceable as problem:
        return PhotoOutcome(name, False, str(problem))
    except ImageRefused as refused:  # "NAME is not a photo…" said as the report says it
        said = str(refused)
        return PhotoOutcome(name, False, f"{name}: " + (
            f"the file{said[len(name):]}" if said.startswith(f"{name} ") else said))
    except DatabaseFileRefused:
        return PhotoOutcome(name, False, f"{name}: a file of the LaserLog database in use; "
                                         "it is never read as a photo")
    except OSError as error:
        return PhotoOutcome(name, False, f"{name}: cannot be read: {os_reason(error)}")
    shown = (f"{name}: patient {photo.identifier}, session of {photo.day}, "
             f"{Area(photo.area).label.lower()}, {photo.kind}, {photo.pose}")
    try:
        if dry_run:
            with database.read() as db:
                _check_new(db, place(db, actor, photo), photo, image)
        else:
            with database.write() as db:
                session = place(db, actor, photo)  # again: it may have been signed since
                _check_new(db, session, photo, image)
                row = session_photos.add_photo(db, actor, session.id, photo.area, photo.kind,
                                               photo.pose, image, SOURCE)
                stored = db.get(SessionPhoto, row.id)
                assert stored is not None  # just added
                stored.taken_at = _taken_at(image, photo, session)  # the same transaction
    except Unplaceable as problem:
        return PhotoOutcome(name, False, str(problem))
    except (ValidationFailed, NotAllowed, NotFound) as refused:  # add_photo's own words
        return PhotoOutcome(name, False, f"{name}: {refused}")
    return PhotoOutcome(name, True, shown, session_uuid, photo.identifier)


def import_photos(database: Database, actor: Actor, folder: Path,
                  pattern: "re.Pattern[str] | None" = None,
                  kind: str = PhotoKind.PROGRESS, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> PhotoImportReport:
    """Place every file of ``folder`` on its draft (in a dry run only say where each would
    go); return what became of each file."""
    require(actor, Action.LOG_SESSION, "session_photo")
    if kind not in set(PhotoKind):
        raise LaserLogError(f"{kind!r} is not a kind of photo (before, after or progress)")
    files = photo_files(folder)
    with database.read() as db:
        long_side = clinic_settings.rules(db).photo_long_side
        offered = photo_poses.poses(db)
    chosen = pattern or name_pattern()
    outcomes = []
    for number, path in enumerate(files, 1):
        outcomes.append(_one(database, actor, path, chosen, kind, long_side, offered,
                             dry_run))
        if progress is not None:
            progress(number, len(files))
    return PhotoImportReport(tuple(outcomes), dry_run)

