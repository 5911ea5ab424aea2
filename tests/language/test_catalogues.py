"""The translations: in step with the code, German complete, placeholders kept; the locale's
formats; documents in the patient's language."""

import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime

import pytest
from babel.messages.pofile import read_po

from models import language
from models.language.catalogue import catalogue_folder
from ui.language import catalogues

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")


@pytest.fixture
def german():
    language.use_language(language.choose("de", {"LANG": "C.UTF-8"}))
    yield
    language.use_language(language.choose("", {"LANG": "C.UTF-8"}))


def test_the_catalogues_are_in_step_with_the_code():
    """Every text the code marks is in each language's files, and the compiled files say what
    their sources say (``python -m ui.language.catalogues`` mends them)."""
    assert catalogues.main(["--check"]) == 0


def _german_qt() -> list[tuple[str, list[str]]]:
    root = ElementTree.parse(f"{catalogue_folder()}/de.ts").getroot()
    found = []
    for message in root.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        forms = translation.findall("numerusform")
        found.append((message.findtext("source") or "",
                      [f.text or "" for f in forms] if forms else [translation.text or ""]))
    return found


def _german_gettext() -> list[tuple[str, list[str]]]:
    with open(f"{catalogue_folder()}/de.po", "rb") as source:
        catalogue = read_po(source)
    return [(m.id[0] if isinstance(m.id, tuple) else m.id,
             list(m.string) if isinstance(m.string, tuple) else [m.string])
            for m in catalogue if m.id]


@pytest.mark.parametrize("entries", [_german_qt, _german_gettext], ids=["widgets", "core"])
def test_every_german_entry_exists_and_keeps_the_placeholders(entries):
    found = entries()
    assert len(found) > 100
    empty = [source for source, forms in found if not all(form.strip() for form in forms)]
    assert empty == []
    lost = [(source, forms) for source, forms in found for form in forms
            if set(PLACEHOLDER.findall(form)) - {"%n"} != set(PLACEHOLDER.findall(source)) - {"%n"}]
    assert lost == []
    shortcut = [(source, forms) for source, forms in found for form in forms
                if re.search(r"&\w", source) and not re.search(r"&\w", form)]
    assert shortcut == []


def test_a_plural_has_the_forms_german_has():
    plural = [(source, forms) for source, forms in [*_german_qt(), *_german_gettext()]
              if len(forms) > 1]
    assert plural  # the counts on screen are plurals
    assert [(s, f) for s, f in plural if len(f) != 2] == []


def test_dates_and_numbers_follow_the_locale(german):
    moment = datetime(2026, 11, 29, 13, 5, tzinfo=UTC)
    assert language.date_text(date(2026, 11, 29)) == "29.11.2026"
    assert language.number_text(1234.5, 1) == "1.234,5"
    assert language.short_number_text(12.5) == "12,5"
    assert language.decimal_separator() == ","
    assert re.fullmatch(r"29\.11\.2026, \d\d:05", language.datetime_text(moment))


def test_with_no_locale_dates_are_iso_and_numbers_have_a_point():
    assert language.current().locale is None
    assert language.date_text(date(2026, 11, 29)) == "2026-11-29"
    assert language.short_number_text(12.5) == "12.5"
    assert language.number_text(1234.5, 1) == "1,234.5"


def test_the_system_locale_chooses_and_the_pc_setting_overrides():
    assert language.choose("", {"LANG": "de_AT.UTF-8"}) == language.Choice("de", "de_AT")
    assert language.choose("", {"LANG": "de_CH.UTF-8"}).locale == "de_CH"  # its decimal point
    assert language.choose("en", {"LANG": "de_DE.UTF-8"}) == language.Choice("en", "en_DE")
    assert language.choose("de", {"LANG": "C.UTF-8"}) == language.Choice("de", "de")
    assert language.choose("", {}, fallback="de_AT") == language.Choice("de", "de_AT")
    assert language.choose("", {"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE"}) == \
        language.Choice("en", "fr_FR")  # no French catalogue: English texts, French formats
    assert language.choose("xx", {"LANG": "C"}) == language.Choice("en", None)


