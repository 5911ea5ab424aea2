"""What an amendment changes, as a person reads it: one line per area, reaction or screening
item that differs, its value before and after.

The values compared are those the audit trail and an amendment keep (``session_rows.snapshot``:
plain JSON), so one description serves the amendment about to be signed and the amendments a
session already has. ``entry_values`` gives what an entry would write in that form.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from models.language import date_text, short_number_text
from models.values.parameters import SETTINGS
from models.values.screening import ChecklistItem, Contraindication
from models.values.screening import as_json as screening_json
from models.values.session_input import AreaInput, SessionInput
from models.values.vocabulary import (
    FITZPATRICK_TYPES,
    Area,
    ParameterSource,
    ReactionKind,
    ReactionOnset,
)
from ui.language import tr, tr_noop, trn
from ui.widgets.display import local_time
from ui.widgets.photo_thumbnails import kind_word

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


def entry_values(entry: SessionInput) -> dict[str, Any]:
    """The entry as an amendment would record it: the keys and forms of the session's
    snapshot, with text trimmed as it is stored."""
    anaesthetic = None if entry.anaesthetic_agent is None else {
        "agent": entry.anaesthetic_agent, "applied_at": _iso(entry.anaesthetic_applied_at)}
    screening = screening_json(entry.screening)
    screening["consent_version"] = screening["consent_version"].strip()
    return {
        "device_id": entry.device_id, "room": entry.room.strip(),
        "started_at": _iso(entry.started_at), "duration_s": entry.duration_s,
        "anaesthetic": anaesthetic,
        "areas": [{"area": a.area, "pulses": a.pulses, "passes": a.passes,
                   "change_reason": a.change_reason.strip(), "settings": _setting_rows(a)}
                  for a in entry.areas],
        "reactions": [{"kind": r.kind, "grade": r.grade, "onset": r.onset, "note": r.note}
                      for r in entry.reactions],
        "notes": entry.notes, "screening": screening,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _setting_rows(area: AreaInput) -> list[dict[str, Any]]:
    """As ``session_rows.setting_rows`` stores them: one row per logged pass, else one for
    every pass when any setting is given."""
    def row(number: int | None, settings: Mapping[str, float | None]) -> dict[str, Any]:
        return {"source": area.source, "pass": number, "batch": area.import_batch_id} | {
            spec.key: settings.get(spec.key) for spec in SETTINGS}

    if area.per_pass:
        return [row(p.number, p.settings) for p in area.per_pass]
    if any(value is not None for value in area.settings.values()):
        return [row(None, area.settings)]
    return []


# --- reading values ---------------------------------------------------------------------------
def _time(value: str | None) -> str:
    return local_time(datetime.fromisoformat(value)) if value else "–"


def _minutes(seconds: int | None) -> str:
    return "–" if seconds is None else tr("{minutes} min").format(
        minutes=short_number_text(seconds / 60))


def _settings(row: Mapping[str, Any]) -> str:
    given = [f"{spec.label} {short_number_text(row[spec.key])}"
             + (f" {spec.unit}" if spec.unit else "")
             for spec in SETTINGS if row.get(spec.key) is not None]
    return ", ".join(given) or tr("no settings")


def area_text(area: Values | None) -> str:
    """One treated area: its settings (pass by pass when logged so), counts, where the values
    came from and the reason given for a change."""
    if area is None:
        return tr("not treated")
    rows = area.get("settings") or []
    if len(rows) == 1 and rows[0].get("pass") is None:
        parts = [_settings(rows[0])]
    else:
        parts = [tr("pass {number}: {settings}").format(number=row.get("pass"),
                                                        settings=_settings(row))
                 for row in rows] or [tr("no settings")]
    counts = []
    if area.get("pulses") is not None:
        counts.append(trn("%n pulse", "%n pulses", area["pulses"]))
    if area.get("passes") is not None:
        counts.append(trn("%n pass", "%n passes", area["passes"]))
    text = "; ".join(parts) + (f"; {', '.join(counts)}" if counts else "")
    source = rows[0].get("source") if rows else None
    if source:  # so that values a device recorded, then typed over, read so
        text += f" ({ParameterSource(source).label})"
    if area.get("change_reason"):
        text += "; " + tr("reason for the change: {reason}").format(reason=area["change_reason"])
    return text


def reaction_text(reaction: Values | None) -> str:
    if reaction is None:
        return tr("none", "no reaction")
    text = tr("grade {grade}").format(grade=reaction["grade"])
    if reaction.get("onset"):
        text += f" ({ReactionOnset(reaction['onset']).label})"
    if reaction.get("note"):
        text += f": {reaction['note']}"
    return text


def anaesthetic_text(anaesthetic: Values | None) -> str:
    if anaesthetic is None:
        return tr("none", "no anaesthetic")
    applied = anaesthetic.get("applied_at")
    when = _time(applied) if applied else tr("at a time not recorded")
    return tr("{agent}, applied {moment}").format(agent=anaesthetic["agent"], moment=when)


def _screening_parts(screening: Values | None) -> dict[str, str]:
    """The screening's parts, each read on its own, by title."""
    if screening is None:
        return {}
    reasons = screening.get("reasons") or {}
    found = [tr("{contraindication} (treated because {reason})").format(
        contraindication=Contraindication(code).label, reason=reasons[code])
        if reasons.get(code) else Contraindication(code).label
        for code in screening.get("found") or ()]
    ticked = set(screening.get("checklist") or ())
    missing = [item.label for item in ChecklistItem if item not in ticked]
    skin = screening.get("fitzpatrick")
    signed = screening.get("consent_signed_on")
    return {
        tr("Screening: skin type"): tr("Type {numeral}").format(numeral=FITZPATRICK_TYPES[skin])
        if skin else tr("not assessed"),
        tr("Screening: contraindications"): "; ".join(found) or tr("none found"),
        tr("Screening: consent"): tr("{version}, signed {day}").format(
            version=screening.get("consent_version") or "–",
            day=date_text(date.fromisoformat(signed)) if signed else "–"),
        tr("Screening: checklist"): tr("not ticked: {items}").format(items="; ".join(missing))
        if missing else tr("every item ticked"),
    }


