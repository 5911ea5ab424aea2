"""The widgets' texts in the language in use, through Qt's translation system.

Every text a person reads on screen is written in English in the source and passed through:

- ``tr("text")``, translated when it is called, so only inside functions: a module's or a
  class's own line runs at import, before the language is installed;
- ``trn("%n photo", "%n photos", n)`` for a count: the language's plural rule picks the form
  (``%n`` is the count, written in the locale's digits);
- ``tr_noop("text")`` marks a constant, translated with ``tr()`` where it is shown.

Placeholders are named and filled with ``str.format`` after translation, so a translation
can order them as its grammar wants. All of the widgets' texts are one context, ``LaserLog``,
in ``resources/i18n/<language>.ts`` (made and compiled by ``python -m ui.language.catalogues``);
the same English text gets one translation everywhere, and ``tr(text, "what it means")``
tells apart two meanings of one English text.
"""

from PySide6.QtCore import QCoreApplication

from models.language import current
from models.language.catalogue import SOURCE_LANGUAGE

CONTEXT = "LaserLog"


def tr(text: str, disambiguation: str | None = None) -> str:
    """``text`` in the language in use."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation)


def trn(singular: str, plural: str, n: int) -> str:
    """The form of a text for ``n`` things. English, the source, has a form each for one and
    for many; a translation has as many forms as its language's plural rule."""
    if current().language == SOURCE_LANGUAGE:
        from models.language import number_text

        return (singular if n == 1 else plural).replace("%n", number_text(n))
    return QCoreApplication.translate(CONTEXT, singular, None, n)


def tr_noop(text: str) -> str:
    """Marks a constant for translation; ``tr()`` translates it where it is shown."""
    return text
