"""The supervisor's charts, drawn with pyqtgraph from SQL aggregates over the history's filters.

Bars for counts and rates (one colour per series, side by side), lines for a patient's
course with reactions marked. Hovering shows the value under the pointer; each chart can be
saved as a PNG.
"""

from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.language import _
from models.reading import chart_data
from models.reading.chart_data import ChartData
from models.reading.history_filter import HistoryFilter
from models.values.rows import Actor
from ui.language import tr, tr_noop
from ui.services.tasks import TaskRunner
from ui.widgets.chart_drawing import draw_chart
from ui.widgets.file_dialogs import choose_file_to_save

COURSE_TITLE = tr_noop("A patient's course: {quantity}")
#: The course charts, one per quantity (one unit per axis), by their title in English.
COURSES = {COURSE_TITLE.format(quantity=label): quantity
           for quantity, label in chart_data.COURSE_QUANTITIES.items()}


def shown_title(title: str) -> str:
    """A chart's title (its English key) as the list shows it, in the language in use."""
    if title in COURSES:
        label = chart_data.COURSE_QUANTITIES[COURSES[title]]
        return tr(COURSE_TITLE).format(quantity=_(label))
    return _(title)


class ChartsView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor,
                 current_filter: Callable[[], HistoryFilter], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.current_filter = tasks, actor, current_filter
        self.data: ChartData | None = None
        self.bars: list[tuple[float, float, str]] = []  # x centre, value, description
        self._asked = 0  # only the latest chart asked for is drawn
        self.stale = True  # the filters or the choice changed while the screen was hidden
        self.choice = QComboBox()
        self.choice.setAccessibleName(tr("Chart"))
        for title in (*chart_data.CHARTS, *COURSES):
            self.choice.addItem(shown_title(title), title)
        self.patient = QLineEdit(placeholderText=tr("patient identifier, then Enter"))
        self.patient.setAccessibleName(tr("Patient for the course"))
        self.patient.setVisible(False)
        self.draw_button = QPushButton(tr("&Draw"))
        self.save_button = QPushButton(tr("Save as &PNG…"))
        self.save_button.setEnabled(False)
        self.hover = QLabel(tr("Uses the History's filters. Hover over a bar or point for its "
                               "value."))
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAccessibleName(tr("Chart"))
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(self.patient)
        top.addWidget(self.draw_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.hover)
        self.choice.currentIndexChanged.connect(self._chosen)
        self.draw_button.clicked.connect(self.draw)
        self.patient.returnPressed.connect(self.draw)
        self.save_button.clicked.connect(self._choose_png)
        self.plot.scene().sigMouseMoved.connect(self._hovered)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.draw()  # drawn as it is shown: never empty axes waiting for a click

    def filters_changed(self) -> None:
        """The History's filters changed: redraw now if on screen, else when shown."""
        self.stale = True
        if self.isVisible():
            self.draw()

    def _chosen(self, _index: int) -> None:
        self.patient.setVisible(self.choice.currentData() in COURSES)
        self.draw()

    def draw(self) -> None:
        title = self.choice.currentData()
        self.stale = False
        if title in COURSES and not self.patient.text().strip():
            self._asked += 1  # whatever was asked for before is not drawn over this
            self.show_chart(chart_data.ChartData(self.choice.currentText(), "", (), {}))
            self.hover.setText(tr("Type the patient's identifier and press Enter."))
            self.patient.setFocus()
            return
        build = (chart_data.patient_course(self.patient.text(), COURSES[title])
                 if title in COURSES else chart_data.CHARTS[title])
        self.hover.setText(tr("Counting…"))
        self._asked += 1
        asked = self._asked
        self.tasks.read(build, self.actor, self.current_filter()).then(
            lambda data: self._arrived(asked, data))

    def _arrived(self, asked: int, data: ChartData) -> None:
        if asked == self._asked:  # not overtaken by a chart asked for since
            self.show_chart(data)

    # --- drawing ----------------------------------------------------------------------------
    def show_chart(self, data: ChartData) -> None:
        self.data = data
        self.save_button.setEnabled(not data.empty)
        self.bars = draw_chart(self.plot, data, lines=self.choice.currentData() in COURSES)
        self.hover.setText(tr("Nothing to draw for these filters.") if data.empty
                           else tr("Hover over a bar or point for its value."))

    # --- hover and saving -------------------------------------------------------------------
    def _hovered(self, position: QPointF) -> None:
        if not self.bars:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(position)
        x_, y_ = point.x(), point.y()
        self.hover.setText(self.describe_nearest(x_, y_))

    def describe_nearest(self, x: float, y: float) -> str:
        """The bar or point nearest to (x, y), in words."""
        span = max((abs(v) for _x, v, _d in self.bars), default=1) or 1
        nearest = min(self.bars, key=lambda b: abs(b[0] - x) * 4 + abs(b[1] - y) / span)
        return nearest[2]

    def _choose_png(self) -> None:
        path, _filter = choose_file_to_save(self, tr("Save chart"), tr("chart.png"),
                                            tr("PNG images (*.png)"))
        if path is not None:
            self.save_png(path)

    def save_png(self, path: Path) -> bool:
        pixmap: QPixmap = self.plot.grab()  # pyqtgraph is untyped; its widget grabs a QPixmap
        saved = pixmap.save(str(path), "PNG")
        self.hover.setText((tr("Saved {path}.") if saved else tr("Could not write {path}."))
                           .format(path=path))
        return saved
