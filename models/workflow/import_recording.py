"""Recording what a device gave: an imported file's batch, the sessions it fills, and the
pulse traces of a file or of a connected device.

The importer in ``devices/`` calls these inside one write transaction; if anything in the
file is wrong it raises and the transaction leaves the database exactly as it was.
"""

from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import LaserLogError, NotAllowed, NotFound
from models.language import _, datetime_text
from models.reading.history import load_session
from models.records import area_day_counts
from models.records.equipment import Device
from models.records.imports import ImportBatch, ImportBatchSession, PulseTrace
from models.records.people import Patient, User
from models.records.treatment import TreatedArea, TreatmentSession
from models.values.rows import Actor, SessionDetail
from models.values.session_input import AreaInput, SessionInput, problems_in
from models.values.vocabulary import SessionStatus
from models.workflow.session_logging import create_draft, open_draft_for, owned_draft
from models.workflow.session_rows import setting_rows, snapshot


class AlreadyImported(LaserLogError):
    pass


def refuse_if_imported(db: Session, sha256: str, file_name: str) -> None:
    """Refuse a file whose exact bytes were imported before, saying when and by whom."""
    found = db.execute(
        select(ImportBatch.imported_at, ImportBatch.file_name, User.full_name)
        .join(User, User.id == ImportBatch.user_id)
        .where(ImportBatch.sha256 == sha256)
    ).first()
    if found is not None:
        raise AlreadyImported(_(
            "{file} was already imported on {when} by {name} (as {imported_as}); it was not "
            "imported again").format(file=file_name, when=datetime_text(found.imported_at),
                                     name=found.full_name, imported_as=found.file_name))


def device_by_serial(db: Session, serial: str) -> Device:
    device = db.scalars(select(Device).where(Device.serial == serial)).first()
    if device is None:
        raise NotFound(_("Device {serial} is not in the device register; register it first")
                       .format(serial=serial))
    return device


def patient_by_identifier(db: Session, identifier: str) -> Patient:
    patient = db.scalars(select(Patient).where(Patient.identifier == identifier)).first()
    if patient is None:
        raise NotFound(_("Patient {identifier} is not registered; register the patient first")
                       .format(identifier=identifier))
    return patient


def begin_batch(db: Session, actor: Actor, *, file_name: str, sha256: str, profile: str,
                device_id: int) -> int:
    require(actor, Action.IMPORT_DEVICE_FILE, "import_batch")
    refuse_if_imported(db, sha256, file_name)
    batch = ImportBatch(file_name=file_name, sha256=sha256, profile=profile,
                        user_id=actor.id, device_id=device_id)
    db.add(batch)
    db.flush()
    return batch.id


def target_session(db: Session, actor: Actor, session_uuid: UUID, device: Device) -> int:
    """The draft an import fills: the signed-in technician's own, logged with this device."""
    session = db.scalars(
        select(TreatmentSession).where(TreatmentSession.uuid == session_uuid)
    ).one_or_none()
    if session is None:
        raise NotFound(_("No session {uuid}").format(uuid=session_uuid))
    return _filled_by(db, owned_draft(db, actor, session.id), device)


def _filled_by(db: Session, session: TreatmentSession, device: Device) -> int:
    if session.device_id is not None and session.device_id != device.id:
        used = db.get(Device, session.device_id)
        raise NotAllowed(_(
            "The file's pulses are from device {serial}, but this session was logged with "
            "device {used}").format(serial=device.serial,
                                    used=used.serial if used else session.device_id))
    session.device_id = device.id
    return session.id


def new_session(db: Session, actor: Actor, patient: Patient, device: Device,
                started_at: datetime, room: str, taken: Collection[int] = ()) -> int:
    """The draft a device session of the file fills: the technician's open draft for the
    patient when it was started the same day and no other session of this file (``taken``)
    fills it, else a new one."""
    draft = open_draft_for(db, actor, patient.id)
    if (draft is not None and draft.id not in taken
            and draft.started_at.astimezone().date() == started_at.astimezone().date()):
        return _filled_by(db, draft, device)
    entry = SessionInput(device_id=device.id, started_at=started_at, room=room)
    return create_draft(db, actor, patient.id, entry).summary.id


def add_traces(db: Session, session_id: int, batch_id: int | None,
               chunks: Iterable[tuple[str, int, int, bytes]]) -> None:
    """Store trace chunks, each ``(channel, chunk, count, float32 little-endian data)``."""
    db.add_all(PulseTrace(session_id=session_id, batch_id=batch_id, channel=channel,
                          chunk=chunk, count=count, data=data)
               for channel, chunk, count, data in chunks)


