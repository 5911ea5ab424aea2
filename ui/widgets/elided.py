"""Text too long for its place, cut in the middle (a database's path keeps its start and its
file name)."""

from PySide6.QtGui import QFontMetrics


def elided_middle(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` as it fits ``width`` pixels in ``metrics``' font: whole, or its middle given
    up for "…"."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    for keep in range(len(text) - 1, 1, -1):
        shown = f"{text[:(keep + 1) // 2]}…{text[len(text) - keep // 2:]}"
        if metrics.horizontalAdvance(shown) <= width:
            return shown
    return "…"
