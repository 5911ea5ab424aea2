"""Which language is read, and its gettext catalogue."""

import gettext
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

#: The language the source is written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Choice:
    """The language texts are read in, and the locale dates and numbers are written in.

    ``locale`` None: no locale was set (the C or POSIX locale of a server or a test run);
    dates are then written as ISO 8601 and numbers with a decimal point.
    """

    language: str
    locale: str | None


_translations: gettext.NullTranslations = gettext.NullTranslations()
_choice = Choice(SOURCE_LANGUAGE, None)


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Marks ``message`` for translation where it is defined; ``_()`` translates it where it
    is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things, by the language's plural rule."""
    return _translations.ngettext(singular, plural, n)


def catalogue_folder() -> str:
    return str(files("resources") / "i18n")


def available_languages() -> tuple[str, ...]:
    """The source language and every language with a compiled catalogue, in code order."""
    folder = files("resources") / "i18n"
    found = {entry.name.removesuffix(".mo") for entry in folder.iterdir()
             if entry.name.endswith(".mo")}
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


def language_name(code: str) -> str:
    """A language's name in that language, as its speakers find it in a list ("Deutsch")."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]


def system_locale(environ: Mapping[str, str] = os.environ) -> str | None:
    """The locale the system asks for, as gettext reads it (``de_DE``); None for C/POSIX."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "").split(":")[0]
        if value:
            name = value.split(".")[0].split("@")[0]
            return None if name in ("C", "POSIX", "") else name
    return None


def choose(setting: str = "", environ: Mapping[str, str] = os.environ,
           fallback: str | None = None) -> Choice:
    """The language for a PC's setting (empty: follow the system) among those available.

    The system's locale is read from the environment as gettext reads it, else ``fallback``
    (the desktop's own, where no variable says: Qt's ``QLocale.system()``). The locale
    follows the system when it speaks the chosen language (``de_CH`` keeps its decimal
    point); a language chosen other than the system's keeps the system's region where the
    language has it (English on a German PC writes 29/11/2026 and a 24-hour clock)."""
    system = system_locale(environ) or system_locale({"LANG": fallback or ""})
    system_language = system.split("_")[0] if system else None
    wanted = setting or system_language or SOURCE_LANGUAGE
    language = wanted if wanted in available_languages() else SOURCE_LANGUAGE
    if system_language == language or not setting:
        return Choice(language, system)  # no catalogue for the system's: its formats still
    if system is None:
        return Choice(language, None if language == SOURCE_LANGUAGE else language)
    return Choice(language, _regional(language, system.partition("_")[2]))


def _regional(language: str, territory: str) -> str:
    """``language`` as written in ``territory`` (``en_DE``) when Babel knows it so."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(f"{language}_{territory}")
    except (UnknownLocaleError, ValueError):
        return language
    return f"{language}_{territory}"


@cache
def translation(language: str) -> gettext.NullTranslations:
    """The core's catalogue of ``language`` (a document in the patient's language uses its
    own, whatever the screen's)."""
    if language not in available_languages() or language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = os.path.join(catalogue_folder(), f"{language}.mo")
    with open(path, "rb") as catalogue:
        return gettext.GNUTranslations(catalogue)


def use_language(choice: Choice) -> None:
    """Translate the core's messages into ``choice.language`` from now on."""
    global _translations, _choice
    _translations = translation(choice.language)
    _choice = choice


def document_choice(language: str | None) -> Choice:
    """The language and locale of a document printed for someone in ``language`` (None: the
    screen's): the screen's locale when it speaks that language, else the language's own."""
    if language is None or language == _choice.language:
        return _choice
    return Choice(language, language)


def current() -> Choice:
    return _choice
