"""A clinic's older photos brought onto its drafts by their file names: placed only on the
importer's own draft of that day that treats the area; every other file named in one
sentence, nothing of it stored; a dry run stores nothing at all."""

import json
import os
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.access.permissions import Refused
from models.admin.integrity import verify
from models.clinic import photo_poses
from models.errors import LaserLogError
from models.records.audit_events import AuditEvent
from models.records.photos import PhotoImage, SessionPhoto
from models.records.treatment import TreatmentSession
from models.review import supervision
from models.values.vocabulary import SessionStatus
from models.workflow import session_photos
from models.workflow.photo_import import import_photos, name_pattern, pose_of
from tests.entries import complete
from tests.models.reading.photo_sessions import draft_with_photos, signed_with_photos
from tests.photos import jpeg, png_header, with_gps_and_owner

TODAY = f"{date.today():%Y-%m-%d}"
YESTERDAY = f"{date.today() - timedelta(days=1):%Y-%m-%d}"


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def clinic(database, technician, register_technician, register_patient, device):
    """A-1: Tess's draft of today (neck); B-2: Tess's session of today, signed; C-3: Otto's
    draft of today (neck)."""
    own = register_patient(technician, identifier="A-1")
    signed = register_patient(technician, identifier="B-2")
    otto = register_technician("otto", "Otto Other")
    others = register_patient(otto, identifier="C-3")
    draft_id, entry, _rows = draft_with_photos(database, technician, own, device, photos=())
    signed_with_photos(database, technician, signed, device, photos=())
    draft_with_photos(database, otto, others, device, photos=())
    return draft_id, entry


def _folder(tmp_path, files):
    folder = tmp_path / "old photos"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _stored(database):
    with database.read() as db:
        return (db.scalar(select(func.count()).select_from(SessionPhoto)),
                db.scalar(select(func.count()).select_from(PhotoImage)),
                db.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "photo.add")))


GOOD = {
    f"A-1_neck_{TODAY}_before_front.jpg": with_gps_and_owner(),
    f"a-1_NECK_{TODAY}_left-45.JPG": jpeg(colour=(20, 90, 200)),
    f"A-1_neck_{TODAY}.png": _png(),
}
BAD = {  # file -> what its one line says
    "notes.txt": "the name does not match the pattern",
    f"A-1_chin_{TODAY}.jpg": "'chin' is not an area LaserLog knows",
    "A-1_neck_2026-02-30.jpg": "'2026-02-30' is not a date",
    f"A-1_neck_{TODAY}_back.jpg": "'back' is not a pose of Neck (front, left 45°, right 45°",
    f"Z-9_neck_{TODAY}.jpg": "no patient has the identifier Z-9",
    f"A-1_neck_{YESTERDAY}.jpg": f"patient A-1 has no session on {YESTERDAY}",
    f"A-1_knees_{TODAY}.jpg": f"your draft of {TODAY} for patient A-1 has no Knees area",
    f"B-2_neck_{TODAY}.jpg": "is signed; only a supervisor adds photos to it, by an amendment",
    f"C-3_neck_{TODAY}.jpg": "you do not treat patient C-3",
    f"A-1_neck_{TODAY}_right45.jpg": "is not a photo LaserLog can read",
    f"A-1_neck_{TODAY}_front (2).jpg": "is damaged or cut off",
    f"A-1_neck_{TODAY}_left 45.png": "more pixels than a photo may have",
}
BAD_BYTES = {f"A-1_neck_{TODAY}_right45.jpg": b"%PDF-1.7 a scan, not a photo",
             f"A-1_neck_{TODAY}_front (2).jpg": jpeg()[:2500],
             f"A-1_neck_{TODAY}_left 45.png": png_header(30_000, 30_000)}


def _bad_files():
    return {name: BAD_BYTES.get(name, jpeg(colour=(5, 5, 5))) for name in BAD}


