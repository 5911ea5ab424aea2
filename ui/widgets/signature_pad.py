"""A box to sign in with a finger, a pen or the mouse; it keeps the strokes as drawn.

Points are kept as fractions of the box (0 to 1 across and down); the box is the size of
the rendering, so ``render_png`` draws them again, black on white, in the shape they were
drawn. Touch and pen reach the box as mouse events (Qt makes them so for a widget
that does not take touch itself).
"""

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from ui.language import tr

Stroke = list[tuple[float, float]]
RENDERING = QSize(600, 200)


def draw_strokes(painter: QPainter, strokes: list[Stroke], area: QRectF, width: float) -> None:
    """The strokes drawn into ``area`` with a pen ``width`` wide."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#10243e"), width, Qt.PenStyle.SolidLine,
                        Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    for stroke in strokes:
        if not stroke:
            continue
        path = QPainterPath()
        points = [QPointF(area.left() + x * area.width(), area.top() + y * area.height())
                  for x, y in stroke]
        path.moveTo(points[0])
        for point in points[1:]:
            path.lineTo(point)
        if len(points) == 1:
            painter.drawPoint(points[0])
        painter.drawPath(path)


def render_png(strokes: list[Stroke], size: QSize = RENDERING) -> bytes:
    """The strokes drawn black on white, as PNG bytes."""
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    draw_strokes(painter, strokes, QRectF(0, 0, size.width(), size.height()), 3.0)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes: it is str
    buffer.close()
    return bytes(data.data())


class SignaturePad(QWidget):
    """Signals:
    changed(): a stroke was drawn or the box cleared.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[Stroke] = []
        # The size it renders at: a signature keeps its shape from the box to the record.
        self.setFixedSize(RENDERING)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(tr("Signature: sign here with a finger, pen or the mouse"))
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)

    def strokes(self) -> list[Stroke]:
        return [list(stroke) for stroke in self._strokes]

    def points(self) -> int:
        return sum(len(stroke) for stroke in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self.update()
        self.changed.emit()

    def _fraction(self, event: QMouseEvent) -> tuple[float, float]:
        x = min(max(event.position().x() / max(1, self.width()), 0.0), 1.0)
        y = min(max(event.position().y() / max(1, self.height()), 0.0), 1.0)
        return round(x, 4), round(y, 4)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._strokes.append([self._fraction(event)])
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self._strokes:
            point = self._fraction(event)
            if point != self._strokes[-1][-1]:
                self._strokes[-1].append(point)
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._strokes:
            self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#8a96a3"), 1, Qt.PenStyle.DashLine))
        baseline = int(self.height() * 0.75)
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        painter.drawText(16, baseline + 18, tr("Sign above the line"))
        painter.setPen(QPen(QColor("#5b6b7c"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        draw_strokes(painter, self._strokes, QRectF(self.rect()), 2.5)
        painter.end()
