"""Clinic-wide settings kept in the database, so every PC works to the same rules.

Each has a default and a label; a number has a range and a unit, a text a length limit. An
administrator changes them (audited), from the Administration screen or
``python main.py setting NAME VALUE``.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import ValidationFailed
from models.language import N_, _
from models.records.clinic_config import ClinicSetting
from models.records.patient_plans import Course
from models.storage import sql_dates
from models.storage.base import utc_now
from models.values.rows import Actor


@dataclass(frozen=True)
class SettingSpec:
    """A whole-number setting from ``low`` to ``high``; its label and unit kept in English
    (``source_label``, ``source_unit``), read in the language in use (``label``, ``unit``)."""

    name: str
    source_label: str
    default: int
    low: int
    high: int
    source_unit: str

    @property
    def label(self) -> str:
        return _(self.source_label)

    @property
    def unit(self) -> str:
        return _(self.source_unit) if self.source_unit else ""

    @property
    def yes_no(self) -> bool:
        """A switch: 0 is no, 1 is yes."""
        return (self.low, self.high) == (0, 1)

    def problem(self, value: int | str | None) -> str:
        """What is wrong with ``value`` for this setting ("" when nothing)."""
        if isinstance(value, int) and not isinstance(value, bool) \
                and self.low <= value <= self.high:
            return ""
        if self.yes_no:
            return _("{setting}: 0 (no) or 1 (yes)").format(setting=self.label)
        return _("{setting}: from {low} to {high} {unit}").format(
            setting=self.label, low=self.low, high=self.high, unit=self.unit)


@dataclass(frozen=True)
class TextSettingSpec:
    """A text setting of at most ``max_length`` characters (outer spaces dropped)."""

    name: str
    source_label: str
    default: str = ""
    max_length: int = 200

    @property
    def label(self) -> str:
        return _(self.source_label)

    def problem(self, value: int | str | None) -> str:
        if not isinstance(value, str):
            return _("{setting}: a text").format(setting=self.label)
        if len(value.strip()) > self.max_length:
            return _("{setting}: at most {n} characters").format(setting=self.label,
                                                                 n=self.max_length)
        return ""


SPECS: dict[str, SettingSpec | TextSettingSpec] = {spec.name: spec for spec in (
    SettingSpec("change_limit_percent", N_("Change in fluence or energy that needs a reason"),
                20, 1, 100, "%"),
    SettingSpec("incident_due_hours", N_("Time to file an incident report"), 24, 1, 168,
                N_("hours")),
    SettingSpec("course_sessions", N_("Sessions in a new course"), 6, 1, 50, N_("sessions")),
    SettingSpec("course_interval_days", N_("Days between course sessions"), 21, 1, 365,
                N_("days")),
    SettingSpec("course_lapse_intervals", N_("A course with no session for this many "
                                             "intervals has lapsed"), 3, 1, 20,
                N_("intervals")),
    SettingSpec("consent_valid_months", N_("How long a patient's signed consent stays valid"),
                12, 1, 120, N_("months")),
    SettingSpec("late_entry_hours", N_("A session logged this long after its start needs a "
                                       "reason"), 24, 1, 720, N_("hours")),
    SettingSpec("allow_uncertified", N_("Technicians with no certification recorded may "
                                        "complete sessions"), 0, 0, 1, ""),
    TextSettingSpec("clinic_name", N_("Clinic name")),
    TextSettingSpec("clinic_address", N_("Clinic address")),
    TextSettingSpec("clinic_phone", N_("Clinic phone")),
    SettingSpec("photo_long_side", N_("Photos are stored scaled to this long side"), 2560, 640,
                8000, "px"),
    SettingSpec("before_photos_per_area", N_("Before photos each treated area needs"), 0, 0, 6,
                N_("photos")),
    SettingSpec("before_photos_every_session", N_("Before photos needed at every session, not "
                                                  "only a course's first"), 0, 0, 1, ""),
)}


@dataclass(frozen=True)
class ClinicRules:
    """Every setting's current value; what the operations and the form work to."""

    change_limit_percent: int = 20
    incident_due_hours: int = 24
    course_sessions: int = 6
    course_interval_days: int = 21
    course_lapse_intervals: int = 3
    consent_valid_months: int = 12
    late_entry_hours: int = 24
    allow_uncertified: int = 0
    clinic_name: str = ""
    clinic_address: str = ""
    clinic_phone: str = ""
    photo_long_side: int = 2560
    before_photos_per_area: int = 0
    before_photos_every_session: int = 0

    @property
    def change_limit(self) -> float:
        return self.change_limit_percent / 100


def rules(db: Session) -> ClinicRules:
    stored: dict[str, Any] = {}  # each name's kind, as SPECS says
    for row in db.scalars(select(ClinicSetting)):
        spec = SPECS.get(row.name)
        if isinstance(spec, TextSettingSpec):
            stored[row.name] = row.text_value or ""
        elif spec is not None:
            stored[row.name] = row.value
    return ClinicRules(**stored)


def typed_value(name: str, text: str) -> int | str:
    """A value typed on the command line, as its setting holds it (a whole number or text)."""
    spec = SPECS.get(name)
    if not isinstance(spec, SettingSpec):
        return text
    try:
        return int(text.strip())
    except ValueError:
        raise ValidationFailed({name: spec.problem(text)}) from None


def change_setting(db: Session, actor: Actor, name: str, value: int | str | None
                   ) -> ClinicRules:
    """Change one setting, checked by its kind: a whole number in its range, or a text (None
    clears a text setting)."""
    require(actor, Action.MANAGE_CLINIC_SETTINGS, "clinic_setting", name)
    spec = SPECS.get(name)
    if spec is None:
        raise ValidationFailed({"name": _("No clinic setting {name}; the settings are {names}")
                                .format(name=repr(name), names=", ".join(SPECS))})
    if isinstance(spec, TextSettingSpec) and value is None:
        value = ""
    if problem := spec.problem(value):
        raise ValidationFailed({name: problem})
    row = db.get(ClinicSetting, name)
    number, text = (0, str(value).strip()) if isinstance(spec, TextSettingSpec) \
        else (int(value or 0), None)
    old: int | str = getattr(rules(db), name)
    if row is None:
        db.add(ClinicSetting(name=name, value=number, text_value=text, changed_by_id=actor.id))
    else:
        row.value, row.text_value = number, text
        row.changed_at, row.changed_by_id = utc_now(), actor.id
    db.flush()
    if name == "course_lapse_intervals":
        _relapse_courses(db, number)
    new = number if text is None else text
    audit_chain.record(db, actor_id=actor.id, action="clinic.setting", entity="clinic_setting",
                       entity_id=name, old={name: old}, new={name: new})
    return rules(db)


def _relapse_courses(db: Session, intervals: int) -> None:
    """Every course's lapse day again, with the new number of intervals: the last session (or
    the start) plus that many intervals."""
    base = func.coalesce(Course.last_on, Course.started_on)
    db.execute(update(Course).values(
        lapses_on=sql_dates.add_days(db, base, Course.interval_days * intervals)))
