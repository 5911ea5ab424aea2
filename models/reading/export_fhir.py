"""FHIR R4 export: one JSON Bundle (type "collection") of the sessions a filter finds.

Each session is a Procedure (body sites, performer, device used, complications, outcome,
notes) with an Observation per device parameter, each area and pass, and a Media per photo
not voided; the Patients, Practitioners and Devices they refer to are added once. Every
resource is named by a UUID (``urn:uuid:``), stable across exports: the same session gives
the same Procedure, the same photo the same Media. Entries are written as they are read,
page by page, so a large export does not sit in memory.

A Media carries the photo's thumbnail inline (its size and SHA-1 as FHIR defines them, of
those bytes), not the stored image: a Bundle of a clinic's year stays a file one can send.
The stored image is named by its SHA-256, the one in the session's digest and audit chain.
"""

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, TextIO
from uuid import UUID, uuid5

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access.witness import head_text
from models.reading.history import NO_FILTER, list_sessions, load_session
from models.reading.history_filter import HistoryFilter
from models.records.photos import PhotoImage, SessionPhoto
from models.values.parameters import SETTINGS_BY_KEY
from models.values.rows import Actor, DeviceRow, PatientRow, SessionDetail
from models.values.vocabulary import Area, DeviceKind, ReactionKind, ReactionOnset, SessionStatus

NAMESPACE = UUID("6f1b0a52-3c1e-4f0e-9a57-1a5e0a0d1c0f")  # LaserLog's own, for stable ids
UCUM = "http://unitsofmeasure.org"
UNIT_CODES = {"nm": "nm", "J/cm²": "J/cm2", "J": "J", "W": "W", "ms": "ms", "mm": "mm",
              "Hz": "Hz"}
PROCEDURE_STATUS = {
    SessionStatus.DRAFT: "in-progress", SessionStatus.COMPLETED: "completed",
    SessionStatus.REVIEWED: "completed", SessionStatus.AMENDED: "completed",
    SessionStatus.VOIDED: "entered-in-error",
}


def _ref(kind: str, uuid: UUID) -> dict[str, str]:
    return {"reference": f"urn:uuid:{uuid}", "type": kind}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def practitioner_uuid(name: str) -> UUID:
    return uuid5(NAMESPACE, f"practitioner:{name}")


def device_uuid(device: DeviceRow) -> UUID:
    return uuid5(NAMESPACE, f"device:{device.serial}")


def patient_resource(patient: PatientRow, uuid: UUID) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient", "id": str(uuid),
        "identifier": [{"system": "urn:laserlog:patient-identifier",
                        "value": patient.identifier}],
        "name": [{"text": patient.full_name}],
    }
    if patient.date_of_birth is not None:
        resource["birthDate"] = patient.date_of_birth.isoformat()
    return resource


def device_resource(device: DeviceRow) -> dict[str, Any]:
    return {
        "resourceType": "Device", "id": str(device_uuid(device)),
        "identifier": [{"system": "urn:laserlog:device-serial", "value": device.serial}],
        "serialNumber": device.serial,
        "manufacturer": device.make,
        "deviceName": [{"name": device.model, "type": "model-name"}],
        "type": {"text": DeviceKind(device.kind).source_label},
    }


def procedure_resource(detail: SessionDetail, patient: UUID) -> dict[str, Any]:
    s = detail.summary
    start = s.started_at
    period: dict[str, str] = {"start": start.isoformat()}
    if s.duration_s is not None:
        period["end"] = (start + timedelta(seconds=s.duration_s)).isoformat()
    graded = [r for r in detail.reactions if r.grade > 0]
    resource: dict[str, Any] = {
        "resourceType": "Procedure", "id": str(s.uuid),
        "identifier": [{"system": "urn:laserlog:session", "value": str(s.uuid)}],
        "status": PROCEDURE_STATUS[SessionStatus(s.status)],
        "code": {"text": "Aesthetic energy-based skin treatment"},
        "subject": _ref("Patient", patient),
        "performedPeriod": period,
        "performer": [{"actor": _ref("Practitioner", practitioner_uuid(s.technician))}],
        "bodySite": [{"text": Area(a.area).source_label} for a in detail.areas],
        "outcome": {"text": "Reactions recorded" if graded else "No reactions recorded"},
    }
    if detail.device is not None:
        resource["usedReference"] = [_ref("Device", device_uuid(detail.device))]
    if graded:
        resource["complication"] = [
            {"text": f"{ReactionKind(r.kind).source_label}, grade {r.grade} "
                     f"({ReactionOnset(r.onset).source_label.lower()})" + (f": {r.note}" if r.note
                                                                    else "")}
            for r in graded]
    notes = [text for text in (detail.notes, detail.void_reason and
                               f"Voided: {detail.void_reason}") if text]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    return resource


