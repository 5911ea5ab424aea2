"""Bringing in a clinic's older photos: files whose names say the patient, area and day.

A file's name is read with a regular expression (``DEFAULT_PATTERN``, or the clinic's own)
whose named groups give the patient's ``identifier``, the ``area`` and the ``date``
(YYYY-MM-DD), and may give the ``pose`` and the ``kind`` (before, after, progress). Each file
goes to the patient's session of that day that treated the area:

- run by a technician, only to their own draft (a photo is added by the session's
  technician);
- run by a supervisor with a way to add photos to signed sessions (``add_late``: an
  amendment, ``supervision.add_photos``), to the one signed session of that day: a signed
  session's photos are in its digest, so they reach it only by an amendment, one for each
  session, which seals its content again.

Every file that cannot be placed is reported in one sentence saying why and what would let
it in; nothing of it is stored.

Each image is decoded and made safe (``models/values/images.py``) before any transaction; a
draft's photo is then kept in a short transaction of its own with its audit event, so a
folder of thousands never sits in one transaction, and a signed session's photos in the one
transaction of their amendment. A photo already on the session, or brought by another file
of the folder (the same SHA-256), is not added twice: a run can be repeated once the
reported problems are put right.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access.care import sees_every_patient, treated_by
from models.access.permissions import Action, require
from models.clinic import clinic_settings, photo_poses
from models.errors import LaserLogError, NotAllowed, NotFound, ValidationFailed, os_reason
from models.language import _, date_text, ngettext
from models.reading.history_filter import local_days
from models.records.people import Patient, User
from models.records.photos import SessionPhoto
from models.records.treatment import TreatedArea, TreatmentSession
from models.storage.database import Database
from models.storage.own_files import DatabaseFileRefused, refuse_database_file
from models.values.images import CleanImage, ImageRefused, read_image_file
from models.values.photo_names import DEFAULT_PATTERN
from models.values.photo_poses import OTHER_POSE, spelling
from models.values.rows import Actor
from models.values.vocabulary import SIGNED, Area, SessionStatus
from models.workflow import session_photos
from models.workflow.session_photos import LatePhoto, PhotoKind

REQUIRED_GROUPS = ("identifier", "area", "date")
SOURCE = "import"


def name_pattern(text: str | None = None) -> "re.Pattern[str]":
    """The pattern file names are read with: ``text`` (a regular expression naming at least
    the groups identifier, area and date), else the default."""
    try:
        pattern = re.compile(text or DEFAULT_PATTERN)
    except re.error as error:
        raise LaserLogError(_("the pattern is not a regular expression: {error}").format(
            error=error)) from None
    missing = [group for group in REQUIRED_GROUPS if group not in pattern.groupindex]
    if missing:
        raise LaserLogError(_("the pattern must name the groups identifier, area and date, "
                              "e.g. {example}; it lacks {groups}").format(
            example="(?P<identifier>[^_]+)_(?P<area>[a-z]+)_(?P<date>\\d{4}-\\d{2}-\\d{2})"
                    "\\.jpg", groups=", ".join(missing)))
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
    """One file of the folder: placed (or, in a dry run, placeable) on a session, or not,
    with one sentence that begins with the file's name."""

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


def pose_of(offered: Sequence[str], spelled: str) -> str | None:
    """The pose of those ``offered`` a file name spells (in any case, with any separators),
    "other" when the name gives none; None when it names none of them."""
    if not spelled.strip():
        return OTHER_POSE
    wanted = spelling(spelled)
    return next((pose for pose in offered if spelling(pose) == wanted), None)


def read_name(path: Path, pattern: "re.Pattern[str]", kind: str,
              offered: Mapping[str, Sequence[str]]) -> NamedPhoto:
    """The patient, area, day, kind and pose ``path``'s name gives, or ``Unplaceable``; the
    pose one of those ``offered`` for the area."""
    name = path.name
    found = pattern.fullmatch(name)
    if found is None:
        raise Unplaceable(_("{file}: the name does not match the pattern (identifier_area_"
                            "YYYY-MM-DD[_kind][_pose].jpg, or --pattern)").format(file=name))
    groups = {key: (value or "").strip() for key, value in found.groupdict().items()}
    identifier, area = groups["identifier"], groups["area"].casefold()
    if not identifier:
        raise Unplaceable(_("{file}: the name gives no patient identifier").format(file=name))
    if area not in set(Area):
        raise Unplaceable(_("{file}: {area} is not an area LaserLog knows ({areas})").format(
            file=name, area=repr(groups["area"]), areas=", ".join(a.value for a in Area)))
    try:
        day = date.fromisoformat(groups["date"])
    except ValueError:
        raise Unplaceable(_("{file}: {date} is not a date (YYYY-MM-DD)").format(
            file=name, date=repr(groups["date"]))) from None
    kind = (groups.get("kind") or kind).casefold()
    if kind not in set(PhotoKind):
        raise Unplaceable(_("{file}: {kind} is not a kind of photo (before, after or "
                            "progress)").format(file=name, kind=repr(kind)))
    pose = pose_of(offered[area], groups.get("pose", ""))
    if pose is None:
        raise Unplaceable(_("{file}: {pose} is not a pose of {area} ({poses})").format(
            file=name, pose=repr(groups["pose"]), area=Area(area).label,
            poses=", ".join(offered[area])))
    return NamedPhoto(path, identifier, area, day, kind, pose)


