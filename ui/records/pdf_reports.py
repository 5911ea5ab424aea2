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

from models.access.witness import shown_head_text
from models.language import date_text, number_text
from models.reading import chart_data
from models.reading.chart_data import ChartData
from models.reading.history_filter import HistoryFilter, count_sessions
from models.reading.session_printout import PrintedConsent, PrintedPhoto, SessionPrintout
from models.values.photo_poses import pose_label
from models.values.rows import Actor
from models.values.vocabulary import Area, SessionStatus
from ui.language import tr, trn
from ui.widgets.display import local_time
from ui.widgets.pdf_writer import STYLE, add_image, html_document, write_document
from ui.widgets.photo_thumbnails import kind_word

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
    return PeriodFigures(counts, charts, shown_head_text(db))


def _described(filters: HistoryFilter) -> str:
    parts = []
    if filters.since:
        parts.append(tr("from {day}").format(day=date_text(filters.since.astimezone().date())))
    if filters.until:
        parts.append(tr("before {day}").format(day=date_text(filters.until.astimezone().date())))
    area = Area(filters.area).label if filters.area in set(Area) else filters.area
    status = SessionStatus(filters.status).label if filters.status in set(SessionStatus) \
        else filters.status
    for text, value in ((tr("room {value}"), filters.room), (tr("area {value}"), area),
                        (tr("patient {value}"), filters.patient),
                        (tr("status {value}"), status), (tr("search {value}"), filters.search)):
        if value:
            parts.append(text.format(value=value))
    return ", ".join(parts) or tr("all sessions")


def write_period_summary(figures: PeriodFigures, filters: HistoryFilter, path: Path) -> None:
    """The period summary: sessions by status, then each chart as an image."""
    import pyqtgraph as pg  # loaded only for the charts

    from ui.widgets.chart_drawing import draw_chart

    counts, charts = figures.counts, figures.charts
    title = tr("LaserLog period summary")
    found = trn("{filters}; %n session.", "{filters}; %n sessions.", sum(counts.values()))
    html = [f"<h1>{escape(title)}</h1><p>{escape(found.format(filters=_described(filters)))}"
            "</p><table border='1' cellspacing='0' cellpadding='3'>"
            f"<tr><th>{escape(tr('Status'))}</th><th>{escape(tr('Sessions'))}</th></tr>"]
    html += [f"<tr><td>{escape(s)}</td><td align='right'>{number_text(n)}</td></tr>"
             for s, n in counts.items()]
    html.append("</table>")
    document = html_document(title, "")
    plot = pg.PlotWidget(background="w")
    plot.resize(*CHART_SIZE)
    for number, data in enumerate(charts):
        html.append(f"<h2>{escape(data.title)}</h2>")
        if data.empty:
            html.append(f"<p>{escape(tr('Nothing to draw for these filters.'))}</p>")
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
    return f"{area} – {kind_word(photo.kind)} – {pose_label(photo.pose) or tr('no pose')}"


def photos_html(document: QTextDocument, photos: tuple[PrintedPhoto, ...],
                voided: int = 0) -> list[str]:
    """The photos' thumbnails, a few to a row, each with its area, kind and pose beneath."""
    html = [f"<h3>{escape(tr('Photos'))}</h3>"]
    if not photos:
        html.append(f"<p>{escape(tr('None kept with this session.'))}</p>")
    else:
        html.append("<table cellspacing='0' cellpadding='4'>")
        for start in range(0, len(photos), PHOTOS_PER_ROW):
            html.append("<tr>")
            for number, photo in enumerate(photos[start:start + PHOTOS_PER_ROW], start):
                name = f"photo{number}.jpg"
                shown = (f"<img src='{name}' width='{PHOTO_WIDTH}'>"
                         if add_image(document, name, photo.thumbnail)
                         else f"<i>{escape(tr('(the thumbnail cannot be drawn)'))}</i>")
                html.append(f"<td align='center' valign='bottom'>{shown}<br>"
                            f"{escape(_caption(photo))}<br><small>"
                            f"{escape(local_time(photo.taken_at))}</small></td>")
            html.append("</tr>")
        html.append("</table>")
    if voided:
        html.append("<p>" + escape(trn("%n voided photo is kept with the record and not shown.",
                                       "%n voided photos are kept with the record and not "
                                       "shown.", voided)) + "</p>")
    return html


def consent_html(document: QTextDocument, consent: PrintedConsent | None) -> list[str]:
    """The consent the patient signed on screen: its version, signer, date and signature."""
    html = [f"<h3>{escape(tr('Consent signed on screen'))}</h3>"]
    if consent is None:
        return [*html, "<p>" + escape(tr("No consent signed on screen is on file for this "
                                         "session.")) + "</p>"]
    signed = tr("{title}, version {version}: signed by {name} on {moment}, witnessed by "
                "{witness}.").format(title=consent.title, version=consent.version,
                                     name=consent.signer_name,
                                     moment=local_time(consent.signed_at), witness=consent.witness)
    html.append(f"<p>{escape(signed)}</p>")
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