def test_a_dry_run_says_where_each_file_goes_and_why_not_and_stores_nothing(
        database, technician, clinic, tmp_path):
    folder = _folder(tmp_path, GOOD | _bad_files())
    (folder / "a subfolder").mkdir()
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    report = import_photos(database, technician, folder, dry_run=True)
    assert sorted(o.file for o in report.placed) == sorted(GOOD)
    problems = {o.file: o.message for o in report.problems}
    assert sorted(problems) == sorted([*BAD, "a subfolder"])  # hidden files left out
    for name, says in BAD.items():
        message = problems[name]
        assert message.startswith(name) and says in message and "\n" not in message, message
    assert "a folder" in problems["a subfolder"]
    assert _stored(database) == (0, 0, 0)


def test_a_run_keeps_what_can_be_placed_stripped_and_a_repeat_adds_nothing(
        database, technician, clinic, tmp_path):
    draft_id, entry = clinic
    folder = _folder(tmp_path, GOOD | _bad_files())
    report = import_photos(database, technician, folder, kind="after")
    assert len(report.placed) == 3 and len(report.problems) == len(BAD)
    assert _stored(database) == (3, 3, 3)
    with database.read() as db:
        photos = session_photos.session_photos(db, technician, draft_id)
        images = [session_photos.image_of(db, technician, p.id) for p in photos]
    assert sorted((p.kind, p.pose, p.source) for p in photos) == [
        ("after", "left 45°", "import"), ("after", "other", "import"),
        ("before", "front", "import")]
    for data in images:
        assert b"SERIAL-998877" not in data and b"Dr Artist Owner" not in data
        assert data.startswith(b"\xff\xd8")
    assert all(p.taken_at.astimezone().date() == date.today() for p in photos)
    again = import_photos(database, technician, folder)
    assert not again.placed and _stored(database) == (3, 3, 3)
    assert sum("already on the session" in o.message for o in again.problems) == 3
    with database.write() as db:
        complete(db, technician, draft_id, entry)
    assert verify(database).ok


def test_a_photo_for_a_draft_signed_meanwhile_is_refused_not_stored(
        database, technician, clinic, tmp_path):
    draft_id, entry = clinic
    folder = _folder(tmp_path, {f"A-1_neck_{TODAY}_front.jpg": jpeg()})
    assert import_photos(database, technician, folder, dry_run=True).placed
    with database.write() as db:
        complete(db, technician, draft_id, entry)
    report = import_photos(database, technician, folder)
    assert not report.placed and "is signed" in report.problems[0].message
    assert _stored(database) == (0, 0, 0)


def test_a_clinics_own_pattern_reads_its_names(database, technician, clinic, tmp_path):
    folder = _folder(tmp_path, {f"{TODAY} A-1 Neck.jpeg": jpeg()})
    pattern = name_pattern(r"(?P<date>\d{4}-\d{2}-\d{2}) (?P<identifier>\S+) "
                           r"(?P<area>\w+)\.jpe?g")
    report = import_photos(database, technician, folder, pattern, dry_run=True)
    assert [o.file for o in report.placed] == [f"{TODAY} A-1 Neck.jpeg"]
    default = import_photos(database, technician, folder, dry_run=True)
    assert "does not match the pattern" in default.problems[0].message


@pytest.mark.parametrize("text, says", [
    (r"(?P<identifier>[^_]+)_(?P<area>\w+)\.jpg", "it lacks date"),
    (r"(?P<identifier>[^_]+", "is not a regular expression"),
])
def test_a_pattern_that_cannot_place_a_file_is_refused(text, says):
    with pytest.raises(LaserLogError, match=says):
        name_pattern(text)


def test_poses_are_read_as_a_file_name_can_spell_them():
    neck, eyes = ("front", "left 45°", "other"), ("front, eyes open", "front, eyes closed")
    assert pose_of(neck, "LEFT-45") == "left 45°"
    assert pose_of(eyes, "front_eyes_closed") == "front, eyes closed"
    assert pose_of(neck, "") == "other" and pose_of(neck, "sideways") is None


