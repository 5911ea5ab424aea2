"""A patient's photos written out as JPEG files, one per photo, named for what they show.

Each file is ``{identifier}_{area}_{date}_{kind}_{pose}.jpg`` (the session's day, in this
PC's time zone; every part reduced to letters, digits and hyphens), the name
``photos import`` reads back. The bytes are the stored image as kept with the record: no
metadata. The export follows care (a technician only the patients they treat, a supervisor
any) and is recorded as a disclosure: who, which patient, how many photos, to which folder.

Nothing is overwritten: a file already there with the same bytes is left as it is (a repeated
export), another of the same name makes this one ``… (2).jpg``. Each file is written under
a temporary name and renamed when complete.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.care import require_care
from models.errors import LaserLogError, NotFound, os_reason
from models.language import _
from models.records.people import Patient
from models.records.photos import PhotoImage, SessionPhoto
from models.records.treatment import TreatmentSession
from models.storage.atomic_files import written_in_place_of
from models.storage.database import Database
from models.storage.own_files import refuse_database_file
from models.values.photo_names import photo_file_name
from models.values.photo_poses import OTHER_POSE
from models.values.rows import Actor
from models.values.vocabulary import SIGNED, SessionStatus

MAX_SAME_NAME = 1000


@dataclass(frozen=True)
class ExportedPhoto:
    file: str
    written: bool  # False: the same photo was in the folder already


@dataclass(frozen=True)
class PhotoExport:
    patient: str
    files: tuple[ExportedPhoto, ...]
    sessions: int

    @property
    def written(self) -> int:
        return sum(1 for f in self.files if f.written)


@dataclass(frozen=True)
class _Listed:
    photo_id: int
    name: str
    session_id: int


def _listed(db: Session, actor: Actor, patient_id: int, identifier: str) -> list[_Listed]:
    """The patient's photos not voided, oldest session first: those of signed sessions and
    of the actor's own drafts (another's draft is still theirs to change)."""
    rows = db.execute(
        select(SessionPhoto.id, SessionPhoto.area, SessionPhoto.kind, SessionPhoto.pose,
               SessionPhoto.session_id, TreatmentSession.started_at)
        .join(TreatmentSession, TreatmentSession.id == SessionPhoto.session_id)
        .where(SessionPhoto.patient_id == patient_id, SessionPhoto.voided_at.is_(None),
               or_(TreatmentSession.status.in_(SIGNED),
                   (TreatmentSession.status == SessionStatus.DRAFT)
                   & (TreatmentSession.technician_id == actor.id)))
        .order_by(TreatmentSession.started_at, SessionPhoto.session_id, SessionPhoto.area,
                  SessionPhoto.id))
    return [_Listed(photo_id, photo_file_name(identifier, area,
                                              f"{started_at.astimezone():%Y-%m-%d}", kind,
                                              pose or OTHER_POSE), session_id)
            for photo_id, area, kind, pose, session_id, started_at in rows]


def _free_name(folder: Path, name: str, data: bytes, taken: set[str]) -> str | None:
    """The name to write ``data`` under in ``folder``: ``name``, else ``stem (2).jpg`` …;
    None when a file of one of those names holds these very bytes already."""
    stem, suffix = name.rsplit(".", 1)
    for number in range(1, MAX_SAME_NAME + 1):
        candidate = name if number == 1 else f"{stem} ({number}).{suffix}"
        if candidate in taken:
            continue
        path = folder / candidate
        if not path.exists():
            return candidate
        refuse_database_file(path, "compare with")
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            taken.add(candidate)
            return None
    raise LaserLogError(_("Cannot write {name} in {folder}: {n} files of that name are there "
                          "already; choose an empty folder").format(
                              name=name, folder=folder, n=MAX_SAME_NAME))


def _out_folder(folder: Path) -> None:
    try:
        if folder.exists() and not folder.is_dir():
            raise LaserLogError(_("{folder} is a file; give a folder to write the photos into")
                                .format(folder=folder))
        if not folder.parent.is_dir():
            raise LaserLogError(_("Cannot write into {folder}: the folder {parent} does not "
                                  "exist").format(folder=folder, parent=folder.parent))
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise LaserLogError(_("Cannot write into {folder}: {reason}").format(
            folder=folder, reason=os_reason(error))) from None


def _images(database: Database, listed: list[_Listed]) -> Iterator[tuple[_Listed, bytes]]:
    """Each photo's stored bytes, read one at a time (a photo is up to a few megabytes)."""
    for item in listed:
        with database.read() as db:
            data = db.scalar(select(PhotoImage.data).where(PhotoImage.photo_id == item.photo_id))
        if data is None:
            raise LaserLogError(_("The image of {name} is missing from the database: run "
                                  "verify").format(name=item.name))
        yield item, bytes(data)


def export_patient_photos(database: Database, actor: Actor, identifier: str,
                          folder: Path) -> PhotoExport:
    """Write the patient's photos into ``folder`` (made when missing, inside a folder that
    exists) and record the disclosure; return what was written."""
    with database.read() as db:
        patient = db.scalar(select(Patient).where(Patient.identifier == identifier))
        if patient is None:
            raise NotFound(_("No patient has the identifier {identifier}").format(
                identifier=identifier))
        patient_id, patient_uuid = patient.id, patient.uuid
        require_care(db, actor, patient_id, "photos")
        listed = _listed(db, actor, patient_id, patient.identifier)
    _out_folder(folder)
    files: list[ExportedPhoto] = []
    sessions: set[int] = set()
    taken: set[str] = set()
    finished = False
    try:
        for item, data in _images(database, listed):
            try:
                name = _free_name(folder, item.name, data, taken)
            except OSError as error:
                raise LaserLogError(_("Cannot write into {folder}: {reason}").format(
                    folder=folder, reason=os_reason(error))) from None
            sessions.add(item.session_id)
            if name is None:
                files.append(ExportedPhoto(item.name, False))
                continue
            taken.add(name)
            with written_in_place_of(folder / name) as partial:
                partial.write_bytes(data)
            files.append(ExportedPhoto(name, True))
        finished = True
    finally:  # what was written is disclosed, even when a later file could not be
        if finished or files:
            with database.write() as db:
                audit_chain.record(db, actor_id=actor.id, action="export", entity="export",
                                   entity_id="photos",
                                   new={"format": "jpeg", "filters": {"patient": identifier},
                                        "patient": str(patient_uuid),
                                        "photos": sum(1 for f in files if f.written),
                                        "already_there": sum(1 for f in files if not f.written),
                                        "sessions": len(sessions), "file": str(folder)})
    return PhotoExport(identifier, tuple(files), len(sessions))
