"""The language a person reads and the local formats of dates and numbers, for the Qt-free core.

Messages are marked in the source and translated through gettext catalogues kept in
``resources/i18n`` (``<language>.po``, compiled to ``<language>.mo``):

- ``_("text")`` translates at once, so never at import time;
- ``N_("text")`` only marks a constant (a vocabulary label, a column title), translated with
  ``_()`` where it is shown;
- ``ngettext("{n} photo", "{n} photos", n)`` picks the form the language's plural rule asks
  for (German, like English, has two; other languages have more).

Placeholders are named (``"{name} must be a number"``), so a translation can put them in the
order its grammar wants. The widgets use Qt's own translation (``ui.language``); both follow
the one language chosen by ``use_language``.
"""

from models.language.catalogue import (
    N_,
    Choice,
    _,
    available_languages,
    choose,
    current,
    document_choice,
    language_name,
    ngettext,
    translation,
    use_language,
)
from models.language.formats import (
    date_entry_pattern,
    date_hint,
    date_text,
    datetime_text,
    decimal_separator,
    grouping_separator,
    long_date_text,
    number_text,
    read_date,
    short_number_text,
    time_hint,
    time_text,
    typed_date_text,
)

__all__ = [
    "N_",
    "Choice",
    "_",
    "available_languages",
    "choose",
    "current",
    "date_entry_pattern",
    "date_hint",
    "date_text",
    "datetime_text",
    "decimal_separator",
    "document_choice",
    "grouping_separator",
    "language_name",
    "long_date_text",
    "ngettext",
    "number_text",
    "read_date",
    "short_number_text",
    "time_hint",
    "time_text",
    "translation",
    "typed_date_text",
    "use_language",
]