def test_a_folder_that_is_missing_or_empty_is_one_sentence(database, technician, tmp_path):
    with pytest.raises(LaserLogError, match="there is no folder"):
        import_photos(database, technician, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(LaserLogError, match="holds no files"):
        import_photos(database, technician, tmp_path / "empty")


def test_only_a_technician_imports(database, supervisor, tmp_path):
    with pytest.raises(Refused):
        import_photos(database, supervisor, _folder(tmp_path, {"x.jpg": jpeg()}))


def test_the_database_file_itself_is_never_read(database, database_url, technician, clinic,
                                                tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite database's own file")
    folder = _folder(tmp_path, {})
    os.symlink(tmp_path / "laserlog.db", folder / f"A-1_neck_{TODAY}.jpg")
    report = import_photos(database, technician, folder)
    assert "a file of the LaserLog database in use" in report.problems[0].message
    assert _stored(database) == (0, 0, 0) and verify(database).ok


def test_a_photo_is_dated_by_the_camera_when_it_agrees_with_the_name(
        database, technician, register_patient, device, tmp_path):
    from PIL import Image

    patient = register_patient(technician, identifier="D-4")
    started = datetime.now(UTC) - timedelta(days=40)
    day = started.astimezone().date()
    draft_with_photos(database, technician, patient, device, photos=(), started_at=started)
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Pillow writes the Exif IFD only beside a tag of its own
    exif.get_ifd(0x8769)[0x9003] = f"{day:%Y:%m:%d} 07:05:00"
    folder = _folder(tmp_path, {f"D-4_neck_{day}_front.jpg": jpeg(exif=exif),
                                f"D-4_neck_{day}_right-45.jpg": jpeg(colour=(1, 1, 1))})
    report = import_photos(database, technician, folder)
    assert len(report.placed) == 2, report.problems
    with database.read() as db:
        taken = dict(db.execute(select(SessionPhoto.pose, SessionPhoto.taken_at)).all())
    assert taken["front"].astimezone().replace(tzinfo=None) == datetime.combine(
        day, datetime.min.time()).replace(hour=7, minute=5)
    assert abs(taken["right 45°"] - started) < timedelta(seconds=1)  # the session's start



def test_what_photos_export_writes_reads_back_in(database, technician, register_patient,
                                                 device, tmp_path):
    """The names ``photos export`` writes are the default pattern's: a signed session's
    photos would go onto the patient's new draft of the same day as they were."""
    from models.reading.photo_files import export_patient_photos

    patient = register_patient(technician, identifier="E-5")
    signed_with_photos(database, technician, patient, device)
    export_patient_photos(database, technician, "E-5", tmp_path / "out")
    draft_with_photos(database, technician, patient, device, photos=())
    report = import_photos(database, technician, tmp_path / "out", dry_run=True)
    assert sorted(o.message.split(", ", 2)[2] for o in report.placed) == [
        "Neck, After, front", "Neck, Before, front", "Neck, Before, left 45°"]


def test_a_file_name_is_read_against_the_clinics_own_poses(database, admin, technician, clinic,
                                                           tmp_path):
    draft_id, _entry = clinic
    with database.write() as db:
        photo_poses.change_poses(db, admin, "neck", ["front", "chin up"])
    folder = _folder(tmp_path, {f"A-1_neck_{TODAY}_before_Chin-Up.jpg": jpeg(),
                                f"A-1_neck_{TODAY}_before_left-45.jpg": jpeg()})
    report = import_photos(database, technician, folder)
    assert [o.file for o in report.placed] == [f"A-1_neck_{TODAY}_before_Chin-Up.jpg"]
    assert "'left-45' is not a pose of Neck (front, chin up, other)" in \
        report.problems[0].message
    with database.read() as db:
        assert [p.pose for p in session_photos.session_photos(db, technician, draft_id)] == [
            "chin up"]


def test_a_supervisor_adds_older_photos_to_signed_sessions_one_amendment_each(
        database, technician, supervisor, signature_of, clinic, tmp_path):
    with database.read() as db:
        signed = db.scalars(select(TreatmentSession).where(
            TreatmentSession.status == SessionStatus.COMPLETED)).one()
        signed_id = signed.id
    with database.write() as db:
        supervision.review_session(db, supervisor, signed_id)
    signature = signature_of(supervisor)

    def add_late(db, session_id, version, photos):
        supervision.add_photos(db, supervisor, session_id, photos, "from the old camera",
                               version, signature=signature)

    folder = _folder(tmp_path, {
        f"B-2_neck_{TODAY}_before_front.jpg": jpeg(colour=(200, 10, 10)),
        f"B-2_neck_{TODAY}_after_left-45.jpg": with_gps_and_owner(),
        f"B-2_neck_{TODAY}_after_right-45.jpg": with_gps_and_owner(),  # the same photo again
        f"B-2_neck_{TODAY}_before_left-45.jpg": jpeg()[:2500],
        f"B-2_knees_{TODAY}.jpg": jpeg(colour=(1, 1, 1))})
    dry = import_photos(database, supervisor, folder, dry_run=True, add_late=add_late)
    assert len(dry.placed) == 2 and "(by an amendment)" in dry.placed[0].message
    assert "the same photo as another file" in {o.file: o.message for o in dry.problems}[
        f"B-2_neck_{TODAY}_after_right-45.jpg"]  # as the run itself will say
    assert _stored(database) == (0, 0, 0)

    report = import_photos(database, supervisor, folder, add_late=add_late)
    assert sorted(o.file for o in report.placed) == [
        f"B-2_neck_{TODAY}_after_left-45.jpg", f"B-2_neck_{TODAY}_before_front.jpg"]
    problems = {o.file: o.message for o in report.problems}
    assert "the same photo as another file" in problems[f"B-2_neck_{TODAY}_after_right-45.jpg"]
    assert "damaged or cut off" in problems[f"B-2_neck_{TODAY}_before_left-45.jpg"]
    assert "did not treat Knees" in problems[f"B-2_knees_{TODAY}.jpg"]
    assert _stored(database) == (2, 2, 2)
    with database.read() as db:
        session = db.get(TreatmentSession, signed_id)
        assert session.status == SessionStatus.AMENDED
        assert session.reviewed_at is None  # like any amendment: back for review, photos too
        (amendment,) = session.amendments
        assert amendment.reason == "from the old camera"
        assert json.loads(amendment.old_values)["review"]["reviewed_by"] == "Sam Supervisor"
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "session.amend")
                           ).one()  # the photos added are in the chain with the reason
        assert [p["sha256"] for p in json.loads(event.new_values)["photos"]] == [
            p["sha256"] for p in json.loads(amendment.new_values)["photos"]]
        assert [(p["kind"], p["pose"]) for p in json.loads(amendment.new_values)["photos"]] == [
            ("after", "left 45°"), ("before", "front")]  # in the files' order
        images = [session_photos.image_of(db, supervisor, p.id)
                  for p in session_photos.session_photos(db, supervisor, signed_id)]
    assert all(b"Dr Artist Owner" not in data for data in images)
    assert verify(database).ok  # sealed again, with the photos in the content

    again = import_photos(database, supervisor, folder, add_late=add_late)
    assert not again.placed and _stored(database) == (2, 2, 2)
    with database.read() as db:
        assert len(db.get(TreatmentSession, signed_id).amendments) == 1


