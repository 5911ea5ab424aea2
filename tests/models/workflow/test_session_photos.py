"""Photos with a session's areas: made safe on the way in, kept with the signed record,
proven by verify, refused in one sentence when they are not photos."""

import io
import json

import pytest
from sqlalchemy import func, select, text

from models.admin.integrity import verify
from models.clinic import clinic_settings, photo_poses
from models.errors import NotAllowed, ValidationFailed
from models.records.audit_events import AuditEvent
from models.values.images import MAX_PIXELS, ImageRefused, clean_image
from models.values.session_input import AreaInput, SessionInput
from models.workflow import session_logging, session_photos
from tests.entries import SCREENED, complete
from tests.models.helpers import guards_off
from tests.photos import heic_from_a_phone, jpeg, png_header, with_gps_and_owner


def test_a_photo_is_stored_without_any_metadata_and_upright():
    from PIL import Image

    original = with_gps_and_owner()
    assert b"SERIAL-998877" in original and b"Dr Artist Owner" in original
    clean = clean_image(original)
    for secret in (b"SERIAL-998877", b"Dr Artist Owner", b"CameraMaker", b"Exif"):
        assert secret not in clean.data and secret not in clean.thumbnail
    stored = Image.open(io.BytesIO(clean.data))
    assert not stored.getexif() and "icc_profile" not in stored.info
    assert clean.taken_at is not None and clean.taken_at.hour == 9  # read, then dropped
    turned = clean_image(jpeg(1200, 800, orientation=6))  # "rotate 90° clockwise"
    assert (turned.width, turned.height) == (800, 1200)
    upright = Image.open(io.BytesIO(turned.data)).convert("L")
    assert upright.getpixel((turned.width - 20, 20)) < 90  # the dark corner is now top right


def test_a_phones_heic_photo_is_read_upright_and_stored_bare():
    original = heic_from_a_phone(640, 480)
    assert original[4:12] == b"ftypheic" and b"Phone Owner Name" in original
    clean = clean_image(original)
    assert (clean.width, clean.height) == (480, 640)
    assert clean.data.startswith(b"\xff\xd8") and b"Phone Owner Name" not in clean.data


def test_a_photo_is_scaled_to_the_clinics_long_side():
    clean = clean_image(jpeg(4000, 3000), long_side=2560)
    assert (clean.width, clean.height) == (2560, 1920)
    assert max(clean_image(jpeg(4000, 3000), long_side=1000).width, 0) == 1000


@pytest.mark.parametrize("data, says", [
    (b"%PDF-1.7 not a photo at all", "is not a photo"),
    (jpeg()[:3000], "damaged or cut off"),
    (png_header(30_000, 30_000), "more pixels than a photo may have (80 megapixels)"),
    (png_header(9_000, 9_000), "9,000 × 9,000 pixels, more than a photo may have"),
    (b"", "is not a photo"),
])
def test_what_is_not_a_photo_is_refused_in_one_sentence(data, says):
    with pytest.raises(ImageRefused) as refused:
        clean_image(data, "scan.jpg")
    message = str(refused.value)
    assert says in message and "\n" not in message and message.startswith("scan.jpg")


def test_a_photo_with_a_megabyte_of_exif_is_read_and_stripped():
    """Sixteen full EXIF segments (a megabyte of metadata) after the JPEG's start."""
    plain = jpeg()
    segment = b"Exif\x00\x00" + b"x" * 65_000
    heavy = plain[:2] + (b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment) * 16 \
        + plain[2:]
    assert len(heavy) > 1_000_000
    clean = clean_image(heavy)
    assert b"xxxxxxxx" not in clean.data and len(clean.data) < len(plain) * 2
    assert MAX_PIXELS > 12_000_000  # a 12-megapixel camera's photo is taken


@pytest.fixture
def neck_draft(database, technician, patient, device):
    entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800, room="R1",
                         areas=(AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1),))
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, entry)
    return draft.summary.id, entry


