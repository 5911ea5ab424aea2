"""How recorded values read on screen: local times, minutes, vocabulary labels, in the
language and the locale's formats in use."""

from datetime import datetime

from models.language import datetime_text, number_text
from models.values.rows import ReactionRow
from models.values.vocabulary import Area, ReactionKind, SessionStatus
from ui.language import tr


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else datetime_text(moment)


def minutes(duration_s: int | None) -> str:
    if duration_s is None:
        return ""
    return tr("{minutes} min").format(minutes=number_text(duration_s / 60))


def area_labels(codes: tuple[str, ...]) -> str:
    return ", ".join(Area(code).label for code in codes)


def reaction_text(reaction: ReactionRow | None) -> str:
    if reaction is None:
        return tr("none", "no reaction")
    return tr("{reaction} {grade}").format(reaction=ReactionKind(reaction.kind).label,
                                           grade=reaction.grade)


def status_label(status: str) -> str:
    return SessionStatus(status).label