def fill_session(db: Session, actor: Actor, session_id: int, batch_id: int | None, *,
                 device_session: str, areas: list[AreaInput], duration_s: int, pulses: int,
                 flagged: int) -> None:
    """Put the device's areas on the session, replacing what was typed for those areas.

    ``batch_id`` names the imported file they came from; None means a connected device.
    """
    problems = problems_in(SessionInput(areas=tuple(areas)))
    if problems:
        raise LaserLogError("; ".join(problems.values()))
    session = db.get(TreatmentSession, session_id)
    assert session is not None and session.status == SessionStatus.DRAFT
    before = snapshot(session)
    imported = {a.area for a in areas}
    kept = [a for a in session.areas if a.area not in imported]
    session.areas[:] = kept
    for position, area in enumerate(areas, start=len(kept)):
        treated = TreatedArea(area=area.area, position=position, passes=area.passes,
                              pulses=area.pulses)
        treated.settings.extend(setting_rows(area, area.settings))
        session.areas.append(treated)
    if session.duration_s is None:
        session.duration_s = duration_s
    session.updated_at = datetime.now(UTC)
    if batch_id is not None:
        db.add(ImportBatchSession(batch_id=batch_id, session_id=session_id,
                                  device_session=device_session, pulses=pulses,
                                  flagged_pulses=flagged))
        action, reason = "session.import", f"import batch {batch_id}"
    else:
        action = "session.device_pulses"
        reason = f"{pulses} pulses ({flagged} flagged) from device session {device_session}"
    db.flush()
    area_day_counts.recount_days(db, [area_day_counts.day_of(session.started_at)])
    audit_chain.record(db, actor_id=actor.id, action=action, entity="treatment_session",
                       entity_id=session.uuid, old=before, new=snapshot(session), reason=reason)


def record_device_pulses(db: Session, actor: Actor, session_id: int, device_id: int, *,
                         device_session: str, areas: list[AreaInput], duration_s: int,
                         pulses: int, flagged: int,
                         traces: Iterable[tuple[str, int, int, bytes]]) -> SessionDetail:
    """Store what a connected device delivered into the technician's open draft, at once."""
    session = owned_draft(db, actor, session_id)
    device = db.get(Device, device_id)
    if device is None:
        raise NotFound(_("No device with id {id}").format(id=device_id))
    if session.device_id is not None and session.device_id != device_id:
        raise NotAllowed(_("The session was logged with another device; choose that device"))
    live = select(PulseTrace.id).where(PulseTrace.session_id == session_id,
                                       PulseTrace.batch_id.is_(None))
    if db.scalar(live.limit(1)) is not None:
        raise NotAllowed(_("This session already holds the pulses of a connected device"))
    if not pulses:
        raise LaserLogError(_("The device delivered no pulses; nothing was recorded"))
    session.device_id = device_id
    add_traces(db, session_id, None, traces)
    fill_session(db, actor, session_id, None, device_session=device_session, areas=areas,
                 duration_s=duration_s, pulses=pulses, flagged=flagged)
    return load_session(db, session_id)


def finish_batch(db: Session, actor: Actor, batch_id: int, *, rows: int, sessions: int,
                 flagged: int) -> None:
    batch = db.get(ImportBatch, batch_id)
    assert batch is not None
    batch.rows, batch.sessions, batch.flagged_pulses = rows, sessions, flagged
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="import.file", entity="import_batch",
                       entity_id=batch.uuid, new={
                     "file_name": batch.file_name, "sha256": batch.sha256,
                     "profile": batch.profile, "rows": rows, "sessions": sessions,
                     "flagged_pulses": flagged})


def load_traces(db: Session, session_id: int) -> dict[str, bytes]:
    """Every stored channel of a session, chunks joined in order (float32, little-endian)."""
    joined: dict[str, list[bytes]] = {}
    statement = (
        select(PulseTrace.channel, PulseTrace.data)
        .where(PulseTrace.session_id == session_id)
        .order_by(PulseTrace.channel, PulseTrace.batch_id, PulseTrace.chunk)
    )
    for channel, data in db.execute(statement):
        joined.setdefault(channel, []).append(data)
    return {channel: b"".join(parts) for channel, parts in joined.items()}


def session_uuid(db: Session, session_id: int) -> UUID:
    session = db.get(TreatmentSession, session_id)
    assert session is not None
    return session.uuid
