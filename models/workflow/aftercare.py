"""The aftercare sheet handed to the patient for the areas treated, and the record that it
was given.

The advice is the clinic's standard text: avoid the sun for at least two weeks and use a
high SPF, keep the skin hydrated, what reactions to expect and when, and when to call.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from models.access.permissions import Action, Refused, require
from models.clinic.clinic_settings import ClinicRules
from models.errors import NotAllowed
from models.reading.history import load_session
from models.records.treatment import TreatmentSession
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import Area, SessionStatus
from models.workflow.session_logging import check_version, record_change
from models.workflow.session_rows import snapshot

FACE = frozenset({Area.FOREHEAD, Area.PERIORBITAL, Area.CHEEKS, Area.PERIORAL, Area.JAWLINE,
                  Area.SUBMENTAL})

GENERAL = (
    ("Sun", "Keep the treated skin out of the sun for at least two weeks. Outdoors, use a "
            "broad-spectrum sunscreen of SPF 50 every morning and every two hours, and cover "
            "the area with clothing or a wide-brimmed hat. No sunbeds or self-tan."),
    ("Skin care", "Drink plenty of water and keep the skin moisturised with a gentle, "
                  "fragrance-free cream. Do not scrub, peel or pick. No hot baths, saunas or "
                  "hard exercise for 24 hours."),
    ("What to expect", "Redness and mild swelling are normal and usually settle within a "
                       "couple of days; a cool compress helps. Bruising or a blister is rare. "
                       "The skin keeps improving for several weeks as collagen builds."),
    ("When to call us", "Call the clinic the same day if a blister forms, the skin breaks, "
                        "swelling or pain increases after the first day, you notice dark or "
                        "light patches, or anything worries you."),
)
FACE_NOTE = ("Face", "Wait 24 hours before make-up, and sleep with your head slightly raised "
                     "the first night if there is swelling.")
BODY_NOTE = ("Body", "Wear loose clothing over the treated areas for a couple of days and "
                     "avoid shaving or waxing them for 48 hours.")


@dataclass(frozen=True)
class AftercareSheet:
    patient: str
    areas: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]
    given_on: date
    clinic_name: str = ""  # who to call, as the clinic settings name it ("" when unset)
    clinic_address: str = ""
    clinic_phone: str = ""


def sheet_for(patient: str, areas: Sequence[str], clinic: ClinicRules, on: date
              ) -> AftercareSheet:
    """The sheet for a patient and the codes of the areas treated, given ``on`` that day, with
    the clinic's name, address and phone from its settings."""
    sections = list(GENERAL)
    if any(area in FACE for area in areas):
        sections.append(FACE_NOTE)
    if any(area not in FACE for area in areas):
        sections.append(BODY_NOTE)
    return AftercareSheet(patient, tuple(Area(area).label for area in areas), tuple(sections),
                          on, clinic.clinic_name, clinic.clinic_address, clinic.clinic_phone)


def record_given(db: Session, actor: Actor, session_id: int,
                 expected_version: int | None = None) -> SessionDetail:
    """Record that the aftercare sheet was given; the technician's own session only."""
    require(actor, Action.LOG_SESSION, "treatment_session", session_id)
    session = db.get(TreatmentSession, session_id)
    if session is None or session.technician_id != actor.id:
        raise Refused("Only the technician who logged this session records its aftercare",
                      actor, "record_aftercare", "treatment_session", session_id)
    if session.status == SessionStatus.VOIDED:
        raise NotAllowed("This session is voided")
    check_version(db, session, expected_version)
    before = snapshot(session)
    session.aftercare_given_at = datetime.now(UTC)
    db.flush()
    record_change(db, actor, session, "session.aftercare", before)
    return load_session(db, session.id)