def test_only_a_supervisor_adds_photos_to_a_signed_session(database, technician,
                                                          signature_of, clinic, tmp_path):
    folder = _folder(tmp_path, {f"B-2_neck_{TODAY}.jpg": jpeg()})
    with pytest.raises(Refused):
        import_photos(database, technician, folder, add_late=lambda *_a: None)
    with database.read() as db:
        signed_id = db.scalars(select(TreatmentSession.id).where(
            TreatmentSession.status == SessionStatus.COMPLETED)).one()
    with pytest.raises(Refused), database.write() as db:
        supervision.add_photos(db, technician, signed_id, [], "why",
                               signature=signature_of(technician))


def test_two_signed_sessions_of_the_day_are_not_guessed_between(
        database, technician, supervisor, signature_of, register_patient, device, tmp_path):
    twice = register_patient(technician, identifier="D-4")
    for hours_ago in (5, 2):  # two neck sessions of one day
        signed_with_photos(database, technician, twice, device, photos=(),
                           started_at=datetime.now(UTC).replace(hour=12) - timedelta(
                               hours=hours_ago))
    signature = signature_of(supervisor)
    folder = _folder(tmp_path, {f"D-4_neck_{date.today():%Y-%m-%d}.jpg": jpeg()})
    report = import_photos(database, supervisor, folder, add_late=lambda db, sid, v, photos: (
        supervision.add_photos(db, supervisor, sid, photos, "why", v, signature=signature)))
    assert not report.placed
    assert "has 2 signed sessions of" in report.problems[0].message
    assert _stored(database) == (0, 0, 0)
