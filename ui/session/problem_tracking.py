"""Which problems the form shows as it is typed: plain Python, no widgets.

What cannot be read (``abc`` as a duration) or is wrong as typed (-5 minutes, a start in the
future) shows as soon as it is typed; what is merely missing waits. Once Complete has
been tried, the completion rules run on every change too, so their messages change and clear
with the fields. What only the database can know (a test patch missing, a certification
expired) stays until the part of the session it is about changes, then waits for the next
try.
"""

from dataclasses import dataclass, field

from models.values.session_input import SessionInput, problems_for_completion, problems_in


def part_of(entry: SessionInput, key: str) -> object:
    """The part of ``entry`` a problem ``key`` is about (None: about none in particular)."""
    if key.startswith("areas."):
        code = key.split(".")[1]
        return next((area for area in entry.areas if area.area == code), None)
    if key.startswith("screening."):
        return entry.screening
    if key in ("started_at", "late_reason"):
        return entry.started_at, entry.late_reason
    if key == "device":
        return entry.device_id
    return None


@dataclass
class StandingProblems:
    tried: bool = False  # Complete was pressed for this draft
    sent_entry: SessionInput | None = None  # what the last refused completion was given
    refusals: dict[str, str] = field(default_factory=dict)  # what the database said then

    def sent(self, entry: SessionInput) -> None:
        self.sent_entry = entry

    def refused(self, problems: dict[str, str]) -> None:
        self.refusals = dict(problems)

    def now(self, entry: SessionInput, unreadable: dict[str, str]) -> dict[str, str]:
        """The problems to show for ``entry`` as it is now."""
        if not self.tried:
            return problems_in(entry) | unreadable
        standing = {}
        if self.sent_entry is not None:
            standing = {key: text for key, text in self.refusals.items()
                        if part_of(entry, key) == part_of(self.sent_entry, key)}
        return standing | problems_for_completion(entry) | unreadable
