"""Input the tests share: a screening that lets a session be completed, and the password of
the accounts the fixtures make (a signature confirms it)."""

from datetime import UTC, date, datetime, timedelta

from models.values.screening import ChecklistItem, ScreeningInput

#: Skin type III, nothing contraindicated, consent signed, every checklist item ticked.
SCREENED = ScreeningInput(fitzpatrick=3, consent_version="LL-consent v3",
                          consent_signed_on=date(2026, 1, 5),
                          checklist=frozenset(ChecklistItem))

#: When the tests' patients signed their consent: before any session a test sets in the past,
#: and still valid today under the default twelve months.
CONSENTED_AT = datetime.now(UTC) - timedelta(days=330)

#: The password of every account tests/conftest.py makes.
PASSWORD = "correct horse"


def complete(db, technician, draft_id, entry):
    """Complete and sign a draft as its technician does: their password confirmed first. A
    session set days back (history for a screen to show) is logged late, with a reason."""
    from dataclasses import replace

    from models.access import accounts
    from models.workflow import session_logging

    entry = replace(entry, late_reason=entry.late_reason or "entered from the paper record")
    signature = accounts.confirm_signature(db, technician, PASSWORD)
    return session_logging.complete_session(db, technician, draft_id, entry, signature)


#: A signature drawn on screen: two strokes, as fractions of the box.
STROKES = [[(0.1, 0.5), (0.2, 0.4), (0.3, 0.6), (0.4, 0.45), (0.5, 0.55)],
           [(0.55, 0.3), (0.6, 0.7), (0.7, 0.5), (0.8, 0.6)]]
#: What the signature box renders (a PNG's first bytes are all the core checks).
RENDERING = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_consent(db, technician, patient_id, signed_at=None):
    """The patient signs the consent form in force, witnessed by the technician; a session
    in the past needs a consent signed before it (``signed_at``)."""
    from models.access import accounts
    from models.clinic import consent_forms

    document = consent_forms.in_force(db)
    signature = accounts.confirm_signature(db, technician, PASSWORD)
    return consent_forms.sign_consent(db, technician, patient_id, document.id, "Pat Doe",
                                      STROKES, RENDERING, signature, signed_at=signed_at)
