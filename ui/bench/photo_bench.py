"""``bench photos``: a 12-megapixel photo added to a session, and a patient's 100 photos
shown as thumbnails, each against a baseline measured in the same run.

- Adding: LaserLog reads the file, decodes it, turns it upright, scales it to the clinic's
  long side, encodes it bare of metadata, makes its thumbnail and stores both with their
  audit event; the baseline is Pillow decoding the same file alone. Peak memory is the
  resident high-water mark of a fresh process adding one photo, over that process before.
- Thumbnails: a patient's 100 photos of one area read from the database and painted in
  the compare view's list; the baseline paints 100 thumbnails already in memory.
- The store: the average photo and thumbnail sizes give what a clinic's ten years
  (100,000 sessions, 300,000 photos) hold.
"""

import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from devices.simulated.demo_signatures import sign_in_force
from models.access import accounts
from models.clinic import patients
from models.storage.database import Database
from models.storage.schema import open_current
from models.values.images import clean_image
from models.values.rows import Actor
from models.workflow import session_logging, session_photos

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 4000, 3000  # 12 megapixels, as a phone or a small camera takes
TEN_YEARS_PHOTOS = 300_000
THUMBNAILS = 100
PASSWORD = "bench-password"


def camera_photo(width: int = WIDTH, height: int = HEIGHT, seed: int = 17) -> bytes:
    """A JPEG like a camera's: smooth skin tones with fine grain (noise compresses as badly
    as real detail), quality 92, with EXIF."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([200 - 40 * y / height, 150 - 30 * x / width,
                     130 - 20 * (x + y) / (width + height)], axis=-1)
    grain = rng.normal(0, 7, (height, width, 1)).astype(np.float32)
    pixels = np.clip(base + grain, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "BenchCam", "BC-12"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def _draft(folder: Path) -> tuple[Database, Actor, int, int]:
    """A database with a technician, a consenting patient and a draft of their neck."""
    from models.values.screening import ChecklistItem, ScreeningInput
    from models.values.session_input import AreaInput, SessionInput
    database, _ = open_current(f"sqlite:///{folder / 'laserlog.db'}")
    with database.write() as db:
        admin = accounts.create_user(db, username="admin", full_name="Admin", role="admin",
                                     password=PASSWORD, created_by=None)
        actor = accounts.create_user(db, username="bench", full_name="Bench",
                                     role="technician", password=PASSWORD, created_by=admin)
        patient = patients.add_patient(db, actor, identifier="PH-BENCH", full_name="Bench",
                                       date_of_birth=date(1980, 1, 1), fitzpatrick=3)
        sign_in_force(db, actor, accounts.confirm_signature(db, actor, PASSWORD), patient.id,
                      "Bench", random.Random(17))
        entry = SessionInput(screening=ScreeningInput(checklist=frozenset(ChecklistItem)),
                             areas=(AreaInput("neck", {}, None, None),))
        draft = session_logging.start_draft(db, actor, patient.id, entry)
    return database, actor, draft.summary.id, patient.id


def _median_s(work: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _peak_mb(photo: Path) -> float:
    """What adding one photo raises a fresh process's resident memory to at its highest,
    over what it held just before."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the process that started
    # this one (the bench itself), while VmHWM starts again with the new program.
    code = ("import sys; from pathlib import Path; "
            "from models.values.images import read_image_file; "
            "status = lambda key: int(next(line.split()[1] for line in "
            "open('/proc/self/status') if line.startswith(key))); "
            "before = status('VmRSS:'); "
            "read_image_file(Path(sys.argv[1])); "
            "print(status('VmHWM:') - before)")
    # Pillow and its plugins are loaded before "before": only the photo's work is counted.
    warm = "from models.values.images import _pillow; _pillow(); "
    done = subprocess.run([sys.executable, "-c", warm + code, str(photo)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024


def _thumbnails_ms(database: Database, actor: Actor, patient_id: int) -> tuple[float, float]:
    """The compare view's 100 thumbnails read and painted; and 100 held in memory painted."""
    from PySide6.QtGui import QIcon, QPixmap
    from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem

    from ui.widgets.photo_thumbnails import THUMB, photo_item, pixmap_of

    app = QApplication.instance() or QApplication([])

    def painted(pixmaps: list[QPixmap] | None) -> float:
        started = time.perf_counter()
        if pixmaps is None:  # LaserLog: read the series and its thumbnails, then paint
            with database.read() as db:
                photos = session_photos.series(db, actor, patient_id, "neck", "front")
                images = session_photos.thumbnails_of(db, actor, [p.id for p in photos])
            items = [(photo_item(p), pixmap_of(images[p.id])) for p in photos]
        else:
            items = [(QListWidgetItem(f"photo {i}"), pixmap) for i, pixmap in
                     enumerate(pixmaps)]
        view = QListWidget()
        view.setViewMode(QListWidget.ViewMode.IconMode)
        view.setIconSize(THUMB)
        view.resize(1200, 700)
        for item, pixmap in items:
            item.setIcon(QIcon(pixmap))
            view.addItem(item)
        view.show()
        view.grab()  # painted
        app.processEvents()
        elapsed = time.perf_counter() - started
        view.close()
        return elapsed

    with database.read() as db:
        first = session_photos.series(db, actor, patient_id, "neck", "front")[0]
        thumbnail = session_photos.image_of(db, actor, first.id, True)
    held = [pixmap_of(thumbnail) for _ in range(THUMBNAILS)]
    painted(None)  # warm-up
    return (statistics.median(painted(None) for _ in range(5)) * 1000,
            statistics.median(painted(held) for _ in range(5)) * 1000)


def run_photo_bench(runs: int = 5, json_path: str | None = None) -> int:
    from PIL import Image

    from models.values.images import _pillow

    _pillow()
    with tempfile.TemporaryDirectory(prefix="laserlog-photo-bench-") as tmp:
        folder = Path(tmp)
        photo = folder / "IMG_12MP.jpg"
        photo.write_bytes(camera_photo())
        database, actor, draft_id, patient_id = _draft(folder)
        try:
            def decode() -> None:
                with Image.open(photo) as image:
                    image.load()

            baseline_s = _median_s(decode, runs)
            add_s = _median_s(lambda: session_photos.add_photo_file(
                database, actor, draft_id, "neck", "before", "front", photo), runs)
            stored = clean_image(photo.read_bytes())
            with database.write() as db:  # the rest of the patient's 100 photos
                for _ in range(THUMBNAILS - runs):
                    session_photos.add_photo(db, actor, draft_id, "neck", "progress", "front",
                                             stored)
            thumbs_ms, held_ms = _thumbnails_ms(database, actor, patient_id)
        finally:
            database.dispose()
        peak_mb = _peak_mb(photo)
    photo_mb, thumb_kb = len(stored.data) / 2**20, len(stored.thumbnail) / 1024
    store_gb = TEN_YEARS_PHOTOS * (len(stored.data) + len(stored.thumbnail)) / 2**30
    figures = {
        "photo_megapixels": round(WIDTH * HEIGHT / 1e6, 1),
        "photo_add_ms": round(add_s * 1000, 1),
        "pillow_decode_ms": round(baseline_s * 1000, 1),
        "photo_add_ratio": round(add_s / baseline_s, 2),
        "photo_add_peak_mb": round(peak_mb, 1),
        "stored_photo_mb": round(photo_mb, 2),
        "stored_thumbnail_kb": round(thumb_kb, 1),
        "thumbnails_100_ms": round(thumbs_ms, 1),
        "thumbnails_100_held_ms": round(held_ms, 1),
        "thumbnails_ratio": round(thumbs_ms / held_ms, 2) if held_ms else None,
        "ten_years_store_gb": round(store_gb, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(f"adding a {figures['photo_megapixels']}-megapixel photo: {figures['photo_add_ms']} "
          f"ms (Pillow's decode alone {figures['pillow_decode_ms']} ms, ratio "
          f"{figures['photo_add_ratio']}), peak memory +{figures['photo_add_peak_mb']} MB; "
          f"stored {figures['stored_photo_mb']} MB + a {figures['stored_thumbnail_kb']} KB "
          f"thumbnail")
    print(f"a patient's {THUMBNAILS} photos as thumbnails: {figures['thumbnails_100_ms']} ms "
          f"to read and paint (painting them from memory {figures['thumbnails_100_held_ms']} "
          f"ms, ratio {figures['thumbnails_ratio']})")
    print(f"ten years of {TEN_YEARS_PHOTOS:,} photos: about {figures['ten_years_store_gb']} GB")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0
