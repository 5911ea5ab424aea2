"""Input the tests share: a screening that lets a session be completed."""

from datetime import date

from models.values.screening import ChecklistItem, ScreeningInput

#: Skin type III, nothing contraindicated, consent signed, every checklist item ticked.
SCREENED = ScreeningInput(fitzpatrick=3, consent_version="LL-consent v3",
                          consent_signed_on=date(2026, 1, 5),
                          checklist=frozenset(ChecklistItem))
