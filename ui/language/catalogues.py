"""Keeping the translations in step with the code: ``python -m ui.language.catalogues``.

For every language in ``resources/i18n`` (one ``<language>.ts`` for the widgets, one
``<language>.po`` for the core), it

1. collects the texts the code marks: ``tr``/``trn``/``tr_noop`` in ``ui/`` for Qt, and
   ``_``/``N_``/``ngettext`` in ``models/``, ``devices/`` and ``ui/`` for gettext (Babel);
2. adds each new text to the language's files untranslated, keeps every translation made,
   and drops texts the code no longer has;
3. compiles them: ``.ts`` to ``.qm`` with ``pyside6-lrelease``, ``.po`` to ``.mo`` with Babel.

``--add fr`` starts a new language (then translate ``fr.ts`` in Qt Linguist and ``fr.po`` in
any gettext editor, and run this again); ``--check`` changes nothing and fails when a file
is out of step with the code (the tests run it).
"""

import argparse
import ast
import io
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from models.values.photo_poses import OTHER_POSE, default_poses
from ui.language import CONTEXT

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "i18n"
QT_CALLS = {"tr": 1, "tr_noop": 1, "trn": 2}  # the name and how many texts it takes
GETTEXT_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SOURCES = ("models", "devices", "ui")
#: The catalogues' header dates: fixed, so files change only when their texts do.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


# --- the widgets' texts (Qt) -----------------------------------------------------------------
@dataclass
class QtText:
    source: str
    plural: str | None = None  # trn's English plural: the text has numerus forms
    disambiguation: str | None = None
    files: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str, str | None]:
        return self.source, self.disambiguation


def qt_calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in QT_CALLS):
            yield node


