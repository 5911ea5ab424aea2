"""``photos import`` and ``photos export`` run as a user runs them: a subprocess against a
clinic on SQLite and on PostgreSQL, its exit code, stdout and stderr."""

from datetime import date

import pytest
from sqlalchemy import func, select

from models.clinic import device_register, patients
from models.records.audit_events import AuditEvent
from models.records.photos import SessionPhoto
from models.values.photo_names import DEFAULT_PATTERN
from tests.entries import CONSENTED_AT, PASSWORD, sign_consent
from tests.models.reading.photo_sessions import draft_with_photos, signed_with_photos
from tests.photos import jpeg
from tests.test_cli import laserlog

TODAY = f"{date.today():%Y-%m-%d}"
TESS = ("--user", "tess")
SAM = ("--user", "sam")
PIPED = PASSWORD + "\n"


@pytest.fixture
def clinic(database, admin, technician):
    """A-1 with Tess's draft of today (neck); B-2 with her session of today, signed, holding
    three photos."""
    with database.write() as db:
        device = device_register.add_device(db, admin, make="Acme", model="Lumo",
                                            serial="SN-1", kind="laser")
        made = []
        for identifier in ("A-1", "B-2"):
            patient = patients.add_patient(db, technician, identifier=identifier,
                                           full_name="Pat Doe", date_of_birth=None,
                                           fitzpatrick=3)
            sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
            made.append(patient)
    draft_with_photos(database, technician, made[0], device, photos=())
    signed_with_photos(database, technician, made[1], device)
    return made


def _photos(database):
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(SessionPhoto))


def _folder(tmp_path):
    folder = tmp_path / "old photos"
    folder.mkdir()
    for name, data in {f"A-1_neck_{TODAY}_before_front.jpg": jpeg(),
                       f"A-1_neck_{TODAY}_left-45.jpg": jpeg(colour=(9, 99, 199)),
                       "notes.txt": b"the clinic's old notes",
                       f"A-1_neck_{TODAY}_right-45.jpg": b"%PDF-1.7 not a photo",
                       f"Z-9_neck_{TODAY}.jpg": jpeg(),
                       f"B-2_neck_{TODAY}.jpg": jpeg()}.items():
        (folder / name).write_bytes(data)
    return folder


