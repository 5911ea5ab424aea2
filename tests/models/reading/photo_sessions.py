"""Sessions with photos, as the photo export, import, FHIR and PDF tests need them: made with
the product's own operations (drafts, add_photo, completion with the password)."""

from models.values.images import clean_image
from models.values.session_input import AreaInput, SessionInput
from models.workflow import session_logging, session_photos
from tests.entries import SCREENED, complete
from tests.photos import jpeg

#: (area, kind, pose, colour): distinct colours give distinct images (and SHA-256s).
NECK_PHOTOS = (("neck", "before", "front", (200, 150, 130)),
               ("neck", "before", "left 45°", (190, 140, 120)),
               ("neck", "after", "front", (210, 120, 110)))


def entry_for(device_id, areas=("neck",), started_at=None):
    return SessionInput(device_id=device_id, screening=SCREENED, duration_s=1800, room="R1",
                        started_at=started_at,
                        areas=tuple(AreaInput(area, {"fluence_j_cm2": 30.0}, 100, 1)
                                    for area in areas))


def draft_with_photos(database, technician, patient, device, photos=NECK_PHOTOS,
                      areas=("neck",), started_at=None):
    """A draft of ``areas`` holding ``photos``; returns (draft id, entry, photo rows)."""
    entry = entry_for(device.id, areas, started_at)
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        rows = [session_photos.add_photo(db, technician, draft.summary.id, area, kind, pose,
                                         clean_image(jpeg(640, 480, colour=colour)))
                for area, kind, pose, colour in photos]
    return draft.summary.id, entry, rows


def signed_with_photos(database, technician, patient, device, photos=NECK_PHOTOS,
                       areas=("neck",), started_at=None):
    """A signed session of ``areas`` with ``photos``; returns (session id, photo rows)."""
    draft_id, entry, rows = draft_with_photos(database, technician, patient, device, photos,
                                              areas, started_at)
    with database.write() as db:
        complete(db, technician, draft_id, entry)
    return draft_id, rows

