"""Installing the language chosen for this PC into the application."""

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from models.language import Choice, choose, use_language
from models.language.catalogue import SOURCE_LANGUAGE, catalogue_folder

#: The translators installed, kept alive as long as the application uses them.
_installed: list[QTranslator] = []


def install_language(app: QApplication, setting: str = "") -> Choice:
    """Use the PC's language ``setting`` (empty: the system's) for the core's messages, the
    widgets' texts, Qt's own (its dialogs' buttons, a text field's menu) and the locale's
    formats (typed numbers: a decimal comma in German)."""
    choice = choose(setting, fallback=QLocale.system().name())
    use_language(choice)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if choice.language != SOURCE_LANGUAGE:
        for name, folder in ((f"qtbase_{choice.language}", _qt_translations()),
                             (choice.language, catalogue_folder())):
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
    QLocale.setDefault(QLocale(choice.locale) if choice.locale else QLocale.c())
    return choice


def _qt_translations() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
