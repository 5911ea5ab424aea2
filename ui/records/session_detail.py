"""Read-only view of one session, everything recorded about it."""

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.reading.session_printout import SessionPrintout
from models.review.audit_trail import AuditRow
from models.review.supervision import REVIEW_KEY
from models.values.parameters import FORM_FIELDS
from models.values.rows import SessionDetail
from models.values.screening import ChecklistItem, Contraindication, ScreeningInput
from models.values.vocabulary import (
    FITZPATRICK_TYPES,
    Area,
    ParameterSource,
    ReactionKind,
    ReactionOnset,
    SessionStatus,
)
from ui.records.amend_changes import changes, changes_html
from ui.widgets import display
from ui.widgets.display import local_time
from ui.widgets.file_dialogs import choose_file_to_save
from ui.widgets.pdf_writer import write_html_pdf
from ui.widgets.screen_fit import fit_to_screen


def _value(value: float | int | None) -> str:
    return "–" if value is None else f"{value:g}"


def _anaesthetic(detail: SessionDetail) -> str:
    if detail.anaesthetic_agent is None:
        return "none"
    applied = display.local_time(detail.anaesthetic_applied_at) or "at an unrecorded time"
    return f"{detail.anaesthetic_agent}, applied {applied}"


def session_html(detail: SessionDetail, events: Sequence[AuditRow] = ()) -> str:
    """The session as an HTML page, with its audit events when given; every value escaped."""
    s, p = detail.summary, detail.patient
    rows = [
        ("Patient", f"{p.full_name} ({p.identifier})"),
        ("Date of birth", p.date_of_birth.isoformat() if p.date_of_birth else "–"),
        ("Skin type (record)", FITZPATRICK_TYPES.get(p.fitzpatrick or 0, "not assessed")),
        ("Start", display.local_time(s.started_at)),
        ("Duration", display.minutes(s.duration_s) or "–"),
        ("Technician", s.technician),
        ("Device", detail.device.display_name if detail.device else "–"),
        ("Room", detail.room or "–"),
        ("Anaesthetic", _anaesthetic(detail)),
        ("Status", display.status_label(s.status)),
        ("Completed", display.local_time(detail.completed_at) or "not yet"),
        ("Aftercare sheet", f"given {display.local_time(detail.aftercare_given_at)}"
         if detail.aftercare_given_at else "not recorded as given"),
        ("Reviewed", _reviewed(detail)),
        ("Session ID", str(s.uuid)),
    ]
    html = [f"<h2>Session of {escape(display.local_time(s.started_at))}</h2>"]
    if detail.voided_at is not None:
        html.append(f"<p style='color:#a00000'><b>Voided</b> {escape(local_time(detail.voided_at))}"
                    f": {escape(detail.void_reason)}</p>")
    html.append("<table>")
    html += [f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows]
    html.append("</table><h3>Treated areas and parameters</h3>")
    html += _parameters_html(detail)
    html += _screening_html(detail.screening)
    html.append("<h3>Reactions</h3>")
    if detail.reactions:
        html.append("<ul>")
        for r in detail.reactions:
            note = f": {r.note}" if r.note else ""
            html.append(f"<li>{escape(ReactionKind(r.kind).label)}, grade {r.grade} "
                        f"({escape(ReactionOnset(r.onset).label.lower())}){escape(note)}</li>")
        html.append("</ul>")
    else:
        html.append("<p>None recorded.</p>")
    html += _follow_ups_html(detail)
    html.append(f"<h3>Notes</h3><p>{escape(detail.notes) or '–'}</p>")
    if detail.imports:
        html.append("<h3>Imported device files</h3><ul>")
        for batch in detail.imports:
            html.append(
                f"<li>{escape(batch.file_name)} – {escape(local_time(batch.imported_at))} by "
                f"{escape(batch.user)}, profile {escape(batch.profile)}, device session "
                f"{escape(batch.device_session)}: {batch.pulses:,} pulses "
                f"({batch.flagged_pulses} flagged for review); SHA-256 {batch.sha256}</li>")
        html.append("</ul>")
    html += _amendments_html(detail)
    html += _events_html(events)
    return "".join(html)


