"""The message shown next to a field that holds something wrong; the field keeps its text."""

from PySide6.QtWidgets import QDialog, QLabel, QWidget


def mark_invalid(field: QWidget, problem: str | None) -> None:
    """Outline ``field`` in red (style sheet property) and put the problem in its tooltip."""
    invalid = bool(problem)
    if bool(field.property("invalid")) != invalid:  # re-styled only when it changes
        field.setProperty("invalid", invalid)
        field.style().unpolish(field)
        field.style().polish(field)
    field.setToolTip(problem or "")


class FieldError(QLabel):
    """A red line under ``field``; empty and hidden when all is well.

    ``reserved``: the line keeps its place while empty, so whatever is below it (a list, a
    button) never moves as messages come and go.
    """

    def __init__(self, field: QWidget | None = None, parent: QWidget | None = None,
                 reserved: bool = False) -> None:
        super().__init__(parent)
        self.field, self.reserved = field, reserved
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        if reserved:
            self.setMinimumHeight(self.fontMetrics().lineSpacing() + 2)
        else:
            self.hide()

    def show_problem(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(self.reserved or bool(text))
        window = self.window()
        if isinstance(window, QDialog) and window.isVisible():
            # A dialog grows to show the message (it never shrinks; a main window stays).
            window.resize(window.size().expandedTo(window.sizeHint()))
        if self.field is not None:
            mark_invalid(self.field, text)
