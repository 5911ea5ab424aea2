"""The PDF reports drawn with pictures: the period summary with its charts, and a session's
report with its photos and the consent signed on screen.

The summary's figures are the same SQL aggregates as the Charts screen, over the History's
filters; the charts are drawn offscreen and placed in the document as images. A session's
photos are placed as their thumbnails, each with its area, kind and pose beneath.
"""

from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from sqlalchemy.orm import Session

from models.access.witness import head_text
from models.reading import chart_data
from models.reading.chart_data import ChartData
from models.reading.history_filter import HistoryFilter, count_sessions
from models.reading.session_printout import PrintedConsent, PrintedPhoto, SessionPrintout
from models.values.rows import Actor
from models.values.vocabulary import Area, SessionStatus
from ui.widgets.display import local_time
from ui.widgets.pdf_writer import STYLE, add_image, html_document, write_document

SUMMARY_CHARTS = ("Sessions per month by room", "Reaction rate by area",
                  "Session length by area")
CHART_SIZE = (900, 420)


@dataclass(frozen=True)
class PeriodFigures:
    counts: dict[str, int]  # sessions by status
    charts: list[ChartData]
    chain_head: str  # the audit chain's head when they were read, printed as a witness

    @property
    def sessions(self) -> int:
        return sum(self.counts.values())


def period_figures(db: Session, actor: Actor, filters: HistoryFilter) -> PeriodFigures:
    """Sessions by status, and the summary's charts: all SQL aggregates."""
    counts = {status.label: count_sessions(db, actor, replace(filters, status=status.value))
              for status in SessionStatus}
    charts = [chart_data.CHARTS[title](db, actor, filters)
              for title in SUMMARY_CHARTS]
    return PeriodFigures(counts, charts, head_text(db))


def _described(filters: HistoryFilter) -> str:
    parts = []
    if filters.since:
        parts.append(f"from {filters.since.astimezone():%Y-%m-%d}")
    if filters.until:
        parts.append(f"before {filters.until.astimezone():%Y-%m-%d}")
    for label, value in (("room", filters.room), ("area", filters.area),
                         ("patient", filters.patient), ("status", filters.status),
                         ("search", filters.search)):
        if value:
            parts.append(f"{label} {value}")
    return ", ".join(parts) or "all sessions"


def write_period_summary(figures: PeriodFigures, filters: HistoryFilter, path: Path) -> None:
    """The period summary: sessions by status, then each chart as an image."""
    import pyqtgraph as pg  # loaded only for the charts

    from ui.widgets.chart_drawing import draw_chart

    counts, charts = figures.counts, figures.charts
    html = [f"<h1>LaserLog period summary</h1><p>{escape(_described(filters))}; "
            f"{sum(counts.values()):,} session(s).</p><table border='1' cellspacing='0' "
            "cellpadding='3'><tr><th>Status</th><th>Sessions</th></tr>"]
    html += [f"<tr><td>{escape(s)}</td><td align='right'>{n:,}</td></tr>"
             for s, n in counts.items()]
    html.append("</table>")
    document = html_document("LaserLog period summary", "")
    plot = pg.PlotWidget(background="w")
    plot.resize(*CHART_SIZE)
    for number, data in enumerate(charts):
        html.append(f"<h2>{escape(data.title)}</h2>")
        if data.empty:
            html.append("<p>Nothing to draw for these filters.</p>")
            continue
        draw_chart(plot, data)
        name = f"chart{number}.png"
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name),
                             plot.grab().toImage())
        html.append(f"<p><img src='{name}' width='{CHART_SIZE[0] * 0.7:.0f}'></p>")
    plot.deleteLater()
    html.append(f"<p><small>LaserLog {escape(figures.chain_head)}</small></p>")
    document.setHtml(STYLE + "".join(html))
    write_document(document, path)


PHOTOS_PER_ROW = 3
PHOTO_WIDTH = 150  # points on the page: three across an A4 page's text


def _caption(photo: PrintedPhoto) -> str:
    area = Area(photo.area).label if photo.area in set(Area) else photo.area
    return f"{area} – {photo.kind} – {photo.pose or 'no pose'}"


def photos_html(document: QTextDocument, photos: tuple[PrintedPhoto, ...],
                voided: int = 0) -> list[str]:
    """The photos' thumbnails, a few to a row, each with its area, kind and pose beneath."""
    html = ["<h3>Photos</h3>"]
    if not photos:
        html.append("<p>None kept with this session.</p>")
    else:
        html.append("<table cellspacing='0' cellpadding='4'>")
        for start in range(0, len(photos), PHOTOS_PER_ROW):
            html.append("<tr>")
            for number, photo in enumerate(photos[start:start + PHOTOS_PER_ROW], start):
                name = f"photo{number}.jpg"
                shown = (f"<img src='{name}' width='{PHOTO_WIDTH}'>"
                         if add_image(document, name, photo.thumbnail)
                         else "<i>(the thumbnail cannot be drawn)</i>")
                html.append(f"<td align='center' valign='bottom'>{shown}<br>"
                            f"{escape(_caption(photo))}<br><small>"
                            f"{escape(local_time(photo.taken_at))}</small></td>")
            html.append("</tr>")
        html.append("</table>")
    if voided:
        html.append(f"<p>{voided} voided photo(s) are kept with the record and not shown.</p>")
    return html


def consent_html(document: QTextDocument, consent: PrintedConsent | None) -> list[str]:
    """The consent the patient signed on screen: its version, signer, date and signature."""
    html = ["<h3>Consent signed on screen</h3>"]
    if consent is None:
        return [*html, "<p>No consent signed on screen is on file for this session.</p>"]
    html.append(f"<p>{escape(consent.title)}, version {escape(consent.version)}: signed by "
                f"{escape(consent.signer_name)} on {escape(local_time(consent.signed_at))}, "
                f"witnessed by {escape(consent.witness)}.</p>")
    if add_image(document, "signature.png", consent.rendering):
        html.append("<p><img src='signature.png' width='180'></p>")
    html.append(f"<p><small>SHA-256 {escape(consent.sha256)}</small></p>")
    return html


def write_session_report(title: str, html: str, printout: SessionPrintout, path: Path) -> None:
    """A session's report (``html``) followed by its photos and its signed consent."""
    document = html_document(title, "")
    parts = [html, *photos_html(document, printout.photos, printout.voided_photos),
             *consent_html(document, printout.consent)]
    document.setHtml(STYLE + "".join(parts))
    write_document(document, path)