def _patient(db: Session, name: str, identifier: str) -> Patient:
    """The patient of ``identifier``, in any case when only one patient's fits."""
    patient = db.scalar(select(Patient).where(Patient.identifier == identifier))
    if patient is not None:
        return patient
    alike = list(db.scalars(select(Patient).where(
        func.lower(Patient.identifier) == identifier.lower()).limit(2)))
    if not alike:
        raise Unplaceable(_("{file}: no patient has the identifier {identifier}").format(
            file=name, identifier=identifier))
    if len(alike) > 1:
        raise Unplaceable(_("{file}: the identifier {identifier} is that of several patients "
                            "in different case; rename the file with the exact one").format(
            file=name, identifier=identifier))
    return alike[0]


def place(db: Session, actor: Actor, photo: NamedPhoto, late: bool = False
          ) -> TreatmentSession:
    """The session the photo goes to: the patient's session of the photo's day that treats
    its area, the actor's own draft, or (``late``: photos are added to signed sessions by an
    amendment) a signed one; else ``Unplaceable`` saying why."""
    name, identifier, day = photo.path.name, photo.identifier, photo.day
    said = {"file": name, "identifier": identifier, "day": date_text(day),
            "area": Area(photo.area).label}
    patient = _patient(db, name, identifier)
    if not sees_every_patient(actor) and db.scalar(
            treated_by(actor).where(TreatmentSession.patient_id == patient.id).limit(1)) is None:
        raise Unplaceable(_("{file}: you do not treat patient {identifier}; only the "
                            "technician of their session adds its photos").format(**said))
    since, until = local_days(day, day)
    if since is None or until is None:
        raise Unplaceable(_("{file}: {day} is not a day LaserLog can have sessions on")
                          .format(**said))
    sessions = list(db.scalars(
        select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient.id,
               TreatmentSession.started_at >= since, TreatmentSession.started_at < until,
               TreatmentSession.status != SessionStatus.VOIDED)
        .order_by(TreatmentSession.started_at, TreatmentSession.id)))
    if not sessions:
        raise Unplaceable(_("{file}: patient {identifier} has no session on {day}; start its "
                            "draft with the day it took place, then import again")
                          .format(**said))
    treating = set(db.scalars(select(TreatedArea.session_id).where(
        TreatedArea.session_id.in_([s.id for s in sessions]), TreatedArea.area == photo.area,
        TreatedArea.superseded_in.is_(None))))
    signed = [s for s in sessions if s.id in treating and s.status in SIGNED]
    if late and len(signed) == 1:  # a supervisor's import: to a signed session only
        return signed[0]
    if late and signed:
        raise Unplaceable(ngettext(
            "{file}: patient {identifier} has {n} signed session of {day} that treated {area}; "
            "add this photo in the app instead",
            "{file}: patient {identifier} has {n} signed sessions of {day} that treated {area}; "
            "add this photo in the app instead", len(signed)).format(n=len(signed), **said))
    drafts = [s for s in sessions if s.status == SessionStatus.DRAFT]
    mine = [s for s in drafts if s.technician_id == actor.id]
    for session in mine:
        if session.id in treating:
            return session
    if mine:
        raise Unplaceable(_("{file}: your draft of {day} for patient {identifier} has no "
                            "{area} area; add the area to the draft, then import again")
                          .format(**said))
    if drafts:
        technician = db.get(User, drafts[0].technician_id)
        who = technician.full_name if technician is not None else _("another technician")
        raise Unplaceable(_("{file}: the session of {day} for patient {identifier} is a draft "
                            "of {name}; only its technician adds its photos (run the import "
                            "as them)").format(name=who, **said))
    if not any(s.id in treating for s in sessions):
        raise Unplaceable(_("{file}: the session of {day} for patient {identifier} did not "
                            "treat {area}").format(**said))
    raise Unplaceable(_("{file}: the session of {day} for patient {identifier} is signed; "
                        "only a supervisor adds photos to it, by an amendment (photos import "
                        "--user SUPERVISOR --reason WHY)").format(**said))