def test_photos_import_lists_what_it_cannot_place_then_imports_the_rest(
        database_url, database, clinic, tmp_path):
    folder = _folder(tmp_path)
    dry = laserlog("--db", database_url, "photos", "import", str(folder), "--dry-run", *TESS,
                   stdin=PIPED)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.strip().splitlines()
    assert lines[-1] == ("Would import 2 of 6 files onto 1 session(s) of 1 patient(s); 4 cannot "
                         "be placed (listed above)")
    assert sorted(line.split(":")[0] for line in lines[:-1]) == sorted([
        "notes.txt", f"A-1_neck_{TODAY}_right-45.jpg", f"Z-9_neck_{TODAY}.jpg",
        f"B-2_neck_{TODAY}.jpg"])
    assert "is not a photo" in dry.stdout and "no patient has the identifier Z-9" in dry.stdout
    assert "is signed" in dry.stdout and "does not match the pattern" in dry.stdout
    assert _photos(database) == 3  # the signed session's own
    done = laserlog("--db", database_url, "photos", "import", str(folder), "--kind", "before",
                    *TESS, stdin=PIPED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("Imported 2 of 6 files onto 1 ")
    assert _photos(database) == 5
    again = laserlog("--db", database_url, "photos", "import", str(folder), *TESS,
                     stdin=PIPED)
    assert again.returncode == 1 and again.stdout.count("already on the session") == 2
    assert again.stderr.strip() == (f"laserlog: error: none of the 6 files in {folder} could "
                                    "be placed on a session")
    assert _photos(database) == 5
    assert laserlog("--db", database_url, "verify").returncode == 0


@pytest.mark.parametrize("args, stdin, code, says", [
    (("photos", "import", "MISSING", *TESS), PIPED, 1, "there is no folder"),
    (("photos", "import", "FOLDER", *SAM), PIPED, 1, "sam is not a technician"),
    (("photos", "import", "FOLDER", *TESS), "wrong password\n", 1, "password"),
    (("photos", "import", "FOLDER", "--pattern", "(?P<area>x", *TESS), PIPED, 2,
     "--pattern: the pattern is not a regular expression"),
    (("photos", "import", "FOLDER", "--pattern", r"(?P<identifier>\w+)\.jpg", *TESS), PIPED,
     2, "it lacks area, date"),
    (("photos", "import", "FOLDER", "--kind", "during", *TESS), PIPED, 2, "invalid choice"),
    (("photos", "import", "FOLDER"), PIPED, 2, "--user"),
    (("photos", "import", "FOLDER", "--reason", "older photos", *TESS), PIPED, 1,
     "tess is not a supervisor"),
    (("photos", "import", "FOLDER", "--reason", " ", *SAM), PIPED, 2,
     "--reason: give the reason for the amendment"),
    (("photos", "import", "FOLDER", "--reason", "older photos", *SAM), "wrong password\n", 1,
     "password"),
])
def test_photos_import_fails_in_one_line_storing_nothing(database_url, database, clinic,
                                                         supervisor, tmp_path, args, stdin,
                                                         code, says):
    folder = _folder(tmp_path)
    args = tuple(str(folder) if a == "FOLDER" else str(tmp_path / a) if a == "MISSING" else a
                 for a in args)
    failed = laserlog("--db", database_url, *args, stdin=stdin)
    assert failed.returncode == code, failed.stdout + failed.stderr
    assert says in failed.stderr and "Traceback" not in failed.stderr, failed.stderr
    if code == 1:
        assert len(failed.stderr.strip().splitlines()) == 1
    assert _photos(database) == 3 and failed.stdout == ""


def test_a_supervisor_adds_older_photos_to_a_signed_session_by_one_amendment(
        database_url, database, clinic, supervisor, tmp_path):
    folder = _folder(tmp_path)
    (folder / f"B-2_neck_{TODAY}_before_right-45.jpg").write_bytes(jpeg(colour=(1, 2, 3)))
    done = laserlog("--db", database_url, "photos", "import", str(folder), "--reason",
                    "photos from the clinic's old camera", *SAM, stdin=PIPED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        "Imported 2 of 7 files onto 1 session(s) of 1 patient(s); 5 cannot be placed (listed "
        "above)")
    assert f"A-1_neck_{TODAY}_before_front.jpg: the session of {TODAY} for patient A-1 is a " \
           "draft of Tess Tech" in done.stdout  # a draft is its technician's
    assert _photos(database) == 5
    with database.read() as db:
        amend = db.scalars(select(AuditEvent).where(AuditEvent.action == "session.amend")
                           ).one()
    assert amend.reason == "photos from the clinic's old camera"
    assert laserlog("--db", database_url, "verify").returncode == 0


def test_photos_import_help_gives_the_pattern():
    shown = laserlog("photos", "import", "--help")
    assert shown.returncode == 0 and DEFAULT_PATTERN in shown.stdout
    assert "IDENTIFIER_AREA_YYYY-MM-DD[_KIND][_POSE].jpg" in shown.stdout


def test_photos_export_writes_the_patients_photos_and_is_recorded(
        database_url, database, clinic, supervisor, register_other, tmp_path):
    out = tmp_path / "B-2 photos"
    done = laserlog("--db", database_url, "photos", "export", "--patient", "B-2", "--out",
                    str(out), *SAM, stdin=PIPED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote 3 photo(s) of patient B-2 from 1 session(s) to {out}"
    assert sorted(p.name for p in out.iterdir()) == [
        f"B-2_neck_{TODAY}_after_front.jpg", f"B-2_neck_{TODAY}_before_front.jpg",
        f"B-2_neck_{TODAY}_before_left-45.jpg"]
    again = laserlog("--db", database_url, "photos", "export", "--patient", "B-2", "--out",
                     str(out), *TESS, stdin=PIPED)
    assert again.returncode == 0 and "Wrote 0 photo(s)" in again.stdout
    assert "3 were there already" in again.stdout and len(list(out.iterdir())) == 3
    for user, patient, says in ((register_other, "B-2", "do not treat this patient"),
                                ("sam", "Z-9", "No patient has the identifier Z-9"),
                                ("admin", "B-2", "admin is not a technician or supervisor")):
        failed = laserlog("--db", database_url, "photos", "export", "--patient", patient,
                          "--out", str(tmp_path / "refused"), "--user", user, stdin=PIPED)
        assert failed.returncode == 1 and says in failed.stderr, failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "refused").exists()
    with database.read() as db:
        exports = db.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action == "export"))
    assert exports == 2


@pytest.fixture
def register_other(database, admin):
    """Otto, a technician who treats none of the clinic's patients; his user name."""
    from models.access import accounts

    with database.write() as db:
        accounts.create_user(db, username="otto", full_name="Otto Other", role="technician",
                             password=PASSWORD, created_by=admin)
    return "otto"


def test_bench_photos_measures_adding_and_thumbnails_against_baselines(tmp_path):
    import json

    from tests.test_cli import laserlog

    out = tmp_path / "photos.json"
    done = laserlog("bench", "photos", "--runs", "1", "--json", str(out),
                    env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["photo_megapixels"] == 12.0
    assert figures["photo_add_ratio"] == pytest.approx(
        figures["photo_add_ms"] / figures["pillow_decode_ms"], rel=0.05)
    assert figures["photo_add_peak_mb"] > 30  # a 12-megapixel photo decoded is 36 MB
    assert figures["thumbnails_100_ms"] > 0 and figures["ten_years_store_gb"] > 1
