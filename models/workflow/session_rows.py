"""A technician's entry written onto a session's rows, and the snapshot of those rows the
audit trail keeps: shared by logging, importing, amending and the aftercare record."""

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from models.records.treatment import (
    Anaesthetic,
    ParameterSetting,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)
from models.values.parameters import SETTINGS
from models.values.screening import ScreeningInput, screening_key
from models.values.screening import as_json as screening_json
from models.values.session_input import AreaInput, SessionInput, area_key
from models.values.vocabulary import SessionStatus


def apply_entry(
    db: Session, session: TreatmentSession, entry: SessionInput, problems: dict[str, str]
) -> None:
    """Copy the entry onto the session, leaving out every value named in ``problems``."""

    def ok(key: str) -> bool:
        return key not in problems

    session.device_id = entry.device_id
    session.room = entry.room.strip()
    if entry.started_at is not None and ok("started_at"):
        session.started_at = entry.started_at
    session.duration_s = entry.duration_s if ok("duration") else None
    session.notes = entry.notes
    if session.status == SessionStatus.DRAFT:  # signed, it is kept as it was (guarded)
        session.late_entry_reason = entry.late_reason.strip()
    session.updated_at = datetime.now(UTC)
    if entry.anaesthetic_agent is None:
        session.anaesthetic = None
    else:
        applied = entry.anaesthetic_applied_at if ok("anaesthetic_applied_at") else None
        if session.anaesthetic is None:
            session.anaesthetic = Anaesthetic(agent=entry.anaesthetic_agent, applied_at=applied)
        else:
            session.anaesthetic.agent = entry.anaesthetic_agent
            session.anaesthetic.applied_at = applied
    _apply_screening(session, entry.screening, problems)
    # Drafts are rewritten whole as they are typed; the audit trail keeps every version.
    session.areas.clear()
    session.reactions.clear()
    db.flush()
    for position, area in enumerate(entry.areas):
        if not ok(f"areas.{area.area}"):
            continue
        settings = {
            key: value if ok(area_key(area.area, key)) else None
            for key, value in area.settings.items()
        }
        treated = TreatedArea(
            area=area.area,
            position=position,
            pulses=area.pulses if ok(area_key(area.area, "pulses")) else None,
            passes=area.passes if ok(area_key(area.area, "passes")) else None,
            change_reason=area.change_reason.strip(),
        )
        treated.settings.extend(setting_rows(area, settings))
        session.areas.append(treated)
    for reaction in entry.reactions:
        if ok(f"reactions.{reaction.kind}"):
            session.reactions.append(
                Reaction(
                    kind=reaction.kind,
                    grade=reaction.grade,
                    onset=reaction.onset,
                    note=reaction.note,
                )
            )


def _apply_screening(session: TreatmentSession, screening: ScreeningInput,
                     problems: dict[str, str]) -> None:
    """Keep the session's one current screening row in step with the entry."""
    values = screening_json(screening)
    for key in ("consent_signed_on", "fitzpatrick"):
        if screening_key(key) in problems:
            values[key] = None  # wrong as typed: kept out until corrected
    row = session.screening or Screening()
    row.fitzpatrick = values["fitzpatrick"]
    row.found = json.dumps(values["found"])
    row.reasons = json.dumps(values["reasons"], sort_keys=True)
    row.consent_version = values["consent_version"].strip()
    row.consent_signed_on = (date.fromisoformat(values["consent_signed_on"])
                             if values["consent_signed_on"] else None)
    row.checklist = json.dumps(values["checklist"])
    row.consent_id = screening.consent_id
    session.screening = row


def setting_rows(area: AreaInput, settings: dict[str, float | None]) -> list[ParameterSetting]:
    """The stored settings of one area: one row for all passes, or one per logged pass."""
    if area.per_pass:
        return [
            ParameterSetting(source=area.source, import_batch_id=area.import_batch_id,
                             pass_number=p.number, **p.settings)
            for p in area.per_pass
        ]
    if any(v is not None for v in settings.values()):
        return [ParameterSetting(source=area.source, import_batch_id=area.import_batch_id,
                                 **settings)]
    return []


def snapshot(session: TreatmentSession) -> dict[str, Any]:
    """The session's clinical content as plain JSON values, for the audit trail."""
    anaesthetic = session.anaesthetic
    return {
        "patient_id": session.patient_id,
        "technician_id": session.technician_id,
        "device_id": session.device_id,
        "room": session.room,
        "status": session.status,
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "duration_s": session.duration_s,
        "anaesthetic": None
        if anaesthetic is None
        else {
            "agent": anaesthetic.agent,
            "applied_at": anaesthetic.applied_at.isoformat() if anaesthetic.applied_at else None,
        },
        "areas": [
            {
                "area": a.area,
                "pulses": a.pulses,
                "passes": a.passes,
                "change_reason": a.change_reason,
                "settings": [
                    {"source": s.source, "pass": s.pass_number, "batch": s.import_batch_id}
                    | {spec.key: getattr(s, spec.key) for spec in SETTINGS}
                    for s in a.settings
                ],
            }
            for a in session.areas
        ],
        "reactions": [
            {"kind": r.kind, "grade": r.grade, "onset": r.onset, "note": r.note}
            for r in session.reactions
        ],
        "notes": session.notes,
        "late_entry_reason": session.late_entry_reason,
        "aftercare_given_at": (session.aftercare_given_at.isoformat()
                               if session.aftercare_given_at else None),
        "screening": None if session.screening is None else session.screening.as_json(),
    }