def photo_files(folder: Path) -> list[Path]:
    """The entries of ``folder`` to import, by name (hidden ones such as .DS_Store left out);
    a folder that is missing or unreadable is refused in one sentence."""
    try:
        if not folder.exists():
            raise LaserLogError(_("there is no folder {folder}").format(folder=folder))
        if not folder.is_dir():
            raise LaserLogError(_("{folder} is a file, not a folder of photos").format(
                folder=folder))
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.name)
    except OSError as error:
        raise LaserLogError(_("cannot read the folder {folder}: {reason}").format(
            folder=folder, reason=os_reason(error))) from None
    if not entries:
        raise LaserLogError(_("the folder {folder} holds no files").format(folder=folder))
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
    """Refuse a photo the session holds already (the same stored image): a run repeated."""
    if db.scalar(select(SessionPhoto.id).where(
            SessionPhoto.session_id == session.id, SessionPhoto.sha256 == image.sha256
    ).limit(1)) is not None:
        raise Unplaceable(_("{file}: already on the session of {day} for patient "
                            "{identifier}").format(file=photo.path.name,
                                                   day=date_text(photo.day),
                                                   identifier=photo.identifier))


#: How photos of signed sessions are added (an amendment, ``supervision.add_photos``, which
#: the caller gives): one session's photos in one transaction.
#: Its arguments: the transaction, the session's id, its version when it was placed (a change
#: made since, on another PC, is a conflict) and the photos.
AddLate = Callable[[Session, int, int, Sequence[LatePhoto]], object]
Refusal = Unplaceable | ImageRefused | DatabaseFileRefused | OSError


@dataclass(frozen=True)
class _Placed:
    session_id: int
    session_uuid: UUID
    signed: bool
    version: int


def _refusal(name: str, error: Refusal) -> PhotoOutcome:
    """A file that cannot be placed or read, in the report's one sentence."""
    if isinstance(error, ImageRefused):  # "the file is not a photo…" (``_Run.image``)
        return PhotoOutcome(name, False, f"{name}: {error}")
    if isinstance(error, DatabaseFileRefused):
        return PhotoOutcome(name, False, _("{file}: a file of the LaserLog database in use; "
                                           "it is never read as a photo").format(file=name))
    if isinstance(error, Unplaceable):
        return PhotoOutcome(name, False, str(error))
    return PhotoOutcome(name, False, _("{file}: cannot be read: {reason}").format(
        file=name, reason=os_reason(error)))


def _placed(photo: NamedPhoto, placed: _Placed) -> PhotoOutcome:
    said = {"file": photo.path.name, "identifier": photo.identifier,
            "day": date_text(photo.day), "area": Area(photo.area).label,
            "kind": PhotoKind(photo.kind).label, "pose": photo.pose}
    text = (_("{file}: patient {identifier}, signed session of {day} (by an amendment), "
              "{area}, {kind}, {pose}") if placed.signed else
            _("{file}: patient {identifier}, session of {day}, {area}, {kind}, {pose}"))
    return PhotoOutcome(photo.path.name, True, text.format(**said), placed.session_uuid,
                        photo.identifier)


