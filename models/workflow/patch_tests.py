"""Test patches: a small area treated first and read days later for a reaction.

A rule may require a valid patch for a device, an area, or an area on a device; a session
with that device and area then cannot be completed without one: read at least its
``read_after_days`` after it was done, with no reaction, within ``VALID_FOR``. Administrators
correct and retire rules; a retired rule stays on record and no longer applies.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.access import audit_chain, care
from models.access.permissions import Action, require
from models.errors import NotFound, ValidationFailed
from models.language import _, date_text, ngettext, short_number_text
from models.records.equipment import Device
from models.records.patient_plans import TestPatch, TestPatchRule
from models.records.people import Patient, User
from models.values.parameters import ENERGY, FLUENCE
from models.values.rows import Actor
from models.values.vocabulary import Area, PatchResult

VALID_FOR = timedelta(days=365)
DEFAULT_READ_AFTER_DAYS = 2


@dataclass(frozen=True)
class PatchRow:
    id: int
    device_id: int
    area: str | None
    done_on: date
    fluence_j_cm2: float | None
    energy_j: float | None
    read_after_days: int
    read_on: date | None
    result: str
    note: str

    @property
    def readable_on(self) -> date:
        return self.done_on + timedelta(days=self.read_after_days)

    def valid_for(self, device_id: int, area: str, on: date) -> bool:
        return (self.device_id == device_id and self.area in (None, area)
                and self.result == PatchResult.NO_REACTION and self.read_on is not None
                and self.read_on <= on and on - self.done_on <= VALID_FOR)

    def describe(self) -> str:
        where = Area(self.area).label if self.area else _("any area")
        setting = (f"{short_number_text(self.fluence_j_cm2)} J/cm²" if self.fluence_j_cm2 else
                   f"{short_number_text(self.energy_j)} J" if self.energy_j else
                   _("settings not recorded"))
        if self.read_on is None:
            text = _("{area}, done {done} at {setting}, to read from {day}")
        elif self.result == PatchResult.NO_REACTION:
            text = _("{area}, done {done} at {setting}, read {day}: no reaction")
        elif self.result == PatchResult.REACTION:
            text = _("{area}, done {done} at {setting}, read {day}: reaction: do not treat at "
                     "these settings")
        else:
            text = _("{area}, done {done} at {setting}, read {day}: {result}")
        return text.format(area=where, done=date_text(self.done_on), setting=setting,
                           day=date_text(self.read_on or self.readable_on),
                           result=PatchResult(self.result).label)


@dataclass(frozen=True)
class RuleRow:
    """A rule on the administrator's list."""

    id: int
    device_id: int | None
    device: str | None  # its display name; None: any device
    area: str | None  # None: any area
    created_by: str
    created_at: datetime
    active: bool

    def describe(self) -> str:
        if self.area is None:
            return _("{device}, any area").format(device=self.device or _("Any device"))
        area = Area(self.area).label
        return (f"{self.device}, {area}" if self.device else
                _("Any device, {area}").format(area=area))

    @property
    def state(self) -> str:
        return _("In force") if self.active else _("Retired")


def _row(patch: TestPatch) -> PatchRow:
    return PatchRow(patch.id, patch.device_id, patch.area, patch.done_on, patch.fluence_j_cm2,
                    patch.energy_j, patch.read_after_days, patch.read_on, patch.result,
                    patch.note)


def patches_of(db: Session, actor: Actor, patient_id: int) -> list[PatchRow]:
    require(actor, Action.LOG_SESSION, "test_patch")
    care.require_care(db, actor, patient_id, "test patches")
    return [_row(p) for p in db.scalars(select(TestPatch).where(
        TestPatch.patient_id == patient_id).order_by(TestPatch.done_on.desc(),
                                                     TestPatch.id.desc()))]


