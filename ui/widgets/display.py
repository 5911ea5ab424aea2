"""How recorded values read on screen: local times, minutes, vocabulary labels."""

from datetime import datetime

from models.values.rows import ReactionRow
from models.values.vocabulary import Area, ReactionKind, SessionStatus


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def minutes(duration_s: int | None) -> str:
    return "" if duration_s is None else f"{duration_s / 60:.0f} min"


def area_labels(codes: tuple[str, ...]) -> str:
    return ", ".join(Area(code).label for code in codes)


def reaction_text(reaction: ReactionRow | None) -> str:
    if reaction is None:
        return "none"
    return f"{ReactionKind(reaction.kind).label} {reaction.grade}"


def status_label(status: str) -> str:
    return SessionStatus(status).label
