"""The aftercare sheet handed to the patient for the areas treated, and the record that it
was given.

The advice is the clinic's standard text: avoid the sun for at least two weeks and use a
high SPF, keep the skin hydrated, what reactions to expect and when, and when to call. It is
written in the patient's language, whatever the screen's.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from models.access.permissions import Action, Refused, require
from models.clinic.clinic_settings import ClinicRules
from models.errors import NotAllowed
from models.language import N_, _, document_choice, long_date_text, translation
from models.reading.history import load_session
from models.records.treatment import TreatmentSession
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import Area, SessionStatus
from models.workflow.session_logging import check_version, record_change
from models.workflow.session_rows import snapshot

FACE = frozenset({Area.FOREHEAD, Area.PERIORBITAL, Area.CHEEKS, Area.PERIORAL, Area.JAWLINE,
                  Area.SUBMENTAL})

GENERAL = (
    (N_("Sun"), N_(
        "Keep the treated skin out of the sun for at least two weeks. Outdoors, use a "
        "broad-spectrum sunscreen of SPF 50 every morning and every two hours, and cover the "
        "area with clothing or a wide-brimmed hat. No sunbeds or self-tan.")),
    (N_("Skin care"), N_(
        "Drink plenty of water and keep the skin moisturised with a gentle, fragrance-free "
        "cream. Do not scrub, peel or pick. No hot baths, saunas or hard exercise for 24 "
        "hours.")),
    (N_("What to expect"), N_(
        "Redness and mild swelling are normal and usually settle within a couple of days; a "
        "cool compress helps. Bruising or a blister is rare. The skin keeps improving for "
        "several weeks as collagen builds.")),
    (N_("When to call us"), N_(
        "Call the clinic the same day if a blister forms, the skin breaks, swelling or pain "
        "increases after the first day, you notice dark or light patches, or anything worries "
        "you.")),
)
FACE_NOTE = (N_("Face"), N_(
    "Wait 24 hours before make-up, and sleep with your head slightly raised the first night "
    "if there is swelling."))
BODY_NOTE = (N_("Body"), N_(
    "Wear loose clothing over the treated areas for a couple of days and avoid shaving or "
    "waxing them for 48 hours."))


@dataclass(frozen=True)
class AftercareSheet:
    """The sheet's every text, in the patient's language."""

    patient: str
    areas: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]
    given_on: date
    clinic_name: str = ""  # who to call, as the clinic settings name it ("" when unset)
    clinic_address: str = ""
    clinic_phone: str = ""
    title: str = ""  # the document's name ("Aftercare – Ruth Rahman")
    heading: str = ""
    treated: str = ""  # the day and the areas
    phone_line: str = ""  # "" when the clinic has no phone
    call: str = ""


def sheet_for(patient: str, areas: Sequence[str], clinic: ClinicRules, on: date,
              language: str | None = None) -> AftercareSheet:
    """The sheet for a patient and the codes of the areas treated, given ``on`` that day, with
    the clinic's name, address and phone from its settings, in ``language`` (None: the
    screen's)."""
    choice = document_choice(language)
    text = translation(choice.language).gettext
    sections = list(GENERAL)
    if any(area in FACE for area in areas):
        sections.append(FACE_NOTE)
    if any(area not in FACE for area in areas):
        sections.append(BODY_NOTE)
    labels = tuple(text(Area(area).source_label) for area in areas)
    phone = clinic.clinic_phone
    return AftercareSheet(
        patient, labels, tuple((text(title), text(body)) for title, body in sections), on,
        clinic.clinic_name, clinic.clinic_address, phone,
        title=text(N_("Aftercare – {patient}")).format(patient=patient),
        heading=text(N_("Aftercare after your treatment")),
        treated=text(N_("treated on {day}: {areas}")).format(
            day=long_date_text(on, choice.locale), areas=", ".join(labels)),
        phone_line=text(N_("Phone {phone}")).format(phone=phone) if phone else "",
        call=text(N_("Call us on {phone} if blisters, spreading redness or pain appear."))
        .format(phone=phone) if phone else "")


def record_given(db: Session, actor: Actor, session_id: int,
                 expected_version: int | None = None) -> SessionDetail:
    """Record that the aftercare sheet was given; the technician's own session only."""
    require(actor, Action.LOG_SESSION, "treatment_session", session_id)
    session = db.get(TreatmentSession, session_id)
    if session is None or session.technician_id != actor.id:
        raise Refused.saying(
            N_("Only the technician who logged this session records its aftercare"),
            actor, "record_aftercare", "treatment_session", session_id)
    if session.status == SessionStatus.VOIDED:
        raise NotAllowed(_("This session is voided"))
    check_version(db, session, expected_version)
    before = snapshot(session)
    session.aftercare_given_at = datetime.now(UTC)
    db.flush()
    record_change(db, actor, session, "session.aftercare", before)
    return load_session(db, session.id)
