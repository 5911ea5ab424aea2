"""Screening before treatment and the pre-treatment checklist, and the rules they must meet.

A contraindication where treating is unsafe (pregnancy) is a hard stop: the session cannot
be completed. Every other one found is a warning the technician acknowledges by recording
why treatment goes ahead. Consent is signed on screen by the patient (models/clinic/
consent_forms.py); the screening names the signed consent, its form version and its date.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.language import N_, _, date_text
from models.values.vocabulary import FITZPATRICK_TYPES, Labelled


class Contraindication(Labelled):
    PREGNANCY = "pregnancy", N_("Pregnant, or may be pregnant")
    HERPES = "herpes", N_("Active herpes, or a history of outbreaks")
    SKIN_CANCER = "skin_cancer", N_("Skin cancer, now or in the past")
    KELOIDS = "keloids", N_("Scars easily or forms keloids")
    ISOTRETINOIN = "isotretinoin", N_("Acne medication (isotretinoin) in the last 6 months")
    PHOTOSENSITISING = "photosensitising", N_("Photosensitising medication")
    SUN_EXPOSURE = "sun_exposure", N_("Recent sun exposure or a tan")


#: Found, these stop the treatment outright: no reason given makes it safe. Each with what
#: the form says.
HARD_STOP_PROBLEMS = {
    Contraindication.PREGNANCY: N_("Do not treat: pregnant, or may be pregnant. This session "
                                   "cannot be completed."),
}
HARD_STOPS = frozenset(HARD_STOP_PROBLEMS)


class ChecklistItem(Labelled):
    SKIN_CLEAN = "skin_clean", N_("Skin clean of lotions, make-up and oils")
    PATIENT_EYEWEAR = "patient_eyewear", N_("Eyewear on the patient")
    OPERATOR_EYEWEAR = "operator_eyewear", N_("Eyewear on the operator")
    DAILY_VERIFICATION = "daily_verification", N_("The device's daily verification is done")
    CONSENT_VALID = "consent_valid", N_("Consent is signed and valid for this treatment")


@dataclass(frozen=True)
class ScreeningInput:
    """What the technician found before treating: the skin type as seen today, the
    contraindications found with the reason to go ahead for each warning, the consent, and
    the checklist items ticked."""

    fitzpatrick: int | None = None
    found: frozenset[str] = frozenset()
    reasons: Mapping[str, str] = field(default_factory=dict)
    consent_version: str = ""
    consent_signed_on: date | None = None
    checklist: frozenset[str] = frozenset()
    consent_id: int | None = None  # the consent signed on screen, once there is one

    @property
    def hard_stops(self) -> frozenset[str]:
        return self.found & HARD_STOPS


def screening_key(code: str) -> str:
    """The problem key of one contraindication (or ``consent``, ``checklist``)."""
    return f"screening.{code}"


def problems_in_screening(screening: ScreeningInput, today: date) -> dict[str, str]:
    """Values that are present but wrong: unknown codes, a consent signed in the future."""
    problems: dict[str, str] = {}
    for code in screening.found - set(Contraindication):
        problems[screening_key(code)] = _("Unknown contraindication {code}").format(
            code=repr(code))
    for code in screening.checklist - set(ChecklistItem):
        problems[screening_key("checklist")] = _("Unknown checklist item {code}").format(
            code=repr(code))
    if screening.fitzpatrick is not None and screening.fitzpatrick not in FITZPATRICK_TYPES:
        problems[screening_key("fitzpatrick")] = _("The Fitzpatrick skin type is I to VI")
    signed = screening.consent_signed_on
    if signed is not None and signed > today:
        problems[screening_key("consent_signed_on")] = _(
            "Consent cannot be signed in the future ({day} is after today)").format(
            day=date_text(signed))
    return problems


def problems_for_treatment(screening: ScreeningInput, today: date) -> dict[str, str]:
    """What stops the session from being completed: a hard stop, a warning with no reason,
    consent not recorded, or the checklist not all ticked."""
    problems = problems_in_screening(screening, today)
    if screening.fitzpatrick is None:
        problems.setdefault(screening_key("fitzpatrick"),
                            _("Choose the patient's Fitzpatrick skin type"))
    for code in sorted(screening.hard_stops):
        problems[screening_key(code)] = _(HARD_STOP_PROBLEMS[Contraindication(code)])
    for code in sorted(screening.found - HARD_STOPS):
        if code in set(Contraindication) and not screening.reasons.get(code, "").strip():
            problems[screening_key(code)] = (
                _("Give the reason treatment goes ahead despite this warning"))
    if screening.consent_id is None or screening.consent_signed_on is None:
        problems.setdefault(screening_key("consent"), _(CONSENT_MISSING))
    missing = [item.label for item in ChecklistItem if item not in screening.checklist]
    if missing:
        problems.setdefault(screening_key("checklist"), _(
            "Tick the whole checklist before completing: {items}").format(
            items="; ".join(missing)))
    return problems


CONSENT_MISSING = N_("The patient has not signed the consent in force: have them sign it on "
                     "screen (Sign consent)")


def as_json(screening: ScreeningInput) -> dict[str, Any]:
    """The screening as plain JSON values, for the audit trail and amendments (the signed
    consent's id only once there is one: screenings typed before 0021 read as they were)."""
    consent = {} if screening.consent_id is None else {"consent_id": screening.consent_id}
    return consent | {
        "fitzpatrick": screening.fitzpatrick,
        "found": sorted(screening.found),
        "reasons": {code: screening.reasons[code] for code in sorted(screening.reasons)
                    if code in screening.found},
        "consent_version": screening.consent_version,
        "consent_signed_on": (screening.consent_signed_on.isoformat()
                              if screening.consent_signed_on else None),
        "checklist": sorted(screening.checklist),
    }


def from_json(values: Mapping[str, Any]) -> ScreeningInput:
    signed = values.get("consent_signed_on")
    return ScreeningInput(
        fitzpatrick=values.get("fitzpatrick"),
        found=frozenset(values.get("found", ())),
        reasons=dict(values.get("reasons", {})),
        consent_version=values.get("consent_version", ""),
        consent_signed_on=date.fromisoformat(signed) if signed else None,
        checklist=frozenset(values.get("checklist", ())),
        consent_id=values.get("consent_id"),
    )
