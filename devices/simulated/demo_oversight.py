"""What the demo clinic's supervisor, administrator and technicians did after the sessions
were logged, through the operations the screens call: follow-ups and incidents, reviews,
amendments, the devices' tips, checks and faults, and records retired.

The states are placed relative to the demo's day, so that each screen a supervisor or an
administrator opens shows them: the last week's sessions and a few older ones await review
(a reaction of each grade among them); one incident is open and due today, one is overdue and
the rest are filed; amended sessions await review again, the first of them reviewed since.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from models.clinic import device_register, device_upkeep
from models.reading import history
from models.review import review_queue, supervision
from models.values.rows import Actor, IncidentRow, Signature
from models.values.session_input import ReactionInput, SessionInput
from models.values.vocabulary import (
    COMMON_TOPICAL_AGENTS,
    Area,
    DeviceKind,
    LogKind,
    ReactionKind,
    ReactionOnset,
)
from models.workflow import incidents, patch_tests

REVIEW_LAG_DAYS = 7  # the supervisor signs off sessions older than this
#: Handpieces and tips fitted now, by device kind; a first one replaced by the second.
TIPS = {
    DeviceKind.LASER: (("Nd:YAG handpiece, 10 mm spot", 2_000_000),),
    DeviceKind.IPL: (("IPL lamp cartridge, 1st", 150_000), ("IPL lamp cartridge, 2nd", 150_000)),
    DeviceKind.RF: (("RF tip 16 mm, face", 1_200),),
    DeviceKind.INFRARED: (("IR handpiece, 25 mm window", 500_000),),
}
#: A fault found and repaired (infrared), and one reported and still open (RF).
REPAIRED_FAULT = ("Cooling fan noisy; skin temperature read 2 °C high on the test block",
                  "Fan replaced by the service engineer; temperature reads true again")
OPEN_FAULT = ("Impedance check on the test block read 18 % high",
              "Impedance reading unstable on the face tip; service visit booked, use the "
              "infrared device meanwhile")
FOLLOW_UP_NOTES = {
    0: "Settled; nothing to see at the review call",
    1: "Fading; aftercare repeated (cool compresses, SPF 50, no sun for two weeks)",
    2: "Still visible; photographed, review again in a week",
}
REPORTS = (
    "Seen by the supervisor the same day: the area was cooled and dressed and the aftercare "
    "repeated (no sun, SPF 50). Settings for the area lowered by 15 % for the next session; "
    "follow-up booked in one week.",
    "Patient phoned the clinic and was seen the next morning. Referred to the supervising "
    "doctor, who advised a topical treatment. Test patch to be repeated before any further "
    "session on the area.",
)


@dataclass(frozen=True)
class LoggedSession:
    """A demo session as it was signed: what the oversight below chooses from."""

    id: int
    started_at: datetime
    technician: Actor
    reactions: tuple[ReactionInput, ...]

    @property
    def worst_grade(self) -> int:
        return max((reaction.grade for reaction in self.reactions), default=0)


@dataclass(frozen=True)
class Oversight:
    """Who oversees the demo clinic, and the demo's day."""

    admin: Actor
    supervisor: Actor
    signature: Signature  # the supervisor's, for amendments
    now: datetime  # the demo's moment

    @property
    def today(self) -> date:
        return self.now.astimezone().date()


