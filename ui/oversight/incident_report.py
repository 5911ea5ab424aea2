"""An incident report as a page: the incident, the supervisor's report, and the session it
happened in (areas, device, parameters, reactions with their notes, follow-ups); read in the
app and printed as the PDF from the same HTML."""

from datetime import UTC, datetime
from html import escape
from pathlib import Path

from PySide6.QtGui import QTextDocument

from models.language import date_text, short_number_text
from models.values.parameters import SETTINGS
from models.values.rows import AreaParametersRow, SessionDetail
from models.values.vocabulary import Area, ReactionKind, ReactionOnset
from models.workflow.incidents import IncidentReport
from ui.language import tr
from ui.widgets import display
from ui.widgets.display import local_time
from ui.widgets.pdf_writer import html_document, write_document

TABLE = "<table border='1' cellspacing='0' cellpadding='3'>"


def title_of(report: IncidentReport) -> str:
    return tr("Incident report no. {number}").format(number=report.incident.id)


def incident_state(report: IncidentReport, now: datetime | None = None) -> str:
    """Filed (the rows below say when and by whom), overdue, or awaiting its report."""
    incident = report.incident
    if incident.filed_at is not None:
        return tr("filed")
    if incident.overdue(now or datetime.now(UTC)):
        return tr("OVERDUE since {time}").format(time=local_time(incident.due_at))
    return tr("awaiting its report, due {time}").format(time=local_time(incident.due_at))


def _header_row(*titles: str) -> str:
    return "<tr>" + "".join(f"<th>{escape(title)}</th>" for title in titles) + "</tr>"


def _number(value: float | int | None) -> str:
    return "–" if value is None else short_number_text(value)


def _parameters(area: AreaParametersRow) -> str:
    """The settings the area was treated with (those recorded), pulses and passes."""
    parts = [f"{spec.label} {_number(area.settings[spec.key])} {spec.unit}".rstrip()
             for spec in SETTINGS if area.settings.get(spec.key) is not None]
    parts += [f"{label} {_number(value)}" for label, value
              in ((tr("pulses"), area.pulses), (tr("passes"), area.passes))
              if value is not None]
    for number, settings in area.per_pass:
        changed = [f"{spec.label} {_number(settings[spec.key])} {spec.unit}".rstrip()
                   for spec in SETTINGS if settings.get(spec.key) is not None]
        if changed:
            parts.append(tr("pass {number}: {settings}").format(number=number,
                                                                settings=", ".join(changed)))
    return "; ".join(parts) or tr("none recorded")


def _session_html(session: SessionDetail) -> list[str]:
    s = session.summary
    rows = [(tr("Session"), local_time(s.started_at)),
            (tr("Duration"), display.minutes(s.duration_s) or "–"),
            (tr("Device"), session.device.display_name if session.device
             else tr("none recorded")),
            (tr("Room"), session.room or "–"),
            (tr("Technician"), s.technician),
            (tr("Status"), display.status_label(s.status))]
    html = [f"<h3>{escape(tr('The session'))}</h3><table>"]
    html += [f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
             for k, v in rows]
    html.append(f"</table><h4>{escape(tr('Areas and parameters'))}</h4>{TABLE}"
                + _header_row(tr("Area"), tr("Parameters"), tr("Reason for a change")))
    for area in session.areas:
        html.append(f"<tr><td>{escape(Area(area.area).label)}</td>"
                    f"<td>{escape(_parameters(area))}</td>"
                    f"<td>{escape(area.change_reason or '–')}</td></tr>")
    if not session.areas:
        html.append(f"<tr><td colspan='3'>{escape(tr('No area recorded.'))}</td></tr>")
    html.append(f"</table><h4>{escape(tr('Reactions logged at the session'))}</h4>{TABLE}"
                + _header_row(tr("Reaction"), tr("Grade"), tr("Onset"), tr("Note")))
    for r in session.reactions:
        html.append(f"<tr><td>{escape(ReactionKind(r.kind).label)}</td><td>{r.grade}</td>"
                    f"<td>{escape(ReactionOnset(r.onset).label)}</td>"
                    f"<td>{escape(r.note or '–')}</td></tr>")
    if not session.reactions:
        html.append(f"<tr><td colspan='4'>{escape(tr('None.'))}</td></tr>")
    html.append("</table>")
    html.append(f"<h4>{escape(tr('Notes'))}</h4><p>{escape(session.notes) or '–'}</p>")
    return html


def _follow_ups_html(session: SessionDetail) -> list[str]:
    html = [f"<h3>{escape(tr('Follow-ups'))}</h3>"]
    if not session.follow_ups:
        return [*html, f"<p>{escape(tr('None recorded yet.'))}</p>"]
    html.append(TABLE + _header_row(tr("Seen"), tr("Reaction"), tr("Grade"), tr("Resolved"),
                                    tr("Note"), tr("By")))
    for f in session.follow_ups:
        resolved = date_text(f.resolved_on) if f.resolved_on else tr("not yet")
        html.append(f"<tr><td>{date_text(f.observed_on)}</td>"
                    f"<td>{escape(ReactionKind(f.kind).label)}</td><td>{f.grade}</td>"
                    f"<td>{escape(resolved)}</td><td>{escape(f.note or '–')}</td>"
                    f"<td>{escape(f.recorded_by)}</td></tr>")
    html.append("</table>")
    return html


def incident_html(report: IncidentReport, now: datetime | None = None) -> str:
    """The incident report as HTML, every value escaped."""
    incident = report.incident
    rows = [(tr("Patient"), incident.patient),
            (tr("Reaction"), tr("{reaction}, grade {grade}").format(
                reaction=ReactionKind(incident.kind).label, grade=incident.grade)),
            (tr("Opened"), local_time(incident.opened_at)),
            (tr("Due"), local_time(incident.due_at)),
            (tr("State"), incident_state(report, now)),
            (tr("Filed by"), incident.filed_by or "–"),
            (tr("Filed"), local_time(incident.filed_at) or tr("not yet"))]
    html = [f"<h2>{escape(title_of(report))}</h2><table>"]
    html += [f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
             for k, v in rows]
    text = (escape(incident.report).replace("\n", "<br>")
            or f"<i>{escape(tr('No report filed yet.'))}</i>")
    html.append(f"</table><h3>{escape(tr('Report'))}</h3><p>{text}</p>")
    html += _session_html(report.session)
    html += _follow_ups_html(report.session)
    return "".join(html)


def incident_document(report: IncidentReport) -> QTextDocument:
    """The document the PDF is printed from."""
    return html_document(title_of(report), incident_html(report))


def write_incident_pdf(report: IncidentReport, path: Path) -> None:
    write_document(incident_document(report), path)
