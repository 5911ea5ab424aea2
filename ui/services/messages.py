"""The one place the GUI shows messages and asks questions; tests swap in a recorder."""

from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "LaserLog"  # the program's name, the same in every language


class Messages:
    def error(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.warning(parent, TITLE, text)

    def info(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.information(parent, TITLE, text)

    def confirm(self, parent: QWidget | None, text: str) -> bool:
        answer = QMessageBox.question(parent, TITLE, text)
        return answer == QMessageBox.StandardButton.Yes
