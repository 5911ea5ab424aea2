"""Drawing a chart's plain series with pyqtgraph: grouped bars, or lines with marks.

Shared by the Charts screen and the PDF period summary, so both read the same: dark text,
a colour of its own for every series, as many axis labels as fit without overprinting,
room above the bars for the legend, and a reaction marked by a ring that leaves its point
in sight.
"""

import math

import pyqtgraph as pg

from models.language import short_number_text
from models.reading.chart_data import ChartData
from ui.language import tr

COLOURS = ((30, 90, 160), (214, 110, 20), (40, 150, 70), (170, 40, 50), (120, 80, 170),
           (20, 150, 160), (150, 120, 30), (90, 90, 90))
GROUP_WIDTH = 0.8
TEXT = "#1f1f1f"
CHAR_WIDTH = 7.5  # px per character of an axis label, near enough to space them
LEGEND_ROW_ROOM = 0.1  # above the highest value, the axis goes on this much per legend row
LEGEND_ROWS, LEGEND_COLUMNS = 3, 5  # a long legend goes into columns, 3 rows high

Bar = tuple[float, float, str]  # x centre, value, description


def colour(index: int, count: int) -> tuple[int, int, int] | pg.QtGui.QColor:
    """A colour for series ``index`` of ``count``: the palette, then evenly spread hues."""
    return COLOURS[index] if count <= len(COLOURS) else pg.intColor(index, hues=count)


def draw_chart(plot: pg.PlotWidget, data: ChartData, lines: bool = False) -> list[Bar]:
    """Draw ``data`` on ``plot`` (bars, or lines when asked or marked); return what each bar
    or point shows, for hovering."""
    plot.clear()
    item = plot.getPlotItem()
    if item.legend is not None:
        item.legend.clear()
    else:
        plot.addLegend(offset=(10, 5), labelTextColor=TEXT, brush=(255, 255, 255, 230),
                       pen=(200, 200, 200))
    item.setTitle(data.title, color=TEXT)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setTextPen(TEXT)
        axis.setPen(TEXT)
    item.getAxis("bottom").setHeight(44)  # room for staggered labels
    item.getAxis("left").setLabel(data.value_label + (" (%)" if data.percent else ""), color=TEXT)
    if data.empty:
        return []
    bars = _lines(plot, data) if lines or data.marks else _bars(plot, data)
    entries = len(data.series) + bool(data.marks)
    columns = min(LEGEND_COLUMNS, math.ceil(entries / LEGEND_ROWS))
    if item.legend is not None:  # a legend of many entries takes columns, not the height
        item.legend.setColumnCount(columns)
    rows = math.ceil(entries / columns)
    item.getAxis("bottom").setTicks([_labels(data.categories, plot.width()), []])
    count = len(data.categories)
    item.getViewBox().setXRange(-0.6, count - 0.4, padding=0)
    top = max((y for _x, y, _d in bars if not math.isnan(y)), default=1) or 1
    item.getViewBox().setYRange(0, top * (1.15 + LEGEND_ROW_ROOM * rows), padding=0)
    return bars


def _labels(categories: tuple[str, ...], width: float) -> list[tuple[int, str]]:
    """As many axis labels as fit without overprinting: on one line, else staggered on two
    (every other one a line lower), else every n-th of them on two lines."""
    widest = max(len(text) for text in categories) * CHAR_WIDTH + 12
    fit = max(1, int((width - 80) // widest))
    ticks = list(enumerate(categories))
    if len(ticks) <= fit:
        return ticks
    # Staggered, each label has two slots' width; a longer one is cut (hovering names it).
    chars = max(6, int((2 * (width - 80) / len(ticks) - 12) // CHAR_WIDTH))
    return [(x, (_cut(text, chars) if n % 2 == 0 else f"\n{_cut(text, chars)}"))
            for n, (x, text) in enumerate(ticks)]


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1].rstrip() + "…"


def _bars(plot: pg.PlotWidget, data: ChartData) -> list[Bar]:
    found: list[Bar] = []
    width = GROUP_WIDTH / len(data.series)
    for n, (name, values) in enumerate(data.series.items()):
        xs = [i - GROUP_WIDTH / 2 + width * (n + 0.5) for i in range(len(values))]
        plot.addItem(pg.BarGraphItem(x=xs, height=list(values), width=width * 0.9,
                                     brush=colour(n, len(data.series)), name=name))
        unit = " %" if data.percent else ""
        found += [(x, v, f"{name}, {data.categories[i]}: {short_number_text(v, 3)}{unit}")
                  for i, (x, v) in enumerate(zip(xs, values, strict=True))]
    return found


def _lines(plot: pg.PlotWidget, data: ChartData) -> list[Bar]:
    found: list[Bar] = []
    for n, (name, values) in enumerate(data.series.items()):
        xs = [i for i, v in enumerate(values) if not math.isnan(v)]
        ys = [values[i] for i in xs]
        shade = colour(n, len(data.series))
        plot.plot(xs, ys, pen=pg.mkPen(shade, width=2), symbol="o", symbolSize=8,
                  symbolBrush=shade, name=name)
        found += [(x, y, f"{name}, {data.categories[x]}: {short_number_text(y)}") for x, y in
                  zip(xs, ys, strict=True)]
    if data.marks:  # a ring around the point: the point itself stays in sight
        plot.addItem(pg.ScatterPlotItem(x=[m[0] for m in data.marks],
                                        y=[m[1] for m in data.marks], symbol="o", size=20,
                                        brush=None, pen=pg.mkPen((200, 0, 0), width=2.5),
                                        name=tr("with a reaction")))
        found += [(x, y, tr("{note} on {day}").format(note=note, day=data.categories[x]))
                  for x, y, note in data.marks]
    return found
