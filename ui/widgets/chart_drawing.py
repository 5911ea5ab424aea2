"""Drawing a chart's plain series with pyqtgraph: grouped bars, or lines with marks.

Shared by the Charts screen and the PDF period summary, so both read the same.
"""

import math

import pyqtgraph as pg

from models.reading.chart_data import ChartData

COLOURS = ((30, 90, 160), (214, 110, 20), (40, 150, 70), (170, 40, 50), (120, 80, 170),
           (20, 150, 160), (150, 120, 30), (90, 90, 90))
GROUP_WIDTH = 0.8

Bar = tuple[float, float, str]  # x centre, value, description


def draw_chart(plot: pg.PlotWidget, data: ChartData, lines: bool = False) -> list[Bar]:
    """Draw ``data`` on ``plot`` (bars, or lines when asked or marked); return what each bar
    or point shows, for hovering."""
    plot.clear()
    item = plot.getPlotItem()
    if item.legend is not None:
        item.legend.clear()
    else:
        plot.addLegend(offset=(-10, 10))
    item.setTitle(data.title)
    item.setLabel("left", data.value_label + (" (%)" if data.percent else ""))
    if data.empty:
        return []
    bars = _lines(plot, data) if lines or data.marks else _bars(plot, data)
    ticks = list(enumerate(data.categories))
    step = max(1, len(ticks) // 12)  # a readable number of labels
    item.getAxis("bottom").setTicks([ticks[::step], ticks])
    plot.autoRange()
    return bars


def _bars(plot: pg.PlotWidget, data: ChartData) -> list[Bar]:
    found: list[Bar] = []
    width = GROUP_WIDTH / len(data.series)
    for n, (name, values) in enumerate(data.series.items()):
        xs = [i - GROUP_WIDTH / 2 + width * (n + 0.5) for i in range(len(values))]
        plot.addItem(pg.BarGraphItem(x=xs, height=list(values), width=width * 0.9,
                                     brush=COLOURS[n % len(COLOURS)], name=name))
        unit = " %" if data.percent else ""
        found += [(x, v, f"{name}, {data.categories[i]}: {v:.3g}{unit}")
                  for i, (x, v) in enumerate(zip(xs, values, strict=True))]
    return found


def _lines(plot: pg.PlotWidget, data: ChartData) -> list[Bar]:
    found: list[Bar] = []
    for n, (name, values) in enumerate(data.series.items()):
        xs = [i for i, v in enumerate(values) if not math.isnan(v)]
        ys = [values[i] for i in xs]
        colour = COLOURS[n % len(COLOURS)]
        plot.plot(xs, ys, pen=pg.mkPen(colour, width=2), symbol="o", symbolBrush=colour,
                  name=name)
        found += [(x, y, f"{name}, {data.categories[x]}: {y:g}") for x, y in
                  zip(xs, ys, strict=True)]
    if data.marks:
        plot.addItem(pg.ScatterPlotItem(x=[m[0] for m in data.marks],
                                        y=[m[1] for m in data.marks], symbol="x", size=16,
                                        pen=pg.mkPen((200, 0, 0), width=3), name="reaction"))
        found += [(x, y, f"{note} on {data.categories[x]}") for x, y, note in data.marks]
    return found
