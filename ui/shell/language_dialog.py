"""File > Language…: the language this PC's screens speak, kept in its settings."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.language import available_languages, choose, language_name
from models.storage.preferences import Settings
from ui.language import tr


class LanguageDialog(QDialog):
    """A list of the languages LaserLog has, the first following the system's; Enter keeps the
    one chosen for this PC. It applies from the next sign-in: the window open now keeps its
    texts."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(tr("Language"))
        self.languages = QListWidget()
        self.languages.setAccessibleName(tr("Language of this PC"))
        system = choose("").language
        self._add(tr("As the system ({language})").format(language=language_name(system)), "")
        for code in available_languages():
            self._add(language_name(code), code)
        self.languages.itemActivated.connect(lambda _item: self.accept())
        note = QLabel(tr("The screens change at the next sign-in (File > Sign out). "
                         "Dates and numbers follow the language, or the system's locale "
                         "when it speaks the same language."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.languages)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _add(self, text: str, code: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, code)
        self.languages.addItem(item)
        if code == self.settings.language:
            self.languages.setCurrentItem(item)

    def chosen(self) -> str:
        item = self.languages.currentItem()
        return "" if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def accept(self) -> None:
        """Keep the language chosen in this PC's settings."""
        self.settings.language = self.chosen()
        self.settings.save()
        super().accept()
