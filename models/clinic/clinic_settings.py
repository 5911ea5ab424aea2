"""Clinic-wide settings kept in the database, so every PC works to the same rules.

Each has a default, a range and a label; an administrator changes them (audited), from the
Administration screen or ``python main.py setting NAME VALUE``.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import ValidationFailed
from models.records.clinic_config import ClinicSetting
from models.storage.base import utc_now
from models.values.rows import Actor


@dataclass(frozen=True)
class SettingSpec:
    name: str
    label: str
    default: int
    low: int
    high: int
    unit: str


SPECS = {spec.name: spec for spec in (
    SettingSpec("change_limit_percent", "Change in fluence or energy that needs a reason",
                20, 1, 100, "%"),
    SettingSpec("incident_due_hours", "Time to file an incident report", 24, 1, 168,
                "hours"),
    SettingSpec("course_sessions", "Sessions in a new course", 6, 1, 50, "sessions"),
    SettingSpec("course_interval_days", "Days between course sessions", 21, 1, 365, "days"),
)}


@dataclass(frozen=True)
class ClinicRules:
    """Every setting's current value; what the operations and the form work to."""

    change_limit_percent: int = SPECS["change_limit_percent"].default
    incident_due_hours: int = SPECS["incident_due_hours"].default
    course_sessions: int = SPECS["course_sessions"].default
    course_interval_days: int = SPECS["course_interval_days"].default

    @property
    def change_limit(self) -> float:
        return self.change_limit_percent / 100


def rules(db: Session) -> ClinicRules:
    stored = {row.name: row.value for row in db.scalars(select(ClinicSetting))
              if row.name in SPECS}
    return ClinicRules(**stored)


def change_setting(db: Session, actor: Actor, name: str, value: int | None) -> ClinicRules:
    require(actor, Action.MANAGE_CLINIC_SETTINGS, "clinic_setting", name)
    spec = SPECS.get(name)
    if spec is None:
        raise ValidationFailed({"name": f"No clinic setting {name!r}; the settings are "
                                        f"{', '.join(SPECS)}"})
    if value is None or not spec.low <= value <= spec.high:
        raise ValidationFailed({name: f"{spec.label}: from {spec.low} to {spec.high} "
                                      f"{spec.unit}"})
    row = db.get(ClinicSetting, name)
    old = row.value if row else spec.default
    if row is None:
        db.add(ClinicSetting(name=name, value=value, changed_by_id=actor.id))
    else:
        row.value, row.changed_at, row.changed_by_id = value, utc_now(), actor.id
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="clinic.setting", entity="clinic_setting",
                       entity_id=name, old={name: old}, new={name: value})
    return rules(db)
