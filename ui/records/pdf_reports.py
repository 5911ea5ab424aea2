"""PDF reports with Qt's own PDF writer: one session, or a period summary with its charts.

The summary's figures are the same SQL aggregates as the Charts screen, over the History's
filters; the charts are drawn offscreen and placed in the document as images.
"""

from dataclasses import replace
from html import escape
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from sqlalchemy.orm import Session

from models.errors import LaserLogError
from models.reading import chart_data
from models.reading.chart_data import ChartData
from models.reading.history_filter import HistoryFilter, count_sessions
from models.storage.atomic_files import written_in_place_of
from models.values.rows import Actor, SessionDetail
from models.values.vocabulary import SessionStatus
from ui.oversight.charts_view import draw_chart
from ui.records.session_detail import session_html
from ui.widgets.display import local_time

SUMMARY_CHARTS = ("Sessions per month by room", "Reaction rate by area",
                  "Session length by area")
CHART_SIZE = (900, 420)
STYLE = "<style>body{font-family:sans-serif;font-size:9pt} th{text-align:left}</style>"


def _write(document: QTextDocument, path: Path) -> None:
    with written_in_place_of(path) as partial:
        writer = QPdfWriter(str(partial))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setTitle(document.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
        writer.setCreator("LaserLog")
        document.print_(writer)
        del writer  # the file is complete once the writer is gone
        if not partial.exists() or partial.stat().st_size == 0:
            raise LaserLogError(f"Cannot write {path}")


def _document(title: str, html: str) -> QTextDocument:
    document = QTextDocument()
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    document.setHtml(STYLE + html)
    return document


def write_html_pdf(title: str, html: str, path: Path) -> None:
    """A report of one page of HTML (an incident report, an aftercare sheet)."""
    _write(_document(title, html), path)


def write_session_pdf(detail: SessionDetail, path: Path) -> None:
    """The one-session report: everything the session detail shows."""
    write_html_pdf(f"Session of {local_time(detail.summary.started_at)}", session_html(detail),
                   path)


def period_figures(db: Session, actor: Actor, filters: HistoryFilter
                   ) -> tuple[dict[str, int], list[ChartData]]:
    """Sessions by status, and the summary's charts: all SQL aggregates."""
    counts = {status.label: count_sessions(db, actor, replace(filters, status=status.value))
              for status in SessionStatus}
    charts = [chart_data.CHARTS[title](db, actor, filters) for title in SUMMARY_CHARTS]
    return counts, charts


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


def write_period_summary(counts: dict[str, int], charts: list[ChartData],
                         filters: HistoryFilter, path: Path) -> None:
    """The period summary: sessions by status, then each chart as an image."""
    html = [f"<h1>LaserLog period summary</h1><p>{escape(_described(filters))}; "
            f"{sum(counts.values()):,} session(s).</p><table border='1' cellspacing='0' "
            "cellpadding='3'><tr><th>Status</th><th>Sessions</th></tr>"]
    html += [f"<tr><td>{escape(s)}</td><td align='right'>{n:,}</td></tr>"
             for s, n in counts.items()]
    html.append("</table>")
    document = _document("LaserLog period summary", "")
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
    document.setHtml(STYLE + "".join(html))
    _write(document, path)