@dataclass(frozen=True)
class _Run:
    """One import: how files are read and placed, and what it has placed so far."""

    database: Database
    actor: Actor
    pattern: "re.Pattern[str]"
    kind: str
    long_side: int
    offered: Mapping[str, Sequence[str]]
    dry_run: bool
    add_late: AddLate | None
    taken: set[tuple[int, str]] = field(default_factory=set)  # (session, SHA-256) this run

    def check_new(self, db: Session, session: TreatmentSession, photo: NamedPhoto,
                  image: CleanImage) -> None:
        """Refuse a photo the session holds, or that another file of this run brought."""
        _check_new(db, session, photo, image)
        if (session.id, image.sha256) in self.taken:
            raise Unplaceable(_("{file}: the same photo as another file of this folder")
                              .format(file=photo.path.name))
        self.taken.add((session.id, image.sha256))

    def place(self, db: Session, photo: NamedPhoto) -> TreatmentSession:
        return place(db, self.actor, photo, late=self.add_late is not None)

    def named(self, path: Path) -> tuple[NamedPhoto, _Placed]:
        if path.is_dir():
            raise Unplaceable(_("{file}: a folder; photos are imported from the folder given, "
                                "not from folders in it").format(file=path.name))
        photo = read_name(path, self.pattern, self.kind, self.offered)
        with self.database.read() as db:
            session = self.place(db, photo)
            return photo, _Placed(session.id, session.uuid, session.status in SIGNED,
                                  session.version)

    def image(self, path: Path) -> CleanImage:
        refuse_database_file(path, "import")
        return read_image_file(path, self.long_side, _("the file"))

    def one(self, path: Path) -> PhotoOutcome | tuple[NamedPhoto, _Placed]:
        """What became of the file; a photo for a signed session is returned to be added
        with that session's others, by one amendment."""
        try:
            photo, placed = self.named(path)
            if placed.signed and not self.dry_run:
                return photo, placed
            image = self.image(path)
        except (Unplaceable, ImageRefused, DatabaseFileRefused, OSError) as error:
            return _refusal(path.name, error)
        try:
            if self.dry_run:
                with self.database.read() as db:
                    self.check_new(db, self.place(db, photo), photo, image)
            else:
                with self.database.write() as db:
                    session = self.place(db, photo)  # again: it may have been signed since
                    if session.id != placed.session_id:
                        raise Unplaceable(_("{file}: the sessions of {day} changed while "
                                            "importing; import again").format(
                            file=path.name, day=date_text(photo.day)))
                    self.check_new(db, session, photo, image)
                    session_photos.keep_photo(
                        db, self.actor, session_photos.draft_of(db, self.actor, session.id),
                        photo.area, photo.kind, photo.pose, image, SOURCE,
                        _taken_at(image, photo, session))
        except Unplaceable as problem:
            return PhotoOutcome(path.name, False, str(problem))
        except (ValidationFailed, NotAllowed, NotFound) as refused:  # the operation's words
            return PhotoOutcome(path.name, False, f"{path.name}: {refused}")
        return _placed(photo, placed)

    def late(self, placed: _Placed, photos: list[NamedPhoto],
             progress: Callable[[], None]) -> dict[Path, PhotoOutcome]:
        """Add a signed session's photos by one amendment; what became of each."""
        assert self.add_late is not None  # only then is a signed session placed
        outcomes: dict[Path, PhotoOutcome] = {}
        ready: list[tuple[NamedPhoto, CleanImage]] = []
        for photo in photos:
            try:
                ready.append((photo, self.image(photo.path)))
            except (ImageRefused, DatabaseFileRefused, OSError) as error:
                outcomes[photo.path] = _refusal(photo.path.name, error)
            progress()
        adding: list[tuple[NamedPhoto, CleanImage]] = []
        try:
            with self.database.write() as db:
                session = db.get(TreatmentSession, placed.session_id)
                assert session is not None  # sessions are never deleted
                for photo, image in ready:
                    try:
                        self.check_new(db, session, photo, image)
                    except Unplaceable as problem:
                        outcomes[photo.path] = PhotoOutcome(photo.path.name, False,
                                                            str(problem))
                        continue
                    adding.append((photo, image))
                if adding:
                    self.add_late(db, session.id, placed.version, [
                        LatePhoto(photo.area, photo.kind, photo.pose, image, SOURCE,
                                  _taken_at(image, photo, session))
                        for photo, image in adding])
        except LaserLogError as refused:  # the amendment's own words, a conflict among them
            return outcomes | {photo.path: PhotoOutcome(photo.path.name, False,
                                                        f"{photo.path.name}: {refused}")
                               for photo, _image in ready if photo.path not in outcomes}
        return outcomes | {photo.path: _placed(photo, placed) for photo, _image in adding}


def import_photos(database: Database, actor: Actor, folder: Path,
                  pattern: "re.Pattern[str] | None" = None,
                  kind: str = PhotoKind.PROGRESS, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  add_late: AddLate | None = None) -> PhotoImportReport:
    """Place every file of ``folder`` on its session (in a dry run only say where each would
    go); return what became of each file. Photos go to the actor's own drafts, and with
    ``add_late`` to signed sessions too, each session's by one amendment."""
    require(actor, Action.LOG_SESSION if add_late is None else Action.AMEND_SESSION,
            "session_photo")
    if kind not in set(PhotoKind):
        raise LaserLogError(_("{kind} is not a kind of photo (before, after or progress)")
                            .format(kind=repr(kind)))
    files = photo_files(folder)
    with database.read() as db:
        run = _Run(database, actor, pattern or name_pattern(), kind,
                   clinic_settings.rules(db).photo_long_side, photo_poses.poses(db),
                   dry_run, add_late)
    done = 0

    def one_done() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(files))

    outcomes: dict[Path, PhotoOutcome] = {}
    late: dict[int, tuple[_Placed, list[NamedPhoto]]] = {}
    for path in files:
        result = run.one(path)
        if isinstance(result, PhotoOutcome):
            outcomes[path] = result
            one_done()
        else:
            photo, placed = result
            late.setdefault(placed.session_id, (placed, []))[1].append(photo)
    for placed, photos in late.values():
        outcomes |= run.late(placed, photos, one_done)
    return PhotoImportReport(tuple(outcomes[path] for path in files), dry_run)
