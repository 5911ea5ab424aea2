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

from models.language import date_text, short_number_text
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
from ui.language import tr, trn
from ui.records.amend_changes import changes, changes_html
from ui.widgets import display
from ui.widgets.display import local_time
from ui.widgets.file_dialogs import choose_file_to_save
from ui.widgets.pdf_writer import write_html_pdf
from ui.widgets.screen_fit import fit_to_screen


def _value(value: float | int | None) -> str:
    return "–" if value is None else short_number_text(value)


def _anaesthetic(detail: SessionDetail) -> str:
    if detail.anaesthetic_agent is None:
        return tr("none", "no anaesthetic")
    applied = display.local_time(detail.anaesthetic_applied_at) or tr("at an unrecorded time")
    return tr("{agent}, applied {moment}").format(agent=detail.anaesthetic_agent,
                                                  moment=applied)


def session_html(detail: SessionDetail, events: Sequence[AuditRow] = ()) -> str:
    """The session as an HTML page, with its audit events when given; every value escaped."""
    s, p = detail.summary, detail.patient
    rows = [
        (tr("Patient"), f"{p.full_name} ({p.identifier})"),
        (tr("Date of birth"), date_text(p.date_of_birth) if p.date_of_birth else "–"),
        (tr("Skin type (record)"), FITZPATRICK_TYPES.get(p.fitzpatrick or 0,
                                                         tr("not assessed"))),
        (tr("Start"), display.local_time(s.started_at)),
        (tr("Duration"), display.minutes(s.duration_s) or "–"),
        (tr("Technician"), s.technician),
        (tr("Device"), detail.device.display_name if detail.device else "–"),
        (tr("Room"), detail.room or "–"),
        (tr("Anaesthetic"), _anaesthetic(detail)),
        (tr("Status"), display.status_label(s.status)),
        (tr("Completed"), display.local_time(detail.completed_at) or tr("not yet")),
        (tr("Aftercare sheet"), tr("given {moment}").format(
            moment=display.local_time(detail.aftercare_given_at))
         if detail.aftercare_given_at else tr("not recorded as given")),
        (tr("Reviewed"), _reviewed(detail)),
        (tr("Session ID"), str(s.uuid)),
    ]
    title = tr("Session of {moment}").format(moment=display.local_time(s.started_at))
    html = [f"<h2>{escape(title)}</h2>"]
    if detail.voided_at is not None:
        voided = tr("<b>Voided</b> {moment}: {reason}").format(
            moment=escape(local_time(detail.voided_at)), reason=escape(detail.void_reason))
        html.append(f"<p style='color:#a00000'>{voided}</p>")
    html.append("<table>")
    html += [f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows]
    html.append(f"</table><h3>{escape(tr('Treated areas and parameters'))}</h3>")
    html += _parameters_html(detail)
    html += _screening_html(detail.screening)
    html.append(f"<h3>{escape(tr('Reactions'))}</h3>")
    if detail.reactions:
        html.append("<ul>")
        for r in detail.reactions:
            reaction = tr("{reaction}, grade {grade} ({onset}): {note}") if r.note else \
                tr("{reaction}, grade {grade} ({onset})")
            html.append("<li>" + escape(reaction.format(
                reaction=ReactionKind(r.kind).label, grade=r.grade,
                onset=ReactionOnset(r.onset).label, note=r.note)) + "</li>")
        html.append("</ul>")
    else:
        html.append(f"<p>{escape(tr('None recorded.'))}</p>")
    html += _follow_ups_html(detail)
    html.append(f"<h3>{escape(tr('Notes'))}</h3><p>{escape(detail.notes) or '–'}</p>")
    if detail.imports:
        html.append(f"<h3>{escape(tr('Imported device files'))}</h3><ul>")
        for batch in detail.imports:
            imported = trn(
                "{file} – {moment} by {user}, profile {profile}, device session {session}: "
                "%n pulse ({flagged} flagged for review); SHA-256 {sha256}",
                "{file} – {moment} by {user}, profile {profile}, device session {session}: "
                "%n pulses ({flagged} flagged for review); SHA-256 {sha256}", batch.pulses)
            html.append("<li>" + escape(imported.format(
                file=batch.file_name, moment=local_time(batch.imported_at), user=batch.user,
                profile=batch.profile, session=batch.device_session,
                flagged=batch.flagged_pulses, sha256=batch.sha256)) + "</li>")
        html.append("</ul>")
    html += _amendments_html(detail)
    html += _events_html(events)
    return "".join(html)


def _parameters_html(detail: SessionDetail) -> list[str]:
    """A row for each parameter and a column for each area: however many parameters a device
    has, the table fits the screen and an A4 page with no word broken."""
    if not detail.areas:
        return [f"<p>{escape(tr('No areas recorded.'))}</p>"]
    html = ["<table border='1' cellspacing='0' cellpadding='3'>"
            f"<tr><th>{escape(tr('Parameter'))}</th>"]
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
    for title, texts in ((tr("Parameters from"), sources),
                         (tr("Reason for a change beyond the limit"), reasons)):
        html.append(f"<tr><td>{escape(title)}</td>")
        html += [f"<td>{escape(text)}</td>" for text in texts]
        html.append("</tr>")
    html.append("</table>")
    return html