def qt_texts(root: Path = ROOT) -> dict[tuple[str, str | None], QtText]:
    """Every text marked for Qt in ``ui/``, by source text and disambiguation."""
    found: dict[tuple[str, str | None], QtText] = {}
    for path in sorted((root / "ui").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for call in qt_calls(ast.parse(path.read_text(encoding="utf-8"))):
            texts = [arg.value for arg in call.args[:QT_CALLS[call.func.id]]  # type: ignore[attr-defined]
                     if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if len(texts) != QT_CALLS[call.func.id]:  # type: ignore[attr-defined]
                continue  # a variable: its constant is marked where it is written
            disambiguation = None
            if call.func.id == "tr" and len(call.args) > 1:  # type: ignore[attr-defined]
                second = call.args[1]
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    disambiguation = second.value
            text = QtText(texts[0], texts[1] if len(texts) > 1 else None, disambiguation)
            found.setdefault(text.key, text).files.add(relative)
    return found


def read_ts(path: Path) -> dict[tuple[str, str | None], list[str]]:
    """The translations in a ``.ts`` file: one text, or a form per plural."""
    translations: dict[tuple[str, str | None], list[str]] = {}
    for message in ElementTree.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        comment = message.findtext("comment")
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("vanished", "obsolete"):
            continue
        forms = translation.findall("numerusform")
        texts = [form.text or "" for form in forms] if forms else [translation.text or ""]
        translations[(source, comment)] = texts
    return translations


def write_ts(language: str, texts: dict[tuple[str, str | None], QtText],
             translations: dict[tuple[str, str | None], list[str]]) -> str:
    root = ElementTree.Element("TS", version="2.1", language=language, sourcelanguage="en")
    context = ElementTree.SubElement(root, "context")
    ElementTree.SubElement(context, "name").text = CONTEXT
    for key in sorted(texts, key=lambda k: (k[0], k[1] or "")):
        text = texts[key]
        message = ElementTree.SubElement(context, "message")
        if text.plural is not None:
            message.set("numerus", "yes")
        for file in sorted(text.files):
            ElementTree.SubElement(message, "location", filename=f"../../{file}")
        ElementTree.SubElement(message, "source").text = text.source
        if text.disambiguation is not None:
            ElementTree.SubElement(message, "comment").text = text.disambiguation
        if text.plural is not None:
            ElementTree.SubElement(message, "extracomment").text = f"English plural: {text.plural}"
        done = translations.get(key)
        translation = ElementTree.SubElement(message, "translation")
        if not done or not all(done):
            translation.set("type", "unfinished")
        if text.plural is not None:
            for form in (done or ["", ""]):
                ElementTree.SubElement(translation, "numerusform").text = form
        else:
            translation.text = done[0] if done else ""
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n'


# --- the core's messages (gettext) ------------------------------------------------------------
def core_catalogue(root: Path = ROOT) -> Catalog:
    """Every message marked for gettext, as a template."""
    template = Catalog(project="LaserLog", version="", fuzzy=False, creation_date=STAMP)
    for folder in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
                root / folder, method_map=[("**.py", "python")],
                keywords=GETTEXT_KEYWORDS, comment_tags=("Translators:",),
                strip_comment_tags=True):
            template.add(message, None, [(f"{folder}/{filename}", line)],
                         auto_comments=comments, context=context)
    for pose in sorted({pose for poses in default_poses().values() for pose in poses}
                       | {OTHER_POSE}):  # shown through pose_label
        template.add(pose, None, [("resources/photo_poses.toml", 0)],
                     auto_comments=["A photo's pose, in a list of an area's poses"])
    return template


def updated_po(language: str, template: Catalog, path: Path) -> Catalog:
    if path.exists():
        with path.open("rb") as existing:
            catalogue = read_po(existing, locale=language)
    else:
        catalogue = Catalog(locale=language, project="LaserLog", version="", fuzzy=False,
                            creation_date=STAMP, revision_date=STAMP)
    catalogue.update(template, no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    catalogue.creation_date = catalogue.revision_date = STAMP
    return catalogue


def po_text(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalogue, omit_header=False, no_location=False, sort_output=True,
             width=100, include_lineno=False)
    return re.sub(rb'"Generated-By: Babel [^"]*\\n"', rb'"Generated-By: Babel\\n"', out.getvalue())


def mo_bytes(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def qm_bytes(ts_text: str) -> bytes:
    """The ``.ts`` compiled by PySide6's ``lrelease``."""
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    if lrelease is None:
        raise SystemExit("pyside6-lrelease not found next to this Python")
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        (scratch / "in.ts").write_text(ts_text, encoding="utf-8")
        subprocess.run([lrelease, "-silent", str(scratch / "in.ts"), "-qm",
                        str(scratch / "out.qm")], check=True)
        return (scratch / "out.qm").read_bytes()


# --- the command --------------------------------------------------------------------------
def languages() -> list[str]:
    return sorted({p.stem for p in FOLDER.glob("*.ts")} | {p.stem for p in FOLDER.glob("*.po")})


def planned_files(language: str, qt: dict[tuple[str, str | None], QtText],
                  template: Catalog) -> dict[Path, bytes]:
    """Every file of ``language`` as the code asks for it now."""
    ts_path = FOLDER / f"{language}.ts"
    ts = write_ts(language, qt, read_ts(ts_path) if ts_path.exists() else {})
    catalogue = updated_po(language, template, FOLDER / f"{language}.po")
    return {ts_path: ts.encode(), FOLDER / f"{language}.qm": qm_bytes(ts),
            FOLDER / f"{language}.po": po_text(catalogue),
            FOLDER / f"{language}.mo": mo_bytes(catalogue)}


def compiled_in_step(language: str) -> list[str]:
    """The compiled files of ``language`` that do not say what its sources say (compared by
    meaning, not bytes: the compilers' versions may differ from one machine to the next)."""
    stale = []
    ts_path, qm_path = FOLDER / f"{language}.ts", FOLDER / f"{language}.qm"
    po_path, mo_path = FOLDER / f"{language}.po", FOLDER / f"{language}.mo"
    if not qm_path.exists() or (ts_path.exists() and not qm_says(qm_path, ts_path)):
        stale.append(qm_path)
    if not mo_path.exists() or (po_path.exists() and read_mo(mo_path) != read_po_texts(po_path)):
        stale.append(mo_path)
    return [path.relative_to(ROOT).as_posix() for path in stale]


#: Counts a plural is looked up with: one, and one taking every other form of the languages
#: LaserLog has (German and English: "other").
PLURAL_PROBES = (1, 7)


def qm_says(qm_path: Path, ts_path: Path) -> bool:
    """Whether the compiled ``.qm`` answers every finished text of its ``.ts`` as written (the
    translator gives a plural's form with ``%n`` as it is: the application fills it in)."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    if not translator.load(str(qm_path)):
        return False
    plural = {(message.findtext("source") or "", message.findtext("comment"))
              for message in ElementTree.parse(ts_path).getroot().iter("message")
              if message.get("numerus") == "yes"}  # as the .ts says: the code is not read again
    for key, forms in read_ts(ts_path).items():
        if not all(forms):
            continue
        counts = PLURAL_PROBES if key in plural else (-1,)
        if [translator.translate(CONTEXT, key[0], key[1], n) for n in counts] != forms:
            return False
    return True


def read_mo(path: Path) -> dict[str, tuple[str, ...]]:
    import gettext

    with path.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    texts: dict[str, tuple[str, ...]] = {}
    for key, value in catalogue._catalog.items():  # type: ignore[attr-defined]
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            texts.setdefault(msgid, ())
            texts[msgid] += (value,)
    return texts


def read_po_texts(path: Path) -> dict[str, tuple[str, ...]]:
    with path.open("rb") as source:
        catalogue = read_po(source)
    texts: dict[str, tuple[str, ...]] = {}
    for message in catalogue:
        msgid = str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
        strings = tuple(str(s) for s in (message.string if isinstance(message.string, tuple | list)
                                         else (message.string,)))
        if msgid and all(strings):
            texts[msgid] = strings
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.language.catalogues",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", metavar="LANGUAGE", help="start a language, e.g. fr")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; fail when a file is out of step")
    args = parser.parse_args(argv)
    qt, template = qt_texts(), core_catalogue()
    stale = []
    for language in sorted({*languages(), *([args.add] if args.add else [])}):
        if args.check:
            stale += compiled_in_step(language)
        for path, content in planned_files(language, qt, template).items():
            if path.suffix in (".qm", ".mo") and args.check:
                continue  # compared by meaning, above
            if path.exists() and path.read_bytes() == content:
                continue
            stale.append(path.relative_to(ROOT).as_posix())
            if not args.check:
                path.write_bytes(content)
    print(("Out of step: " if args.check else "Written: ") + (", ".join(stale) or "none"))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