def record_test_patch(db: Session, actor: Actor, patient_id: int, device_id: int | None,
                      area: str | None, done_on: date | None, fluence_j_cm2: float | None,
                      energy_j: float | None, read_after_days: int | None,
                      today: date | None = None) -> PatchRow:
    require(actor, Action.LOG_SESSION, "test_patch")
    today = today or date.today()
    if db.get(Patient, patient_id) is None:
        raise NotFound(_("No patient with id {id}").format(id=patient_id))
    problems = {}
    if device_id is None or db.get(Device, device_id) is None:
        problems["device"] = _("Choose the device the patch was done with")
    if area is not None and area not in set(Area):
        problems["area"] = _("Unknown treated area {code}").format(code=repr(area))
    if done_on is None:
        problems["done_on"] = _("Enter the date the patch was done")
    elif done_on > today:
        problems["done_on"] = _("A test patch cannot be done in the future")
    if read_after_days is None or read_after_days < 1:
        problems["read_after_days"] = _("A patch is read at least 1 day after it is done")
    if not (fluence_j_cm2 or energy_j):
        problems["settings"] = _("Enter the fluence or energy the patch was done at")
    for spec, value in ((FLUENCE, fluence_j_cm2), (ENERGY, energy_j)):
        if value is not None and (problem := spec.problem(value)):
            problems["settings"] = problem
    if problems:
        raise ValidationFailed(problems)
    assert done_on is not None  # a missing date is a problem above
    patch = TestPatch(patient_id=patient_id, device_id=device_id, area=area, done_on=done_on,
                      fluence_j_cm2=fluence_j_cm2, energy_j=energy_j,
                      read_after_days=read_after_days, recorded_by_id=actor.id)
    db.add(patch)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="test_patch.record", entity="test_patch",
                       entity_id=patch.id,
                       new={"patient_id": patient_id, "device_id": device_id, "area": area,
                      "done_on": done_on.isoformat(), "fluence_j_cm2": fluence_j_cm2,
                      "energy_j": energy_j, "read_after_days": read_after_days})
    return _row(patch)


def read_test_patch(db: Session, actor: Actor, patch_id: int, read_on: date | None,
                    result: str, note: str = "", today: date | None = None) -> PatchRow:
    """Record what the patch showed, no sooner than its read-after days."""
    require(actor, Action.LOG_SESSION, "test_patch", patch_id)
    patch = db.get(TestPatch, patch_id)
    if patch is None:
        raise NotFound(_("No test patch {id}").format(id=patch_id))
    today = today or date.today()
    problems = {}
    if patch.result != PatchResult.PENDING:
        problems["result"] = _("This patch has been read already")
    elif result not in (PatchResult.NO_REACTION, PatchResult.REACTION):
        problems["result"] = _("Choose what the patch showed")
    readable = _row(patch).readable_on
    if read_on is None:
        problems["read_on"] = _("Enter the date the patch was read")
    elif read_on > today:
        problems["read_on"] = _("A patch cannot be read in the future")
    elif read_on < readable:
        problems["read_on"] = ngettext(
            "Read it at least {n} day after it was done: on or after {day}",
            "Read it at least {n} days after it was done: on or after {day}",
            patch.read_after_days).format(n=patch.read_after_days, day=date_text(readable))
    if problems:
        raise ValidationFailed(problems)
    assert read_on is not None  # a missing date is a problem above
    patch.read_on, patch.result, patch.note = read_on, result, note.strip()
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="test_patch.read", entity="test_patch",
                       entity_id=patch.id, new={"read_on": read_on.isoformat(), "result": result,
                                          "note": patch.note})
    return _row(patch)


def _rule_problems(db: Session, device_id: int | None, area: str | None,
                   rule_id: int | None) -> dict[str, str]:
    """Every problem with what a rule names (``rule_id``: the one being edited)."""
    if device_id is None and area is None:
        return {"rule": _("Name the device, the area or both")}
    problems = {}
    if area is not None and area not in set(Area):
        problems["area"] = _("Unknown treated area {code}").format(code=repr(area))
    if device_id is not None:
        device = db.get(Device, device_id)
        if device is None or not device.active:
            problems["rule"] = _("Choose a device in use")
    same = select(TestPatchRule.id).where(
        TestPatchRule.active,
        TestPatchRule.device_id.is_(None) if device_id is None
        else TestPatchRule.device_id == device_id,
        TestPatchRule.area.is_(None) if area is None else TestPatchRule.area == area)
    if rule_id is not None:
        same = same.where(TestPatchRule.id != rule_id)
    if not problems and db.scalar(same) is not None:
        problems["rule"] = _("The same rule is in force already")
    return problems