def test_photos_are_kept_with_the_signed_session_and_proven_by_verify(database, technician,
                                                                      neck_draft):
    draft_id, entry = neck_draft
    with database.write() as db:
        before = session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                          clean_image(jpeg()))
        blurred = session_photos.add_photo(db, technician, draft_id, "neck", "before",
                                           "left 45°", clean_image(jpeg(colour=(1, 2, 3))))
        session_photos.remove_photo(db, technician, blurred.id)  # a draft's: taken out
        complete(db, technician, draft_id, entry)
    with database.read() as db:
        kept = session_photos.session_photos(db, technician, draft_id)
        image = session_photos.image_of(db, technician, before.id)
    assert [p.pose for p in kept] == ["front"] and image.startswith(b"\xff\xd8")
    assert verify(database).ok
    with pytest.raises(ValidationFailed, match="signed"), database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "after", "front",
                                 clean_image(jpeg()))
    for statement in ("DELETE FROM photo_images", "DELETE FROM session_photos",
                      "UPDATE photo_images SET data = thumbnail",
                      "UPDATE session_photos SET pose = 'other'"):
        with pytest.raises(Exception, match="LaserLog keeps clinical records"), \
                database.write() as db:
            db.execute(text(statement))


def test_a_stored_photo_changed_behind_laserlogs_back_is_named_by_verify(database, technician,
                                                                         neck_draft):
    draft_id, entry = neck_draft
    with database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                 clean_image(jpeg()))
        complete(db, technician, draft_id, entry)
    with guards_off(database, "photo_images") as conn:
        conn.execute(text("UPDATE photo_images SET data = thumbnail"))
    result = verify(database)
    assert not result.ok and any("no longer matches what was signed" in p
                                 for p in result.problems)


def test_a_photo_must_name_a_pose_of_its_area(database, technician, neck_draft):
    draft_id, _entry = neck_draft
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "palms",
                                 clean_image(jpeg()))
    assert "not a pose of Neck" in refused.value.problems["photo.pose"]


def test_the_clinic_keeps_its_own_poses_and_photos_taken_keep_theirs(
        database, admin, technician, neck_draft):
    draft_id, _entry = neck_draft
    with database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "left 45°",
                                 clean_image(jpeg()))
        kept = photo_poses.change_poses(db, admin, "neck", ["  front ", "", "left   90°",
                                                            "chin up"])
    assert (kept.poses, kept.changed) == (("front", "left 90°", "chin up"), True)
    with database.write() as db:
        assert photo_poses.poses_of(db, "neck") == ("front", "left 90°", "chin up", "other")
        assert photo_poses.poses_of(db, "hands") == ("backs", "palms", "other")  # untouched
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "left 90°",
                                 clean_image(jpeg()))
        patient_id = neck_draft_patient(db, draft_id)
        # the photo of a pose since taken off the list can still be compared
        assert session_photos.poses_to_compare(db, technician, patient_id, "neck") == (
            "front", "left 90°", "chin up", "other", "left 45°")
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "clinic.photo_poses")
                           ).one()
        assert (event.entity_id, json.loads(event.old_values), json.loads(event.new_values)) == (
            "poses.neck", {"poses": ["front", "left 45°", "right 45°"]},
            {"poses": ["front", "left 90°", "chin up"]})
    with pytest.raises(ValidationFailed, match="not a pose of Neck"), database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "right 45°",
                                 clean_image(jpeg()))
    with database.write() as db:
        assert photo_poses.change_poses(db, admin, "neck", None).changed is False
        assert photo_poses.poses_of(db, "neck") == ("front", "left 45°", "right 45°", "other")
        # the defaults typed again, or the same list again: nothing kept, nothing audited
        assert photo_poses.change_poses(db, admin, "neck", ["front", "left 45°",
                                                            "right 45°"]).changed is False
        assert photo_poses.change_poses(db, admin, "hands", ["palms"]).changed is True
        photo_poses.change_poses(db, admin, "hands", ["palms"])
        assert db.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "clinic.photo_poses")) == 3  # neck, back, hands


@pytest.mark.parametrize(("lines", "says"), [
    ([], "at least one pose"),
    (["", "  "], "at least one pose"),
    (["front", "Front"], "Front is listed twice"),
    (["left 45°", "Left-45"], "left 45° and Left-45 are spelt alike in a file name"),
    (["front", "Other"], "always offered last"),
    (["x" * 41], "at most 40 characters"),
    ([f"pose {n}" for n in range(13)], "At most 12 poses"),
    (["front\x00"], "cannot be shown"),
])
def test_a_list_of_poses_that_cannot_be_offered_is_refused(database, admin, lines, says):
    with pytest.raises(ValidationFailed, match=says), database.write() as db:
        photo_poses.change_poses(db, admin, "neck", lines)
    with database.read() as db:
        assert not any(row.changed for row in photo_poses.area_poses(db))


def test_only_an_administrator_changes_the_poses(database, technician):
    with pytest.raises(NotAllowed), database.write() as db:
        photo_poses.change_poses(db, technician, "neck", ["front"])