def test_vocabulary_is_translated_where_read_and_stored_as_its_code(german):
    from models.values.vocabulary import Area, ReactionKind

    assert Area.NECK.label == "Hals" and Area.NECK == "neck"
    assert Area.NECK.source_label == "Neck"  # what the exports write
    assert ReactionKind.ERYTHEMA.label != ReactionKind.ERYTHEMA.source_label


def test_the_aftercare_sheet_is_in_the_patients_language_whatever_the_screens():
    from models.clinic.clinic_settings import ClinicRules
    from models.workflow import aftercare

    clinic = ClinicRules(clinic_name="Haut & Licht", clinic_phone="+49 30 1234")
    sheet = aftercare.sheet_for("Jana Berg", ["neck"], clinic, date(2026, 11, 29), "de")
    assert language.current().language == "en"  # the screen stays English
    assert sheet.areas == ("Hals",)
    assert "29. November 2026" in sheet.treated
    assert "+49 30 1234" in sheet.call and "Call" not in sheet.call
    english = aftercare.sheet_for("Jana Berg", ["neck"], clinic, date(2026, 11, 29))
    assert english.treated == "treated on 29 November 2026: Neck"
    assert [title for title, _ in sheet.sections] != [title for title, _ in english.sections]


def test_the_check_finds_a_text_missing_and_a_compiled_file_left_stale(tmp_path, monkeypatch):
    """What ``--check`` fails on: a text the code marks that the files lack, and a ``.qm``
    that no longer says what its ``.ts`` says."""
    import shutil

    folder = tmp_path / "i18n"
    shutil.copytree(catalogue_folder(), folder)
    monkeypatch.setattr(catalogues, "FOLDER", folder)
    monkeypatch.setattr(catalogues, "ROOT", tmp_path)
    assert catalogues.main(["--check"]) == 0
    ts = (folder / "de.ts").read_text(encoding="utf-8")
    (folder / "de.ts").write_text(ts.replace(">&amp;Historie<", ">&amp;Verlauf<"), encoding="utf-8")
    assert catalogues.compiled_in_step("de") == ["i18n/de.qm"]
    (folder / "de.ts").write_text(ts, encoding="utf-8")
    assert catalogues.main(["--check"]) == 0
    texts = catalogues.qt_texts()
    monkeypatch.setattr(catalogues, "qt_texts", lambda: {
        **texts, ("A text added", None): catalogues.QtText("A text added")})
    assert catalogues.main(["--check"]) == 1


@pytest.mark.parametrize(("typed", "read"), [
    ("12.04.1979", date(1979, 4, 12)), ("1.4.1979", date(1979, 4, 1)),
    ("1979-04-12", date(1979, 4, 12)),  # ISO, whatever the locale
    ("05.13.2026", None),  # no 13th month: never the 13th of May
    ("12.04.79", None), ("12/04/1979", None), ("31.02.2026", None),
])
def test_a_date_typed_in_german_is_read_as_written_or_refused(german, typed, read):
    if read is None:
        with pytest.raises(ValueError):
            language.read_date(typed)
    else:
        assert language.read_date(typed) == read


def test_a_number_that_could_be_read_two_ways_is_asked_again(german):
    from models.values.session_input import parse_number

    assert parse_number("12,5", "Fluenz") == parse_number("12.5", "Fluenz") == 12.5
    assert parse_number("0,125", "Spot") == 0.125
    with pytest.raises(ValueError, match=r"1\.500"):  # a German thousand and a half
        parse_number("1.500", "Pulsbreite")
    language.use_language(language.choose("", {"LANG": "C.UTF-8"}))
    with pytest.raises(ValueError, match="1,500"):  # an English one
        parse_number("1,500", "Pulse width")
    assert parse_number("1.500", "Pulse width") == 1.5