def _parameters_html(detail: SessionDetail) -> list[str]:
    """A row for each parameter and a column for each area: however many parameters a device
    has, the table fits the screen and an A4 page with no word broken."""
    if not detail.areas:
        return ["<p>No areas recorded.</p>"]
    html = ["<table border='1' cellspacing='0' cellpadding='3'><tr><th>Parameter</th>"]
    html += [f"<th>{escape(Area(area.area).label)}</th>" for area in detail.areas]
    html.append("</tr>")
    for spec in FORM_FIELDS:
        values = [area.settings.get(spec.key, getattr(area, spec.key, None))
                  for area in detail.areas]
        html.append(f"<tr><td>{escape(spec.title)}</td>")
        html += [f"<td align='right'>{escape(_value(v))}</td>" for v in values]
        html.append("</tr>")
    sources = [ParameterSource(a.source).label if a.source else "–" for a in detail.areas]
    reasons = [a.change_reason or "–" for a in detail.areas]
    for title, texts in (("Parameters from", sources),
                         ("Reason for a change beyond the limit", reasons)):
        html.append(f"<tr><td>{escape(title)}</td>")
        html += [f"<td>{escape(text)}</td>" for text in texts]
        html.append("</tr>")
    html.append("</table>")
    return html


def _screening_html(screening: ScreeningInput | None) -> list[str]:
    html = ["<h3>Screening and checklist</h3>"]
    if screening is None:
        return [*html, "<p>Not recorded.</p>"]
    skin = FITZPATRICK_TYPES.get(screening.fitzpatrick or 0, "not assessed")
    signed = f"{screening.consent_signed_on:%Y-%m-%d}" if screening.consent_signed_on else "–"
    html.append(f"<p>Skin type {escape(skin)}; consent {escape(screening.consent_version or '–')}"
                f" signed {signed}.</p>")
    if screening.found:
        html.append("<p>Contraindications found:</p><ul>")
        for code in sorted(screening.found):
            reason = screening.reasons.get(code, "")
            html.append(f"<li>{escape(Contraindication(code).label)}"
                        f"{': treated because ' + escape(reason) if reason else ''}</li>")
        html.append("</ul>")
    else:
        html.append("<p>No contraindication found.</p>")
    missing = [item.label for item in ChecklistItem if item not in screening.checklist]
    html.append("<p>Checklist: " + (escape("not ticked: " + "; ".join(missing)) if missing
                                    else "every item ticked") + ".</p>")
    return html


def _follow_ups_html(detail: SessionDetail) -> list[str]:
    if not detail.follow_ups:
        return []
    html = ["<h3>Follow-ups</h3><table border='1' cellspacing='0' cellpadding='3'><tr>"
            "<th>Seen</th><th>Reaction</th><th>Grade</th><th>Resolved</th><th>Note</th>"
            "<th>By</th></tr>"]
    for f in detail.follow_ups:
        resolved = f"{f.resolved_on:%Y-%m-%d}" if f.resolved_on else "not yet"
        html.append(f"<tr><td>{f.observed_on:%Y-%m-%d}</td>"
                    f"<td>{escape(ReactionKind(f.kind).label)}</td><td>{f.grade}</td>"
                    f"<td>{resolved}</td><td>{escape(f.note)}</td>"
                    f"<td>{escape(f.recorded_by)}</td></tr>")
    html.append("</table>")
    return html


def _events_html(events: Sequence[AuditRow]) -> list[str]:
    if not events:
        return []
    html = ["<h3>Audit trail of this session</h3><table border='1' cellspacing='0' "
            "cellpadding='3'><tr><th>No.</th><th>When</th><th>User</th><th>Action</th>"
            "<th>Reason</th></tr>"]
    html += [f"<tr><td>{e.seq}</td><td>{escape(local_time(e.occurred_at))}</td>"
             f"<td>{escape(e.user or '–')}</td><td>{escape(e.action)}</td>"
             f"<td>{escape(e.reason)}</td></tr>" for e in events]
    html.append("</table>")
    return html


def _amendments_html(detail: SessionDetail) -> list[str]:
    """Each amendment with the values it replaced, so the session as signed stays readable."""
    if not detail.amendments:
        return []
    html = ["<h3>Amendments</h3><p>The values above are the current ones; each amendment "
            "lists what it replaced.</p><ol>"]
    for amendment in detail.amendments:
        html.append(f"<li>{escape(local_time(amendment.amended_at))} by "
                    f"{escape(amendment.user)}: {escape(amendment.reason)}"
                    f"{changes_html(changes(amendment.old, amendment.new))}</li>")
    html.append("</ol>")
    return html


