"""The standard poses of each treated area's photos, as the clinic keeps them: the defaults of
resources/photo_poses.toml until an administrator changes an area's list.

An area's list is kept as a clinic setting named ``poses.<area>`` (one pose per line), so every
PC offers the same poses. Photos already taken keep the pose they were taken in, whatever the
list says later.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import ValidationFailed
from models.language import _
from models.records.clinic_config import ClinicSetting
from models.storage.base import utc_now
from models.values.photo_poses import OTHER_POSE, default_poses, spelling, with_other
from models.values.rows import Actor
from models.values.vocabulary import Area

PREFIX = "poses."
MOST_POSES = 12
LONGEST_POSE = 40


@dataclass(frozen=True)
class AreaPoses:
    """One area's poses (without "other", which every area offers last) and whether the
    clinic changed them from the defaults."""

    area: str
    poses: tuple[str, ...]
    changed: bool


def area_poses(db: Session) -> list[AreaPoses]:
    """Every area's poses, in the areas' order."""
    kept = {row.name.removeprefix(PREFIX): tuple((row.text_value or "").splitlines())
            for row in db.scalars(select(ClinicSetting)
                                  .where(ClinicSetting.name.startswith(PREFIX)))}
    defaults = default_poses()
    return [AreaPoses(area.value, kept.get(area.value, defaults[area.value]),
                      area.value in kept) for area in Area]


def poses(db: Session) -> dict[str, tuple[str, ...]]:
    """Each area's poses as offered, in the order they are taken, "other" last."""
    return {row.area: with_other(row.poses) for row in area_poses(db)}


def poses_of(db: Session, area: str) -> tuple[str, ...]:
    return poses(db).get(area, (OTHER_POSE,))


def cleaned(lines: Iterable[str]) -> tuple[str, ...]:
    """The poses typed, one per line: outer spaces dropped, blank lines skipped; checked."""
    kept = tuple(" ".join(line.split()) for line in lines if line.strip())
    problems: list[str] = []
    if not kept:
        problems.append(_("Give at least one pose (\"other\" is always offered too)"))
    elif len(kept) > MOST_POSES:
        problems.append(_("At most {n} poses").format(n=MOST_POSES))
    seen: dict[str, str] = {}  # each pose as a file name spells it
    for pose in kept:
        key = spelling(pose)
        if pose.casefold() == OTHER_POSE:
            problems.append(_("\"other\" is always offered last: leave it out"))
        elif key in seen:
            problems.append(_("{pose} is listed twice").format(pose=pose)
                            if seen[key].casefold() == pose.casefold() else
                            _("{first} and {pose} are spelt alike in a file name").format(
                                first=seen[key], pose=pose))
        elif len(pose) > LONGEST_POSE:
            problems.append(_("{start}…: at most {n} characters a pose").format(
                start=pose[:20], n=LONGEST_POSE))
        elif any(unicodedata.category(c).startswith("C") for c in pose):
            problems.append(_("{pose} holds a character that cannot be shown").format(
                pose=repr(pose)))
        seen[key] = pose
    if problems:
        raise ValidationFailed({"poses": problems[0]})
    return kept


def change_poses(db: Session, actor: Actor, area: str, lines: Iterable[str] | None
                 ) -> AreaPoses:
    """Keep ``area``'s poses as typed (None: back to the defaults), audited. Photos taken
    already keep their pose."""
    require(actor, Action.MANAGE_CLINIC_SETTINGS, "clinic_setting", PREFIX + area)
    if area not in set(Area):
        raise ValidationFailed({"area": _("Unknown area {area}").format(area=repr(area))})
    old = next(row for row in area_poses(db) if row.area == area)
    new = default_poses()[area] if lines is None else cleaned(lines)
    row = db.get(ClinicSetting, PREFIX + area)
    if new == default_poses()[area]:  # the defaults are kept as no setting at all
        if row is not None:
            db.delete(row)
    elif row is None:
        db.add(ClinicSetting(name=PREFIX + area, value=0, text_value="\n".join(new),
                             changed_by_id=actor.id))
    elif new != old.poses:
        row.text_value, row.changed_at, row.changed_by_id = "\n".join(new), utc_now(), actor.id
    db.flush()
    if new != old.poses:
        audit_chain.record(db, actor_id=actor.id, action="clinic.photo_poses",
                           entity="clinic_setting", entity_id=PREFIX + area,
                           old={"poses": list(old.poses)}, new={"poses": list(new)})
    return next(row for row in area_poses(db) if row.area == area)
