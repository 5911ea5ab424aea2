"""Input the tests share: a screening that lets a session be completed, and the password of
the accounts the fixtures make (a signature confirms it)."""

from datetime import date

from models.values.screening import ChecklistItem, ScreeningInput

#: Skin type III, nothing contraindicated, consent signed, every checklist item ticked.
SCREENED = ScreeningInput(fitzpatrick=3, consent_version="LL-consent v3",
                          consent_signed_on=date(2026, 1, 5),
                          checklist=frozenset(ChecklistItem))

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