def _screening_html(screening: ScreeningInput | None) -> list[str]:
    html = [f"<h3>{escape(tr('Screening and checklist'))}</h3>"]
    if screening is None:
        return [*html, f"<p>{escape(tr('Not recorded.'))}</p>"]
    skin = FITZPATRICK_TYPES.get(screening.fitzpatrick or 0, tr("not assessed"))
    signed = date_text(screening.consent_signed_on) if screening.consent_signed_on else "–"
    html.append("<p>" + escape(tr("Skin type {skin}; consent {version} signed {day}.").format(
        skin=skin, version=screening.consent_version or "–", day=signed)) + "</p>")
    if screening.found:
        html.append(f"<p>{escape(tr('Contraindications found:'))}</p><ul>")
        for code in sorted(screening.found):
            label, reason = Contraindication(code).label, screening.reasons.get(code, "")
            found = tr("{contraindication}: treated because {reason}").format(
                contraindication=label, reason=reason) if reason else label
            html.append(f"<li>{escape(found)}</li>")
        html.append("</ul>")
    else:
        html.append(f"<p>{escape(tr('No contraindication found.'))}</p>")
    missing = [item.label for item in ChecklistItem if item not in screening.checklist]
    checklist = tr("Checklist: not ticked: {items}.").format(items="; ".join(missing)) \
        if missing else tr("Checklist: every item ticked.")
    html.append(f"<p>{escape(checklist)}</p>")
    return html


def _follow_ups_html(detail: SessionDetail) -> list[str]:
    if not detail.follow_ups:
        return []
    heads = (tr("Seen"), tr("Reaction"), tr("Grade"), tr("Resolved"), tr("Note"), tr("By"))
    html = [f"<h3>{escape(tr('Follow-ups'))}</h3>"
            "<table border='1' cellspacing='0' cellpadding='3'><tr>"
            + "".join(f"<th>{escape(head)}</th>" for head in heads) + "</tr>"]
    for f in detail.follow_ups:
        resolved = date_text(f.resolved_on) if f.resolved_on else tr("not yet")
        html.append(f"<tr><td>{escape(date_text(f.observed_on))}</td>"
                    f"<td>{escape(ReactionKind(f.kind).label)}</td><td>{f.grade}</td>"
                    f"<td>{escape(resolved)}</td><td>{escape(f.note)}</td>"
                    f"<td>{escape(f.recorded_by)}</td></tr>")
    html.append("</table>")
    return html


def _events_html(events: Sequence[AuditRow]) -> list[str]:
    if not events:
        return []
    heads = (tr("No."), tr("When"), tr("User"), tr("Action"), tr("Reason"))
    html = [f"<h3>{escape(tr('Audit trail of this session'))}</h3><table border='1' "
            "cellspacing='0' cellpadding='3'><tr>"
            + "".join(f"<th>{escape(head)}</th>" for head in heads) + "</tr>"]
    html += [f"<tr><td>{e.seq}</td><td>{escape(local_time(e.occurred_at))}</td>"
             f"<td>{escape(e.user or '–')}</td><td>{escape(e.action)}</td>"
             f"<td>{escape(e.reason)}</td></tr>" for e in events]
    html.append("</table>")
    return html


def _amendments_html(detail: SessionDetail) -> list[str]:
    """Each amendment with the values it replaced, so the session as signed stays readable."""
    if not detail.amendments:
        return []
    html = [f"<h3>{escape(tr('Amendments'))}</h3><p>"
            + escape(tr("The values above are the current ones; each amendment lists what it "
                        "replaced.")) + "</p><ol>"]
    for amendment in detail.amendments:
        made = tr("{moment} by {user}: {reason}").format(
            moment=local_time(amendment.amended_at), user=amendment.user,
            reason=amendment.reason)
        html.append(f"<li>{escape(made)}"
                    f"{changes_html(changes(amendment.old, amendment.new))}</li>")
    html.append("</ol>")
    return html


def _reviewed(detail: SessionDetail) -> str:
    """Who signed the session off, or why it awaits review (again)."""
    if detail.reviewed_at is not None:
        return tr("{moment} by {user}").format(moment=display.local_time(detail.reviewed_at),
                                               user=detail.reviewed_by)
    withdrawn = [a.number for a in detail.amendments if a.old.get(REVIEW_KEY)]
    if detail.summary.status == SessionStatus.AMENDED and withdrawn:
        return tr("not since amendment {number}: awaiting review again").format(
            number=detail.amendments[-1].number)
    if detail.summary.status == SessionStatus.AMENDED:
        return tr("not yet: awaiting review of the amended session")
    return tr("not yet")


def write_session_pdf(detail: SessionDetail, path: Path,
                      printout: SessionPrintout | None = None) -> None:
    """The one-session report: everything the session detail shows, and with ``printout``
    (``models.reading.session_printout``) its photos and the consent signed on screen."""
    title = tr("Session of {moment}").format(moment=local_time(detail.summary.started_at))
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
        self.setWindowTitle(tr("Session – {patient}").format(patient=detail.patient.full_name))
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
        self.pdf_button = buttons.addButton(tr("Save as &PDF…"),
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
        path, _filter = choose_file_to_save(self, tr("Session report"), tr("session.pdf"),
                                            tr("PDF documents (*.pdf)"))
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
