"""A session's photos in the FHIR export: one Media each, linked to its Procedure and
Patient, the thumbnail inline with its size and SHA-1, valid for fhir.resources."""

import base64
import hashlib
import io
import json

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.media import Media

from models.reading.export_fhir import write_fhir_bundle
from models.records.photos import SessionPhoto
from models.workflow import session_photos
from tests.models.reading.photo_sessions import signed_with_photos


def _export(database, actor=None):
    out = io.StringIO()
    with database.read() as db:
        write_fhir_bundle(db, out, actor=actor)
    return json.loads(out.getvalue())


def test_each_photo_not_voided_is_a_media_of_its_procedure(database, technician, supervisor,
                                                           patient, device):
    session_id, photos = signed_with_photos(database, technician, patient, device)
    with database.write() as db:
        session_photos.void_photo(db, supervisor, photos[1].id, "another patient's photo")
    data = _export(database)
    bundle = Bundle.model_validate(data)
    resources = {entry.fullUrl: entry.resource for entry in bundle.entry}
    raw = {e["resource"]["id"]: e["resource"] for e in data["entry"]}
    media = [r for r in resources.values() if r.get_resource_type() == "Media"]
    assert len(media) == 2  # the voided one is left out
    procedure = next(r for r in resources.values() if r.get_resource_type() == "Procedure")
    with database.read() as db:
        kept = {p.id: p for p in session_photos.session_photos(db, technician, session_id)}
        thumbnails = {p.id: session_photos.image_of(db, technician, p.id, thumbnail=True)
                      for p in kept.values()}
        by_uuid = {str(db.get(SessionPhoto, photo_id).uuid): photo_id for photo_id in kept}
    for item in media:
        Media.model_validate(raw[item.id])
        assert item.status == "completed"
        assert item.partOf[0].reference == f"urn:uuid:{procedure.id}"
        assert item.subject.reference == procedure.subject.reference
        assert item.subject.reference in resources and item.operator.reference in resources
        assert item.bodySite.text == "Neck" == procedure.bodySite[0].text
        photo_id = by_uuid[item.id]  # the id is the photo's own UUID
        thumbnail = thumbnails[photo_id]
        content = raw[item.id]["content"]  # as written: base64 text
        assert content["contentType"] == "image/jpeg"
        assert base64.b64decode(content["data"]) == thumbnail
        assert content["size"] == len(thumbnail) == len(item.content.data)
        assert content["hash"] == base64.b64encode(hashlib.sha1(thumbnail).digest()).decode()
        assert [i.value for i in item.identifier][1] == kept[photo_id].sha256
        assert item.view.text == kept[photo_id].pose
        assert item.reasonCode[0].coding[0].code == kept[photo_id].kind
    assert sorted(m.view.text for m in media) == ["front", "front"]
    assert sorted(m.reasonCode[0].coding[0].code for m in media) == ["after", "before"]


def test_the_same_photos_export_to_the_same_media(database, technician, patient, device):
    signed_with_photos(database, technician, patient, device)
    first, second = _export(database), _export(database)
    assert first == second
    assert sum(e["resource"]["resourceType"] == "Media" for e in first["entry"]) == 3


def test_a_voided_sessions_photos_are_marked_entered_in_error(database, technician,
                                                               supervisor, patient, device):
    from models.review import supervision

    session_id, _photos = signed_with_photos(database, technician, patient, device)
    with database.write() as db:
        supervision.void_session(db, supervisor, session_id, "logged for the wrong patient")
    data = _export(database)
    Bundle.model_validate(data)
    statuses = {e["resource"]["status"] for e in data["entry"]
                if e["resource"]["resourceType"] in ("Media", "Procedure")}
    assert statuses == {"entered-in-error"}
