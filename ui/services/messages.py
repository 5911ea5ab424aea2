"""The one place the GUI shows messages and asks questions; tests swap in a recorder."""

from PySide6.QtWidgets import QMessageBox, QWidget


class Messages:
    def error(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.warning(parent, "LaserLog", text)

    def info(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.information(parent, "LaserLog", text)

    def confirm(self, parent: QWidget | None, text: str) -> bool:
        answer = QMessageBox.question(parent, "LaserLog", text)
        return answer == QMessageBox.StandardButton.Yes