def observations(detail: SessionDetail, patient: UUID) -> Iterator[dict[str, Any]]:
    """One Observation per parameter of each area (and pass, when logged pass by pass)."""
    procedure = detail.summary.uuid
    for area in detail.areas:
        passes = area.per_pass or ((None, area.settings),)
        for number, settings in passes:
            for key, value in settings.items():
                if value is None:
                    continue
                spec = SETTINGS_BY_KEY[key]
                label = f"{spec.source_label}, pass {number}" if number else spec.source_label
                resource: dict[str, Any] = {
                    "resourceType": "Observation",
                    "id": str(uuid5(NAMESPACE, f"{procedure}:{area.area}:{number}:{key}")),
                    "status": "final",
                    "code": {"text": label,
                             "coding": [{"system": "urn:laserlog:parameter", "code": key}]},
                    "subject": _ref("Patient", patient),
                    "partOf": [_ref("Procedure", procedure)],
                    "effectiveDateTime": detail.summary.started_at.isoformat(),
                    "bodySite": {"text": Area(area.area).source_label},
                    "valueQuantity": {"value": value, "unit": spec.unit, "system": UCUM,
                                      "code": UNIT_CODES[spec.unit]},
                }
                if detail.device is not None:
                    resource["device"] = _ref("Device", device_uuid(detail.device))
                yield resource


def media_resources(db: Session, detail: SessionDetail, patient: UUID
                    ) -> Iterator[dict[str, Any]]:
    """One Media per photo of the session not voided, part of its Procedure, read one at a
    time (a thumbnail each)."""
    procedure = detail.summary.uuid
    voided = SessionStatus(detail.summary.status) == SessionStatus.VOIDED
    photos = db.execute(
        select(SessionPhoto, PhotoImage.thumbnail)
        .join(PhotoImage, PhotoImage.photo_id == SessionPhoto.id)
        .where(SessionPhoto.session_id == detail.summary.id, SessionPhoto.voided_at.is_(None))
        .order_by(SessionPhoto.id).execution_options(yield_per=20))
    for photo, thumbnail in photos:
        yield media_resource(photo, bytes(thumbnail), procedure, patient,
                             detail.summary.technician, voided)


def media_resource(photo: SessionPhoto, thumbnail: bytes, procedure: UUID, patient: UUID,
                   technician: str, session_voided: bool = False) -> dict[str, Any]:
    area, kind = Area(photo.area).source_label, photo.kind.capitalize()
    shown = f"{kind} photo, {area.lower()}" + (f", {photo.pose}" if photo.pose else "")
    sha1 = hashlib.sha1(thumbnail, usedforsecurity=False).digest()  # FHIR's Attachment.hash
    return {
        "resourceType": "Media", "id": str(photo.uuid),
        "identifier": [{"system": "urn:laserlog:photo", "value": str(photo.uuid)},
                       {"system": "urn:laserlog:photo-sha256", "value": photo.sha256}],
        "partOf": [_ref("Procedure", procedure)],
        "status": "entered-in-error" if session_voided else "completed",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/media-type",
                             "code": "image", "display": "Image"}]},
        "reasonCode": [{"text": f"{kind} treatment" if photo.kind != "progress"
                        else "Progress of the course",
                        "coding": [{"system": "urn:laserlog:photo-kind", "code": photo.kind}]}],
        "view": {"text": photo.pose,
                 "coding": [{"system": "urn:laserlog:photo-pose", "code": photo.pose}]},
        "subject": _ref("Patient", patient),
        "createdDateTime": photo.taken_at.isoformat(),
        "issued": photo.added_at.isoformat(),
        "operator": _ref("Practitioner", practitioner_uuid(technician)),
        "bodySite": {"text": area},
        "content": {
            "contentType": "image/jpeg",
            "data": base64.b64encode(thumbnail).decode("ascii"),
            "size": len(thumbnail),
            "hash": base64.b64encode(sha1).decode("ascii"),
            "title": f"{shown} (thumbnail)",
            "creation": photo.taken_at.isoformat(),
        },
        "note": [{"text": f"{shown}. Stored image {photo.width} × {photo.height} px, "
                          f"SHA-256 {photo.sha256}; this Media holds its thumbnail."}],
    }


def write_fhir_bundle(db: Session, out: TextIO, filters: HistoryFilter = NO_FILTER,
                      actor: Actor | None = None, page_size: int = 200) -> int:
    """Write the Bundle; return how many sessions (Procedures) it holds. Its ``meta`` carries
    the audit chain's head as the export was made (a witness in every copy handed out)."""
    meta = {"tag": [{"system": "urn:laserlog:audit-chain-head", "code": head_text(db)}]}
    out.write('{"resourceType":"Bundle","type":"collection","meta":'
              + json.dumps(meta) + ',"entry":[')
    first = True

    def emit(resource: dict[str, Any]) -> None:
        nonlocal first
        out.write(("" if first else ",") + json.dumps(_entry(resource), ensure_ascii=False))
        first = False

    patients: set[int] = set()
    practitioners: set[str] = set()
    devices: set[str] = set()
    count, cursor = 0, None
    while True:
        page = list_sessions(db, actor, after=cursor, limit=page_size, filters=filters)
        for row in page.rows:
            detail = load_session(db, row.id)
            patient = uuid5(NAMESPACE, f"patient:{detail.patient.identifier}")
            if detail.patient.id not in patients:
                patients.add(detail.patient.id)
                emit(patient_resource(detail.patient, patient))
            if row.technician not in practitioners:
                practitioners.add(row.technician)
                emit({"resourceType": "Practitioner",
                      "id": str(practitioner_uuid(row.technician)),
                      "name": [{"text": row.technician}]})
            if detail.device is not None and detail.device.serial not in devices:
                devices.add(detail.device.serial)
                emit(device_resource(detail.device))
            emit(procedure_resource(detail, patient))
            for observation in observations(detail, patient):
                emit(observation)
            for media in media_resources(db, detail, patient):
                emit(media)
            count += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    out.write("]}")
    return count
