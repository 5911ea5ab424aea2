"""A patient's photos written out as files: named for what they show, the stored bytes,
nothing overwritten, care followed, every export recorded."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.access.permissions import Refused
from models.admin.integrity import verify
from models.errors import LaserLogError, NotFound
from models.reading.photo_files import export_patient_photos
from models.records.audit_events import AuditEvent
from models.values.photo_names import name_part, photo_file_name
from models.workflow import session_photos
from tests.models.reading.photo_sessions import draft_with_photos, signed_with_photos


@pytest.mark.parametrize("text, part", [
    ("left 45°", "left-45"), ("front, eyes open", "front-eyes-open"), ("C_1/2", "C-1-2"),
    ("../../etc", "etc"), ("", "x"), ("Müller 7", "Müller-7"), ("a" * 80, "a" * 60),
])
def test_each_part_of_a_name_is_letters_digits_and_hyphens(text, part):
    assert name_part(text) == part


def test_a_name_says_patient_area_day_kind_and_pose():
    assert (photo_file_name("C-1042", "neck", "2026-03-14", "before", "left 45°")
            == "C-1042_neck_2026-03-14_before_left-45.jpg")


def _exports(database):
    with database.read() as db:
        return [json.loads(e.new_values) for e in db.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.seq))]


def test_a_patients_photos_are_written_as_stored_and_the_export_recorded(
        database, technician, supervisor, patient, device, tmp_path):
    earlier = datetime.now(UTC) - timedelta(days=21)
    _first_id, first = signed_with_photos(database, technician, patient, device,
                                         started_at=earlier)
    _second_id, second = signed_with_photos(
        database, technician, patient, device, photos=(("neck", "progress", "front",
                                                        (90, 90, 90)),))
    with database.write() as db:
        session_photos.void_photo(db, supervisor, first[2].id, "blurred")
    out = tmp_path / "photos"  # made, inside a folder that exists
    done = export_patient_photos(database, supervisor, patient.identifier, out)
    day, today = (f"{moment.astimezone():%Y-%m-%d}"
                  for moment in (earlier, datetime.now(UTC)))
    expected = {f"{patient.identifier}_neck_{day}_before_front.jpg": first[0],
                f"{patient.identifier}_neck_{day}_before_left-45.jpg": first[1],
                f"{patient.identifier}_neck_{today}_progress_front.jpg": second[0]}
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    assert done.written == 3 and done.sessions == 2
    with database.read() as db:
        for name, row in expected.items():
            assert (out / name).read_bytes() == session_photos.image_of(db, supervisor, row.id)
    recorded = _exports(database)[-1]
    assert recorded == {"format": "jpeg", "filters": {"patient": patient.identifier},
                        "patient": recorded["patient"], "photos": 3, "already_there": 0,
                        "sessions": 2, "file": str(out)}
    assert verify(database).ok


def test_nothing_is_overwritten_and_a_repeated_export_writes_nothing_new(
        database, technician, patient, device, tmp_path):
    signed_with_photos(database, technician, patient, device)
    out = tmp_path / "out"
    out.mkdir()
    day = f"{datetime.now().astimezone():%Y-%m-%d}"
    clash = out / f"{patient.identifier}_neck_{day}_before_front.jpg"
    clash.write_bytes(b"someone else's file")
    first = export_patient_photos(database, technician, patient.identifier, out)
    assert clash.read_bytes() == b"someone else's file"
    assert (out / f"{patient.identifier}_neck_{day}_before_front (2).jpg").exists()
    assert first.written == 3
    again = export_patient_photos(database, technician, patient.identifier, out)
    assert again.written == 0 and len(again.files) == 3
    assert len(list(out.iterdir())) == 4
    assert [e["photos"] for e in _exports(database)] == [3, 0]


def test_a_draft_s_photos_are_its_technicians_only(database, technician, supervisor, patient,
                                                   device, tmp_path):
    draft_with_photos(database, technician, patient, device)
    assert export_patient_photos(database, technician, patient.identifier,
                                 tmp_path / "own").written == 3
    assert export_patient_photos(database, supervisor, patient.identifier,
                                 tmp_path / "other").written == 0


def test_a_technician_not_treating_the_patient_is_refused_and_nothing_written(
        database, technician, register_technician, patient, device, tmp_path):
    signed_with_photos(database, technician, patient, device)
    other = register_technician("otto", "Otto Other")
    with pytest.raises(Refused, match="do not treat"):
        export_patient_photos(database, other, patient.identifier, tmp_path / "out")
    assert not (tmp_path / "out").exists() and _exports(database) == []
    with database.read() as db:
        refused = db.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
    assert len(refused) == 1  # the attempt is on record


def test_an_unknown_patient_or_a_folder_that_cannot_be_is_one_sentence(
        database, supervisor, technician, patient, device, tmp_path):
    signed_with_photos(database, technician, patient, device)
    with pytest.raises(NotFound, match="No patient has the identifier NOPE"):
        export_patient_photos(database, supervisor, "NOPE", tmp_path / "a")
    (tmp_path / "file").write_text("x")
    with pytest.raises(LaserLogError, match="is a file; give a folder"):
        export_patient_photos(database, supervisor, patient.identifier, tmp_path / "file")
    with pytest.raises(LaserLogError, match="does not exist"):
        export_patient_photos(database, supervisor, patient.identifier,
                              tmp_path / "missing" / "deeper")
    assert not (tmp_path / "a").exists() and _exports(database) == []
