"""Settings carried forward from the patient's last session, and changes that need a reason.

Regulators' burn reports often start with a setting raised between sessions. The form starts
each area from the same patient's last signed settings on that area and device; a fluence
(or, for RF, energy) moved more than the clinic's change limit (clinic_settings, 20% unless
changed) from there must be given a reason, which the supervisor then sees.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.clinic import clinic_settings
from models.language import _, date_text, number_text, short_number_text
from models.records.treatment import TreatedArea, TreatmentSession
from models.values.parameters import ENERGY, FLUENCE
from models.values.session_input import AreaInput, SessionInput, area_key
from models.values.vocabulary import SIGNED, Area

_JUDGED = {spec.key: spec for spec in (FLUENCE, ENERGY)}


@dataclass(frozen=True)
class LastSettings:
    """An area's settings as signed in the patient's last session on it with that device."""

    area: str
    started_at: datetime
    settings: dict[str, float | None]
    passes: int | None


def judged(settings: dict[str, float | None]) -> tuple[str, float] | None:
    """The setting a change is judged on: fluence, or energy where no fluence is set."""
    for key in _JUDGED:
        if value := settings.get(key):
            return key, value
    return None


def last_settings(db: Session, patient_id: int, device_id: int,
                  before: datetime | None = None) -> dict[str, LastSettings]:
    """Per area, the patient's last signed settings with this device (before ``before``)."""
    statement = (
        select(TreatmentSession.started_at, TreatedArea)
        .join(TreatedArea, TreatedArea.session_id == TreatmentSession.id)
        .where(TreatmentSession.patient_id == patient_id,
               TreatmentSession.device_id == device_id,
               TreatmentSession.status.in_(SIGNED),
               TreatedArea.superseded_in.is_(None))
        .order_by(TreatmentSession.started_at.desc(), TreatmentSession.id.desc())
        .options(selectinload(TreatedArea.settings))
    )
    if before is not None:
        statement = statement.where(TreatmentSession.started_at < before)
    found: dict[str, LastSettings] = {}
    for started_at, area in db.execute(statement):
        if area.area in found or not area.settings:
            continue
        first = area.settings[0]
        found[area.area] = LastSettings(
            area.area, started_at,
            {key: getattr(first, key) for key in (*_JUDGED, "wavelength_nm", "power_w",
                                                  "pulse_width_ms", "spot_size_mm",
                                                  "repetition_rate_hz")},
            area.passes)
    return found


def change_of(area: AreaInput, last: LastSettings | None, limit: float) -> str | None:
    """How the area's judged setting moved beyond ``limit`` (0.2 for 20%) since ``last``, in
    words; None when it did not (or there is nothing to compare)."""
    if last is None:
        return None
    settings = area.per_pass[0].settings if area.per_pass else area.settings
    now, then = judged(settings), judged(last.settings)
    if now is None or then is None or now[0] != then[0]:
        return None
    change = now[1] / then[1] - 1
    if abs(change) <= limit:
        return None
    spec = _JUDGED[now[0]]
    text = (_("{setting} up {percent}% from {value} {unit} on {day}") if change > 0 else
            _("{setting} down {percent}% from {value} {unit} on {day}"))
    return text.format(setting=spec.label, percent=number_text(abs(change) * 100),
                       value=short_number_text(then[1]), unit=spec.unit,
                       day=date_text(last.started_at.astimezone().date()))


def reasons_missing(db: Session, patient_id: int, started_at: datetime, entry: SessionInput
                    ) -> dict[str, str]:
    """A problem for each area whose setting moved beyond the limit since the patient's
    last session before ``started_at``, with no reason given."""
    if entry.device_id is None:
        return {}
    last = last_settings(db, patient_id, entry.device_id, before=started_at)
    limit = clinic_settings.rules(db).change_limit
    problems = {}
    for area in entry.areas:
        change = change_of(area, last.get(area.area), limit)
        if change and not area.change_reason.strip():
            problems[area_key(area.area, "change_reason")] = _(
                "{area}: {change}, beyond the {limit}% limit. Give the reason for the change"
            ).format(area=Area(area.area).label, change=change, limit=number_text(limit * 100))
    return problems
