"""Per-pulse traces drawn with pyqtgraph: one plot per channel, sharing the time axis.

Imported here only where traces are shown, so the main window starts without pyqtgraph.
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ui.language import tr, tr_noop

TRACE_TITLES = {
    "delivered_fluence_j_cm2": tr_noop("Delivered fluence (J/cm²)"),
    "delivered_energy_j": tr_noop("Delivered energy (J)"),
    "skin_temperature_c": tr_noop("Skin temperature (°C)"),
    "impedance_ohm": tr_noop("Impedance (Ω)"),
}
PLOT_HEIGHT = 160


def stored_series(traces: Mapping[str, bytes]) -> dict[str, np.ndarray]:
    """Stored channels (float32, little-endian) as arrays."""
    return {channel: np.frombuffer(data, dtype="<f4") for channel, data in traces.items()}


# pyqtgraph ships no type information, so its classes are Any to mypy
class TracePlots(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """The channels measured, against seconds since the session's first pulse."""

    def __init__(self, channels: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setAccessibleName(tr("Per-pulse traces"))
        self.curves: dict[str, pg.PlotDataItem] = {}
        first = None
        for channel in (c for c in TRACE_TITLES if c in channels):
            plot = self.addPlot(title=tr(TRACE_TITLES[channel]))
            plot.getAxis("bottom").setLabel(tr("seconds since the first pulse"))
            self.curves[channel] = plot.plot(
                [], [], pen=None, symbol="o", symbolSize=3, symbolPen=None,
                symbolBrush=(30, 90, 160, 160))
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            self.nextRow()
        self.setMinimumHeight(PLOT_HEIGHT * max(1, len(self.curves)))

    def show_series(self, series: Mapping[str, Sequence[float] | np.ndarray]) -> None:
        """Draw ``series``: ``time_s`` and any of the channels plotted, pulse by pulse."""
        time_s = np.asarray(series["time_s"], dtype=float)
        for channel, curve in self.curves.items():
            if channel in series:
                values = np.asarray(series[channel], dtype=float)
                curve.setData(time_s[:len(values)], values)

    def points(self, channel: str) -> int:
        """How many pulses the plot of ``channel`` shows."""
        x_data, _ = self.curves[channel].getData()
        return 0 if x_data is None else len(x_data)


def traces_plot(traces: Mapping[str, bytes]) -> TracePlots | None:
    """A session's stored traces drawn, or None when it has none."""
    if "time_s" not in traces:
        return None
    plots = TracePlots(list(traces))
    plots.show_series(stored_series(traces))
    return plots