def review_text(review: Values | None) -> str:
    if review is None:
        return tr("not reviewed: awaiting review again")
    return tr("reviewed {moment} by {user}").format(moment=_time(review.get("reviewed_at")),
                                                    user=review.get("reviewed_by") or "–")


def photos_text(photos: list[Values] | None) -> str:
    """The photos an amendment added (older photos brought to a signed session)."""
    if not photos:
        return tr("none added")
    return "; ".join(f"{Area(p['area']).label}, {kind_word(p['kind'])}, {p['pose']}"
                     for p in photos)


def _plain(value: object) -> str:
    if value is None or value == "":
        return "–"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


#: The single-valued keys, in the order they are listed, each with its title and reading.
_SINGLE: dict[str, tuple[str, Callable[[Any], str]]] = {
    "started_at": (tr_noop("Start"), _time),
    "duration_s": (tr_noop("Duration"), _minutes),
    "room": (tr_noop("Room"), _plain),
    "device_id": (tr_noop("Device (register number)"), _plain),
    "anaesthetic": (tr_noop("Anaesthetic"), anaesthetic_text),
    "notes": (tr_noop("Notes"), _plain),
    "aftercare_given_at": (tr_noop("Aftercare sheet given"), _time),
    "review": (tr_noop("Review"), review_text),
    "photos": (tr_noop("Photos"), photos_text),
}
_ORDER = ["started_at", "duration_s", "room", "device_id", "areas", "anaesthetic",
          "reactions", "screening", "notes", "aftercare_given_at", "review", "photos"]


def _by(items: list[Values] | None, key: str) -> dict[str, Values]:
    return {item[key]: item for item in items or ()}


def changes(old: Values, new: Values) -> list[Change]:
    """Every difference between ``old`` and ``new`` (snapshot values), a line for each area,
    reaction and part of the screening that differs."""
    found: list[Change] = []
    keys = _ORDER + sorted((set(old) | set(new)) - set(_ORDER))
    for key in keys:
        if old.get(key) == new.get(key):  # a key missing on both sides is None on both
            continue
        before, after = old.get(key), new.get(key)
        if key == "areas":
            was, now = _by(before, "area"), _by(after, "area")
            for code in [*was, *(code for code in now if code not in was)]:
                if was.get(code) != now.get(code):
                    found.append(Change(tr("Area: {area}").format(area=Area(code).label),
                                        area_text(was.get(code)), area_text(now.get(code))))
        elif key == "reactions":
            was, now = _by(before, "kind"), _by(after, "kind")
            for kind in [*was, *(kind for kind in now if kind not in was)]:
                if was.get(kind) != now.get(kind):
                    found.append(Change(
                        tr("Reaction: {reaction}").format(reaction=ReactionKind(kind).label),
                        reaction_text(was.get(kind)), reaction_text(now.get(kind))))
        elif key == "screening":
            was_parts, now_parts = _screening_parts(before), _screening_parts(after)
            for part in dict.fromkeys([*was_parts, *now_parts]):
                if was_parts.get(part) != now_parts.get(part):
                    found.append(Change(part, was_parts.get(part, tr("not recorded")),
                                        now_parts.get(part, tr("not recorded"))))
        else:
            title, read = _SINGLE.get(key, (key, _plain))
            found.append(Change(tr(title), read(before), read(after)))
    return found


def changes_html(found: list[Change]) -> str:
    """The changes as an HTML table (every value escaped)."""
    rows = "".join(f"<tr><td><b>{escape(c.what)}</b></td><td>{escape(c.before)}</td>"
                   f"<td>{escape(c.after)}</td></tr>" for c in found)
    heads = "".join(f"<th align='left'>{escape(head)}</th>"
                    for head in (tr("What"), tr("Before"), tr("After")))
    return ("<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            f"<tr>{heads}</tr>{rows}</table>")