def list_rules(db: Session, actor: Actor) -> list[RuleRow]:
    """Every rule ever made, those in force first, newest first."""
    require(actor, Action.MANAGE_DEVICES, "test_patch_rule")
    rows = db.execute(
        select(TestPatchRule, Device, User.full_name)
        .outerjoin(Device, Device.id == TestPatchRule.device_id)
        .join(User, User.id == TestPatchRule.created_by_id)
        .order_by(TestPatchRule.active.desc(), TestPatchRule.created_at.desc(),
                  TestPatchRule.id.desc()))
    return [RuleRow(rule.id, rule.device_id,
                    None if device is None else f"{device.make} {device.model} "
                                                f"({device.serial})",
                    rule.area, by, rule.created_at, rule.active)
            for rule, device, by in rows]


def _rule(db: Session, rule_id: int) -> TestPatchRule:
    rule = db.get(TestPatchRule, rule_id)
    if rule is None:
        raise NotFound(_("No test patch rule {id}").format(id=rule_id))
    return rule


def edit_rule(db: Session, actor: Actor, rule_id: int, device_id: int | None,
              area: str | None) -> None:
    """Correct what a rule in force names; from now on sessions are checked against that."""
    require(actor, Action.MANAGE_DEVICES, "test_patch_rule", rule_id)
    rule = _rule(db, rule_id)
    problems = _rule_problems(db, device_id, area, rule_id)
    if not rule.active:
        problems = {"rule": _("This rule is retired; add a new one instead")}
    elif not problems and (rule.device_id, rule.area) == (device_id, area):
        problems["rule"] = _("Nothing was changed")
    if problems:
        raise ValidationFailed(problems)
    old = {"device_id": rule.device_id, "area": rule.area}
    rule.device_id, rule.area = device_id, area
    audit_chain.record(db, actor_id=actor.id, action="test_patch_rule.edit",
                       entity="test_patch_rule", entity_id=rule.id, old=old,
                       new={"device_id": device_id, "area": area})


def retire_rule(db: Session, actor: Actor, rule_id: int, reason: str) -> None:
    """Stop requiring what the rule required; it stays on record."""
    require(actor, Action.MANAGE_DEVICES, "test_patch_rule", rule_id)
    rule = _rule(db, rule_id)
    if not rule.active:
        raise ValidationFailed({"rule": _("This rule is retired already")})
    if not reason.strip():
        raise ValidationFailed({"reason": _("Say why the rule no longer applies")})
    rule.active = False
    audit_chain.record(db, actor_id=actor.id, action="test_patch_rule.retire",
                       entity="test_patch_rule", entity_id=rule.id, old={"active": True},
                       new={"active": False}, reason=reason.strip())


def require_test_patch(db: Session, actor: Actor, device_id: int | None, area: str | None
                       ) -> None:
    """From now on, sessions with this device and/or on this area need a valid patch."""
    require(actor, Action.MANAGE_DEVICES, "test_patch_rule")
    problems = _rule_problems(db, device_id, area, None)
    if problems:
        raise ValidationFailed(problems)
    rule = TestPatchRule(device_id=device_id, area=area, created_by_id=actor.id)
    db.add(rule)
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="test_patch_rule.create",
                       entity="test_patch_rule", entity_id=rule.id,
                       new={"device_id": device_id, "area": area})


def patches_missing(db: Session, patient_id: int, device_id: int | None, areas: list[str],
                    on: date) -> dict[str, str]:
    """Per area that a rule covers with this device and that has no valid patch, why."""
    if device_id is None or not areas:
        return {}
    rules = db.scalars(select(TestPatchRule).where(
        TestPatchRule.active,
        or_(TestPatchRule.device_id == device_id, TestPatchRule.device_id.is_(None)),
        or_(TestPatchRule.area.in_(areas), TestPatchRule.area.is_(None)))).all()
    covered = {area for area in areas for rule in rules
               if rule.area in (None, area) and rule.device_id in (None, device_id)}
    if not covered:
        return {}
    patches = [_row(p) for p in db.scalars(select(TestPatch).where(
        TestPatch.patient_id == patient_id, TestPatch.device_id == device_id))]
    return {area: _("{area} needs a test patch with this device, read with no reaction in the "
                    "last {days} days: record it first").format(area=Area(area).label,
                                                                days=VALID_FOR.days)
            for area in sorted(covered)
            if not any(p.valid_for(device_id, area, on) for p in patches)}