def add_oversight(db: Session, who: Oversight, logged: list[LoggedSession],
                  seed: int) -> None:
    """Follow-ups and incidents, then reviews and amendments, of the ``logged`` sessions
    (oldest first)."""
    rnd = random.Random(seed * 1_000_003 + 17)  # apart from the sessions' own stream
    older = [s for s in logged if _days_before(s, who.today) > REVIEW_LAG_DAYS]
    _follow_ups(db, rnd, who.today, logged)
    open_ones = _file_incidents(db, who)
    pending = _kept_pending(older) | {incident.session_id for incident in open_ones}
    _review(db, who.supervisor, {s.id for s in older} - pending)
    _amend(db, who, [s for s in older if s.id not in pending and s.worst_grade < 3],
           count=max(3, len(logged) // 50))


def _days_before(session: LoggedSession, today: date) -> int:
    return (today - session.started_at.astimezone().date()).days


def _follow_ups(db: Session, rnd: random.Random, today: date,
                logged: list[LoggedSession]) -> None:
    """Follow-ups by the treating technician: reactions of grade 2 or more seen again days
    later, mostly better; a pigment change found weeks later (an incident, overdue by now);
    and one found today (an incident due by tonight)."""
    seen = [s for s in logged if _days_before(s, today) > 4 and s.worst_grade >= 2]
    routine = [s for s in seen if s.worst_grade == 2][::3][:max(3, len(logged) // 12)]
    for session in routine + [s for s in seen if s.worst_grade >= 3]:
        worst = max(session.reactions, key=lambda reaction: reaction.grade)
        better = rnd.choice((1, 2))
        grade = max(0, worst.grade - (2 if worst.grade >= 3 else better))  # healing
        observed = session.started_at.astimezone().date() + timedelta(days=rnd.randint(2, 4))
        incidents.record_follow_up(
            db, session.technician, session.id, worst.kind, grade, observed,
            resolved_on=observed if grade == 0 else None, note=FOLLOW_UP_NOTES[min(grade, 2)],
            today=today)
    calm = [s for s in logged if s.reactions and s.worst_grade < 3]
    weeks_ago = [s for s in calm if _days_before(s, today) > 45]
    picked = sorted({int(len(weeks_ago) * share) for share in (0.3, 0.8)}) if weeks_ago else []
    for session in (weeks_ago[index] for index in picked):
        observed = session.started_at.astimezone().date() + timedelta(days=rnd.randint(14, 28))
        incidents.record_follow_up(
            db, session.technician, session.id, ReactionKind.HYPERPIGMENTATION, 3, observed,
            note="Darker patch over the treated area; photographed, patient referred to the "
                 "supervising doctor", today=today)
    recent = [s for s in calm if 10 <= _days_before(s, today) <= 60]
    if recent:
        incidents.record_follow_up(
            db, recent[-1].technician, recent[-1].id, ReactionKind.HYPOPIGMENTATION, 3, today,
            note="Pale patch the patient noticed; seen at the clinic today", today=today)


def _file_incidents(db: Session, who: Oversight) -> list[IncidentRow]:
    """File every open incident but two of grade 3 (a grade 4 is never left waiting): the
    one due soonest that is not overdue yet, and the latest of those overdue. Return the two
    left open."""
    waiting = incidents.list_incidents(db, who.supervisor)  # soonest due first
    current = [row for row in waiting if not row.overdue(who.now) and row.grade < 4][:1]
    overdue = [row for row in waiting if row.overdue(who.now) and row.grade < 4]
    kept = current + overdue[-1:]
    for number, row in enumerate(r for r in waiting if r not in kept):
        report = (f"{ReactionKind(row.kind).source_label} (grade {row.grade}) after the session of "
                  f"{row.session_started_at.astimezone():%Y-%m-%d}. "
                  f"{REPORTS[number % len(REPORTS)]}")
        incidents.file_incident(db, who.supervisor, row.id, report)
    return kept


def _kept_pending(older: list[LoggedSession]) -> set[int]:
    """The supervisor's backlog: the newest older session of each worst grade."""
    kept = {}
    for session in older:  # oldest first: the newest of each grade stays
        kept[session.worst_grade] = session.id
    return set(kept.values())


def _review(db: Session, supervisor: Actor, ids: set[int]) -> None:
    """Sign off the sessions ``ids`` as the review queue does: page by page, the unflagged
    ones at once and each flagged one on its own, each with the version shown."""
    after = None
    while True:
        page = review_queue.queue_page(db, supervisor, after)
        chosen = [item for item in page.items if item.session_id in ids]
        supervision.sign_off_unflagged(db, supervisor, chosen)
        for item in chosen:
            if item.flags:
                supervision.review_session(db, supervisor, item.session_id, item.version)
        if page.next_cursor is None:
            return
        after = page.next_cursor


def _amend(db: Session, who: Oversight, reviewed: list[LoggedSession], count: int) -> None:
    """Amend ``count`` of the reviewed sessions, spread over the year, each a different kind
    of correction; the amendment withdraws the review, and the first is reviewed again."""
    count = min(count, len(reviewed))
    chosen = [reviewed[(2 * n + 1) * len(reviewed) // (2 * count)] for n in range(count)]
    for number, session in enumerate(chosen):
        entry = history.entry_of(history.load_session(db, session.id))
        changed, reason = _correction(entry, number)
        detail = supervision.amend_session(db, who.supervisor, session.id, changed, reason,
                                           signature=who.signature)
        if number == 0:
            supervision.review_session(db, who.supervisor, detail.summary.id)


def _correction(entry: SessionInput, number: int) -> tuple[SessionInput, str]:
    """One of four corrections a supervisor makes on review, and its reason."""
    kind = number % 4
    if kind == 0:
        minutes = (entry.duration_s or 0) // 60
        return (replace(entry, duration_s=(minutes + 10) * 60),
                f"The session took {minutes + 10} minutes, not {minutes}: corrected from the "
                "room's appointment log")
    if kind == 1:
        listed = {reaction.kind for reaction in entry.reactions}
        missed = next(k for k in (ReactionKind.BRUISING, ReactionKind.OEDEMA,
                                  ReactionKind.ERYTHEMA, ReactionKind.OTHER) if k not in listed)
        reaction = ReactionInput(missed, 1, "Seen at check-out by the front desk",
                                 ReactionOnset.IMMEDIATELY)
        return (replace(entry, reactions=(*entry.reactions, reaction)),
                f"{ReactionKind(missed).source_label} seen at check-out was left off the record")
    if kind == 2:
        assert entry.started_at is not None  # a signed session has its start
        agent = next(a for a in COMMON_TOPICAL_AGENTS if a != entry.anaesthetic_agent)
        applied = entry.anaesthetic_applied_at or entry.started_at - timedelta(minutes=30)
        return (replace(entry, anaesthetic_agent=agent, anaesthetic_applied_at=applied),
                f"The topical anaesthetic used was {agent}: corrected from the stock log")
    areas = ", ".join(Area(area.area).source_label.lower() for area in entry.areas)
    notes = f"{entry.notes} " if entry.notes else ""
    return (replace(entry, notes=f"{notes}Aftercare sheet given for the {areas}; SPF 50 for two "
                                 "weeks."),
            "The aftercare advice given at the session was not written down")


def add_device_upkeep(db: Session, who: Oversight, technician: Actor,
                      in_use: list[tuple[int, str]]) -> None:
    """Tips fitted to each device in use (``in_use``: id and kind), today's checks, a fault
    repaired and a fault still open."""
    for device_id, kind in in_use:
        for name, rated in TIPS[DeviceKind(kind)]:
            device_upkeep.fit_tip(db, who.admin, device_id, name, rated)
        if kind == DeviceKind.RF:
            device_upkeep.log_device(db, technician, device_id, LogKind.VERIFICATION_FAILED,
                                     OPEN_FAULT[0])
            device_upkeep.log_device(db, technician, device_id, LogKind.FAULT, OPEN_FAULT[1])
            continue
        if kind == DeviceKind.INFRARED:
            device_upkeep.log_device(db, technician, device_id, LogKind.FAULT,
                                     REPAIRED_FAULT[0])
            device_upkeep.log_device(db, who.admin, device_id, LogKind.REPAIRED,
                                     REPAIRED_FAULT[1])
        device_upkeep.log_device(db, technician, device_id, LogKind.VERIFICATION_PASSED)


def retire_records(db: Session, who: Oversight, old_device: tuple[int, str] | None,
                   rule_id: int | None) -> None:
    """The device a newer one replaced, and a test-patch rule the clinic dropped: retired,
    never deleted."""
    if old_device is not None:
        device_id, successor = old_device
        device_register.retire_device(
            db, who.admin, device_id,
            f"Replaced by {successor}; kept on record with the sessions logged on it")
    if rule_id is not None:
        patch_tests.retire_rule(
            db, who.admin, rule_id,
            "The manufacturer's updated guidance no longer asks for a patch on this area")
