"""Controlled vocabularies stored as short codes, each with the label a user reads."""

from enum import StrEnum
from typing import TYPE_CHECKING, Self


class Labelled(StrEnum):
    """A code stored in the database with a human label (the enum member's ``label``)."""

    label: str

    if TYPE_CHECKING:
        # After the class is built, Enum swaps the ``__new__`` below for its own lookup by
        # code (``Area("neck")``); mypy would otherwise ask every lookup for a label.
        def __new__(cls, value: str) -> Self: ...

    else:

        def __new__(cls, code: str, label: str) -> "Labelled":
            member = str.__new__(cls, code)
            member._value_ = code
            member.label = label
            return member


class Role(Labelled):
    TECHNICIAN = "technician", "Technician"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Administrator"


class SessionStatus(Labelled):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    REVIEWED = "reviewed", "Reviewed"
    AMENDED = "amended", "Amended"
    VOIDED = "voided", "Voided"


#: Completed and signed, whether reviewed or amended since: the sessions that count.
SIGNED = (SessionStatus.COMPLETED, SessionStatus.REVIEWED, SessionStatus.AMENDED)


class DeviceKind(Labelled):
    LASER = "laser", "Laser"
    IPL = "ipl", "Intense pulsed light"
    RF = "rf", "Radiofrequency"
    INFRARED = "infrared", "Infrared"


class Area(Labelled):
    FOREHEAD = "forehead", "Forehead"
    PERIORBITAL = "periorbital", "Periorbital"
    CHEEKS = "cheeks", "Cheeks"
    PERIORAL = "perioral", "Perioral / laugh lines"
    JAWLINE = "jawline", "Jawline / jowls"
    SUBMENTAL = "submental", "Submental"
    NECK = "neck", "Neck"
    DECOLLETAGE = "decolletage", "Décolletage"
    ABDOMEN = "abdomen", "Abdomen"
    ARMS = "arms", "Arms"
    THIGHS = "thighs", "Thighs"
    BUTTOCKS = "buttocks", "Buttocks"
    KNEES = "knees", "Knees"
    HANDS = "hands", "Hands"


class ReactionKind(Labelled):
    ERYTHEMA = "erythema", "Redness / erythema"
    OEDEMA = "oedema", "Swelling / oedema"
    BRUISING = "bruising", "Bruising"
    BLISTERING = "blistering", "Blistering"
    HYPOPIGMENTATION = "hypopigmentation", "Pigment change: hypo"
    HYPERPIGMENTATION = "hyperpigmentation", "Pigment change: hyper"
    BURN = "burn", "Burn"
    PAIN = "pain", "Pain"
    SCARRING = "scarring", "Scarring"
    OTHER = "other", "Other"


class ReactionOnset(Labelled):
    DURING = "during", "During the session"
    IMMEDIATELY = "immediately", "Immediately after"
    FOLLOW_UP = "follow_up", "At follow-up"


class ParameterSource(Labelled):
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "Imported from a device file"
    SIMULATED = "simulated", "Simulated device"


FITZPATRICK_TYPES = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}

REACTION_GRADES = {
    0: "0 none",
    1: "1 mild",
    2: "2 moderate",
    3: "3 severe",
    4: "4 serious",
}

COMMON_TOPICAL_AGENTS = (
    "Lidocaine 4% cream",
    "Lidocaine 5% cream",
    "Lidocaine/prilocaine 2.5%/2.5% (EMLA)",
    "Benzocaine/lidocaine/tetracaine (BLT)",
)


class PatchResult(Labelled):
    PENDING = "pending", "Not read yet"
    NO_REACTION = "no_reaction", "No reaction"
    REACTION = "reaction", "Reaction: do not treat at these settings"


class LogKind(Labelled):
    VERIFICATION_PASSED = "verified", "Daily verification passed"
    VERIFICATION_FAILED = "failed", "Daily verification failed"
    FAULT = "fault", "Fault reported"
    REPAIRED = "repaired", "Repaired and returned to use"