def _reviewed(detail: SessionDetail) -> str:
    """Who signed the session off, or why it awaits review (again)."""
    if detail.reviewed_at is not None:
        return f"{display.local_time(detail.reviewed_at)} by {detail.reviewed_by}"
    withdrawn = [a.number for a in detail.amendments if a.old.get(REVIEW_KEY)]
    if detail.summary.status == SessionStatus.AMENDED and withdrawn:
        return f"not since amendment {detail.amendments[-1].number}: awaiting review again"
    if detail.summary.status == SessionStatus.AMENDED:
        return "not yet: awaiting review of the amended session"
    return "not yet"


def write_session_pdf(detail: SessionDetail, path: Path,
                      printout: SessionPrintout | None = None) -> None:
    """The one-session report: everything the session detail shows, and with ``printout``
    (``models.reading.session_printout``) its photos and the consent signed on screen."""
    title = f"Session of {local_time(detail.summary.started_at)}"
    if printout is None:
        write_html_pdf(title, session_html(detail), path)
        return
    from ui.records.pdf_reports import write_session_report

    write_session_report(title, session_html(detail), printout, path)


#: Reads a session's photos and consent for its report, then hands them on (a task).
PrintoutReader = Callable[[int, Callable[[SessionPrintout], None]], None]


class SessionDetailDialog(QDialog):
    """One session, read only, with its traces; it fits the screen (1366×768 and smaller):
    the record and the traces scroll, the buttons below them always show."""

    WANTED = QSize(900, 900)  # with traces; without, the record alone wants less
    WANTED_NO_TRACES = QSize(760, 640)

    def __init__(self, detail: SessionDetail, traces: dict[str, bytes] | None = None,
                 parent: QWidget | None = None, actions: QWidget | None = None,
                 events: Sequence[AuditRow] = (), photos: QWidget | None = None,
                 printout: PrintoutReader | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Session – {detail.patient.full_name}")
        self.browser = QTextBrowser()
        # Break lines between words only: never "Waveleng / th" in the parameter table (a
        # table wider than the window scrolls sideways instead).
        self.browser.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.browser.setMinimumHeight(120)
        self.events = events
        self.browser.setHtml(session_html(detail, events))
        self.detail = detail
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.pdf_button = buttons.addButton("Save as &PDF…",
                                            QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button.clicked.connect(self._choose_pdf)
        self.content = QSplitter(Qt.Orientation.Vertical)
        self.content.setChildrenCollapsible(False)
        self.content.addWidget(self.browser)
        self.plot = None
        if traces:
            from ui.widgets.trace_plots import traces_plot  # pyqtgraph loads only when needed

            self.plot = traces_plot(traces)
        if self.plot is not None:
            plots = QScrollArea()  # the plots keep a readable height and scroll
            plots.setWidget(self.plot)
            plots.setWidgetResizable(True)
            plots.setFrameShape(QFrame.Shape.NoFrame)
            plots.setMinimumHeight(120)
            self.content.addWidget(plots)
            self.content.setSizes([1, 1])
        layout = QVBoxLayout(self)
        layout.addWidget(self.content, 1)
        self.photos, self.printout = photos, printout
        if photos is not None:  # below the record, above the actions: always in sight
            layout.addWidget(photos)
        self.action_panel = actions
        if actions is not None:
            layout.addWidget(actions)
        layout.addWidget(buttons)
        self.buttons = buttons
        fit_to_screen(self, self.WANTED if self.plot is not None else self.WANTED_NO_TRACES)

    def show_detail(self, detail: SessionDetail, events: Sequence[AuditRow] | None = None
                    ) -> None:
        """Show the session as it now is (after a sign-off, amendment, voiding or follow-up),
        with its audit events as read again when given."""
        self.detail = detail
        if events is not None:
            self.events = events
        self.browser.setHtml(session_html(detail, self.events))

    def _choose_pdf(self) -> None:
        path, _filter = choose_file_to_save(self, "Session report", "session.pdf",
                                            "PDF documents (*.pdf)")
        if path is not None:
            self.save_pdf(path)

    def save_pdf(self, path: Path) -> None:
        """The report, with the photos and the signed consent when the dialog was given how
        to read them (``printout``)."""
        if self.printout is None:
            write_session_pdf(self.detail, path)
            return
        self.printout(self.detail.summary.id, lambda printout: write_session_pdf(
            self.detail, path, printout))