def test_before_photos_the_clinic_requires_stop_completion(database, admin, technician,
                                                          neck_draft):
    draft_id, entry = neck_draft
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "before_photos_per_area", 1)
    with database.read() as db:
        problems = session_logging.completion_problems(db, technician, draft_id, entry)
    assert problems["areas.neck.photos"] == "Neck: 1 before photo needed, 0 taken"
    with database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                 clean_image(jpeg()))
        complete(db, technician, draft_id, entry)
    with database.write() as db:  # the course's next session needs none
        second = session_logging.start_draft(db, technician, neck_draft_patient(db, draft_id),
                                             entry)
    with database.read() as db:
        problems = session_logging.completion_problems(db, technician, second.summary.id,
                                                       entry)
    assert "areas.neck.photos" not in problems, problems
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "before_photos_every_session", 1)
    with database.read() as db:
        assert "areas.neck.photos" in session_logging.completion_problems(
            db, technician, second.summary.id, entry)


def neck_draft_patient(db, draft_id):
    from models.records.treatment import TreatmentSession

    return db.get(TreatmentSession, draft_id).patient_id


def test_a_look_at_photos_by_someone_not_treating_the_patient_is_audited(
        database, technician, supervisor, patient, neck_draft):
    from models.records.audit_events import AuditEvent

    draft_id, entry = neck_draft
    with database.write() as db:
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                 clean_image(jpeg()))
        complete(db, technician, draft_id, entry)

    def views():
        with database.read() as db:
            return db.scalars(select(AuditEvent.actor_id)
                              .where(AuditEvent.action == "photos.view")).all()

    with database.read() as db:  # the treating technician: not an event
        assert len(session_photos.series(db, technician, patient.id, "neck")) == 1
        session_photos.session_photos(db, technician, draft_id)
    assert views() == []
    with database.read() as db:
        assert len(session_photos.series(db, supervisor, patient.id, "neck", "front")) == 1
        session_photos.session_photos(db, supervisor, draft_id)
    assert views() == [supervisor.id, supervisor.id]


def test_one_of_the_patients_photos_becomes_their_portrait(database, technician, supervisor,
                                                          register_patient, patient,
                                                          neck_draft):
    draft_id, _entry = neck_draft
    other = register_patient(technician, identifier="P-other")
    with database.write() as db:
        assert session_photos.portrait_of(db, technician, patient.id) is None
        photo = session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                         clean_image(jpeg()))
        session_photos.set_portrait(db, technician, patient.id, photo.id)
    with database.read() as db:
        thumbnail = session_photos.portrait_of(db, technician, patient.id)
        assert thumbnail is not None and thumbnail.startswith(b"\xff\xd8")
        assert session_photos.portrait_of(db, supervisor, patient.id) == thumbnail
    with database.write() as db:  # treating the other patient too
        session_logging.start_draft(db, technician, other.id)
    with pytest.raises(Exception, match="not one of this patient's"), database.write() as db:
        session_photos.set_portrait(db, technician, other.id, photo.id)


def test_photos_are_in_every_backup_and_come_back_with_a_restore(database, admin, technician,
                                                                neck_draft, tmp_path):
    from models.admin.backup import backup, restore

    draft_id, entry = neck_draft
    with database.write() as db:
        photo = session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                         clean_image(jpeg()))
        complete(db, technician, draft_id, entry)
    with database.read() as db:
        kept = session_photos.image_of(db, technician, photo.id)
    out = backup(database, admin, tmp_path / "clinic.backup")
    with guards_off(database, "photo_images", "session_photos") as conn:  # lost meanwhile
        conn.execute(text("DELETE FROM photo_images"))
    assert not verify(database).ok
    restore(database, admin, out, force=True)
    with database.read() as db:
        assert session_photos.image_of(db, technician, photo.id) == kept
    assert verify(database).ok


def test_a_photo_taken_out_is_no_longer_anyones_portrait(database, technician, patient,
                                                        neck_draft):
    draft_id, _entry = neck_draft
    with database.write() as db:
        photo = session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                         clean_image(jpeg()))
        session_photos.set_portrait(db, technician, patient.id, photo.id)
        session_photos.remove_photo(db, technician, photo.id)
        # the next photo may get the number of the one taken out (SQLite reuses rowids)
        session_photos.add_photo(db, technician, draft_id, "neck", "before", "front",
                                 clean_image(jpeg(colour=(9, 9, 9))))
    with database.read() as db:
        assert session_photos.portrait_of(db, technician, patient.id) is None
