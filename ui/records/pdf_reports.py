"""The PDF period summary: sessions by status and the summary's charts.

The summary's figures are the same SQL aggregates as the Charts screen, over the History's
filters; the charts are drawn offscreen and placed in the document as images.
"""

from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from sqlalchemy.orm import Session

from models.access.witness import head_text
from models.reading import chart_data
from models.reading.chart_data import ChartData
from models.reading.history_filter import HistoryFilter, count_sessions
from models.values.rows import Actor
from models.values.vocabulary import SessionStatus
from ui.widgets.chart_drawing import draw_chart
from ui.widgets.pdf_writer import STYLE, html_document, write_document

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
