"""The body map: the treatable areas on a face and body diagram (resources/body_map.svg).

Clicking an area ticks or unticks it; the areas ticked are filled blue, areas treated before
are green with their course progress written on them. The list of areas beside it does the
same from the keyboard, so the map itself takes no focus.
"""

import re
from html import escape

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

import resources
from models.values.vocabulary import Area
from ui.language import tr, tr_noop

IDLE, TICKED, BEFORE = "#e6ebf0", "#64a0e6", "#b5d99c"
REACH = 14.0  # px beyond a shape's bounds that still take it


def _distance(rect: QRectF, point: QPointF) -> float:
    """How far ``point`` is from ``rect`` (0 inside)."""
    dx = max(rect.left() - point.x(), 0.0, point.x() - rect.right())
    dy = max(rect.top() - point.y(), 0.0, point.y() - rect.bottom())
    return float((dx * dx + dy * dy) ** 0.5)


#: The views the drawing names.
VIEWS = (tr_noop("Face"), tr_noop("Front"), tr_noop("Back"))


class BodyMap(QWidget):
    """Signals:
    area_clicked(str): the code of the area clicked.
    """

    area_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svg = resources.read_text("body_map.svg")
        for view in VIEWS:  # the drawing's names of its views, in the language in use
            self.svg = self.svg.replace(f">{view}</text>", f">{escape(tr(view))}</text>")
        self.ticked: set[str] = set()
        self.before: dict[str, str] = {}  # area treated before -> its course progress
        self.renderer = QSvgRenderer()
        self.setMouseTracking(True)
        self.setMinimumSize(240, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(tr("Body map (the list of areas beside it does the same from "
                                  "the keyboard)"))
        self._render()

    def show_state(self, ticked: set[str], before: dict[str, str] | None = None) -> None:
        self.ticked = set(ticked)
        if before is not None:
            self.before = dict(before)
        self._render()

    def colour_of(self, area: str) -> str:
        return TICKED if area in self.ticked else BEFORE if area in self.before else IDLE

    def _render(self) -> None:
        svg = self.svg
        for area in Area:
            svg = re.sub(rf'(<g id="{area.value}" fill=")[^"]*"',
                         rf'\g<1>{self.colour_of(area.value)}"', svg)
        self.renderer.load(QByteArray(svg.encode("utf-8")))
        self.update()

    # --- geometry ---------------------------------------------------------------------------
    def _frame(self) -> QRectF:
        """Where the drawing goes: the widget, keeping the drawing's proportions."""
        size = self.renderer.defaultSize()
        scale = min(self.width() / size.width(), self.height() / size.height())
        width, height = size.width() * scale, size.height() * scale
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def area_rect(self, area: str) -> QRectF:
        """The area's bounds in widget coordinates."""
        frame, view = self._frame(), self.renderer.viewBoxF()
        bounds = self.renderer.boundsOnElement(area)
        sx, sy = frame.width() / view.width(), frame.height() / view.height()
        return QRectF(frame.left() + (bounds.left() - view.left()) * sx,
                      frame.top() + (bounds.top() - view.top()) * sy,
                      bounds.width() * sx, bounds.height() * sy)

    def area_at(self, point: QPointF) -> str | None:
        """The area under ``point``; where bounds overlap, the smallest wins (the mouth
        inside the jaw's bounds). A press just beside a small shape still takes it: a gloved
        finger is wider than the eyes' outline."""
        rects = {area.value: self.area_rect(area.value) for area in Area}
        hits = [(rect.width() * rect.height(), code)
                for code, rect in rects.items() if rect.contains(point)]
        if hits:
            return min(hits)[1]
        near = [(distance, code) for code, rect in rects.items()
                if (distance := _distance(rect, point)) <= REACH]
        return min(near)[1] if near else None

    # --- events -----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer.render(painter, self._frame())
        painter.setPen(QColor("#1b3a57"))
        font = painter.font()
        font.setPointSizeF(max(9.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip
        for area, progress in self.before.items():
            if progress:  # on the area's first shape: a pair's centre is between the two
                painter.drawText(self.area_rect(f"{area}_1"), flags, progress)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        area = self.area_at(event.position())
        if area is not None and event.button() == Qt.MouseButton.LeftButton:
            self.area_clicked.emit(area)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        area = self.area_at(event.position())
        if area is None:
            QToolTip.hideText()
            self.setCursor(Qt.CursorShape.ArrowCursor)
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(event.globalPosition().toPoint(), self.describe(area), self)

    def describe(self, area: str) -> str:
        """What hovering over an area says."""
        text = Area(area).label
        if area in self.before:
            progress = self.before[area]
            text = (tr("{area} – treated before, course session {progress}").format(
                area=text, progress=progress) if progress else
                tr("{area} – treated before").format(area=text))
        return tr("{area} (ticked)").format(area=text) if area in self.ticked else text
