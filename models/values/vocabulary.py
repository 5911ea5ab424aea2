"""Controlled vocabularies stored as short codes, each with the label a user reads (in the
language in use: the code is stored, the label is translated where it is read)."""

from enum import StrEnum
from typing import TYPE_CHECKING, Self

from models.language import N_, _


class Labelled(StrEnum):
    """A code stored in the database with a human label (the enum member's ``label``)."""

    _text: str

    if TYPE_CHECKING:
        # After the class is built, Enum swaps the ``__new__`` below for its own lookup by
        # code (``Area("neck")``); mypy would otherwise ask every lookup for a label.
        def __new__(cls, value: str) -> Self: ...

    else:

        def __new__(cls, code: str, label: str) -> "Labelled":
            member = str.__new__(cls, code)
            member._value_ = code
            member._text = label
            return member

    @property
    def label(self) -> str:
        """What a person reads for this code, in the language in use."""
        return _(self._text)

    @property
    def source_label(self) -> str:
        """The label in English, whatever the language in use: for machine exports (CSV,
        FHIR), which stay the same on every PC."""
        return self._text


class Role(Labelled):
    TECHNICIAN = "technician", N_("Technician")
    SUPERVISOR = "supervisor", N_("Supervisor")
    ADMIN = "admin", N_("Administrator")


class SessionStatus(Labelled):
    DRAFT = "draft", N_("Draft")
    COMPLETED = "completed", N_("Completed")
    REVIEWED = "reviewed", N_("Reviewed")
    AMENDED = "amended", N_("Amended")
    VOIDED = "voided", N_("Voided")


#: Completed and signed, whether reviewed or amended since: the sessions that count.
SIGNED = (SessionStatus.COMPLETED, SessionStatus.REVIEWED, SessionStatus.AMENDED)


class DeviceKind(Labelled):
    LASER = "laser", N_("Laser")
    IPL = "ipl", N_("Intense pulsed light")
    RF = "rf", N_("Radiofrequency")
    INFRARED = "infrared", N_("Infrared")


class Area(Labelled):
    FOREHEAD = "forehead", N_("Forehead")
    PERIORBITAL = "periorbital", N_("Periorbital")
    CHEEKS = "cheeks", N_("Cheeks")
    PERIORAL = "perioral", N_("Perioral / laugh lines")
    JAWLINE = "jawline", N_("Jawline / jowls")
    SUBMENTAL = "submental", N_("Submental")
    NECK = "neck", N_("Neck")
    DECOLLETAGE = "decolletage", N_("Décolletage")
    ABDOMEN = "abdomen", N_("Abdomen")
    ARMS = "arms", N_("Arms")
    THIGHS = "thighs", N_("Thighs")
    BUTTOCKS = "buttocks", N_("Buttocks")
    KNEES = "knees", N_("Knees")
    HANDS = "hands", N_("Hands")


class ReactionKind(Labelled):
    ERYTHEMA = "erythema", N_("Redness / erythema")
    OEDEMA = "oedema", N_("Swelling / oedema")
    BRUISING = "bruising", N_("Bruising")
    BLISTERING = "blistering", N_("Blistering")
    HYPOPIGMENTATION = "hypopigmentation", N_("Pigment change: hypo")
    HYPERPIGMENTATION = "hyperpigmentation", N_("Pigment change: hyper")
    BURN = "burn", N_("Burn")
    PAIN = "pain", N_("Pain")
    SCARRING = "scarring", N_("Scarring")
    OTHER = "other", N_("Other")


class ReactionOnset(Labelled):
    DURING = "during", N_("During the session")
    IMMEDIATELY = "immediately", N_("Immediately after")
    FOLLOW_UP = "follow_up", N_("At follow-up")


class ParameterSource(Labelled):
    MANUAL = "manual", N_("Entered by hand")
    IMPORT = "import", N_("Imported from a device file")
    SIMULATED = "simulated", N_("Simulated device")


FITZPATRICK_TYPES = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}

REACTION_GRADES = {
    0: N_("0 none"),
    1: N_("1 mild"),
    2: N_("2 moderate"),
    3: N_("3 severe"),
    4: N_("4 serious"),
}

COMMON_TOPICAL_AGENTS = (
    N_("Lidocaine 4% cream"),
    N_("Lidocaine 5% cream"),
    N_("Lidocaine/prilocaine 2.5%/2.5% (EMLA)"),
    N_("Benzocaine/lidocaine/tetracaine (BLT)"),
)


def grade_label(grade: int) -> str:
    """A reaction grade with its word ("2 moderate"), in the language in use."""
    return _(REACTION_GRADES[grade])


def topical_agents() -> tuple[str, ...]:
    """The common topical anaesthetics offered, named in the language in use (the name picked
    is kept as typed text)."""
    return tuple(_(agent) for agent in COMMON_TOPICAL_AGENTS)


class PatchResult(Labelled):
    PENDING = "pending", N_("Not read yet")
    NO_REACTION = "no_reaction", N_("No reaction")
    REACTION = "reaction", N_("Reaction: do not treat at these settings")


class LogKind(Labelled):
    VERIFICATION_PASSED = "verified", N_("Daily verification passed")
    VERIFICATION_FAILED = "failed", N_("Daily verification failed")
    FAULT = "fault", N_("Fault reported")
    REPAIRED = "repaired", N_("Repaired and returned to use")
