"""Every text a person reads is marked for translation: a scan of the source.

On screen: the string literals given to widgets, labels, buttons, message boxes and dialogs
(``setText``, ``QLabel(...)``, ``addRow``, ``Messages.error`` …) must come through ``tr`` or
``trn``. In the Qt-free core: the messages of exceptions raised and of the problem dicts and
lists a form or an import shows must come through ``_`` or ``ngettext``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Calls that put text on screen, with the positions of their text arguments (None: every
#: argument and keyword).
WIDGET_TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    "setText": None, "setWindowTitle": None, "setToolTip": None, "setStatusTip": None,
    "setPlaceholderText": None, "setAccessibleName": None, "setAccessibleDescription": None,
    "setTitle": None, "setLabelText": None, "setSpecialValueText": None, "setSuffix": None,
    "setPrefix": None, "showMessage": None, "setHorizontalHeaderLabels": None,
    "QLabel": None, "QPushButton": None, "QCheckBox": None, "QRadioButton": None,
    "QGroupBox": None, "QAction": None, "QToolButton": None, "QListWidgetItem": None,
    "QTableWidgetItem": None, "addMenu": None, "addAction": None, "addButton": (0,),
    "add_button": None, "addItem": (0,), "insertItem": (1,), "addRow": (0,), "addTab": (1,),
    "insertTab": (2,), "setTabText": (1,), "setItemText": (1,), "setLabel": None,
    "error": None, "info": None, "confirm": None, "warning": None, "question": None,
    "information": None, "critical": None, "show_problem": None, "say": None,
    "choose_file_to_save": None, "choose_file_to_open": None, "choose_folder": None,
    "ReasonDialog": None, "RetireDialog": None, "seldom_needed": None,
}
#: Screens' files that are not screens: the command line and the benchmarks write for the
#: people who run them (in English, like the logs), and the catalogue tool.
UI_NOT_SCREENS = ("ui/command_line/", "ui/bench/", "ui/language/catalogues.py")
#: The demo and synthetic clinics' data (names, notes) is sample data, not the program's text.
CORE_NOT_MESSAGES = ("devices/simulated/demo_clinic.py", "devices/simulated/synthetic_clinic.py",
                     "models/storage/migrations/")
#: Calls in the core that make a message a person reads.
CORE_MESSAGE_CALLS = {"fail"}
LOGGERS = {"log", "logger", "logging"}


def _has_words(node: ast.AST) -> bool:
    """A literal a person would read: a string (or an f-string's text) with a letter in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):  # "…".format()
        return node.func.attr in ("format", "join") and _has_words(node.func.value)
    return False


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def unmarked_on_screen(source: str) -> list[int]:
    """Lines where a widget is given a literal not passed through ``tr``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node) not in WIDGET_TEXT_CALLS:
            continue
        if isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) in LOGGERS:
            continue  # log.info(…): for the log, in English
        positions = WIDGET_TEXT_CALLS[_name(node)]
        args = ([*node.args, *(k.value for k in node.keywords)] if positions is None else
                [node.args[i] for i in positions if i < len(node.args)])
        lines += [node.lineno for arg in args if _has_words(arg)]
    return sorted(set(lines))


def unmarked_in_core(source: str) -> list[int]:
    """Lines where an exception, a ``fail`` or a problem gets a literal not passed to ``_``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            # the message comes first; codes may follow (the action refused, its record)
            lines += [node.lineno for arg in node.exc.args[:1] if _has_words(arg)]
        elif isinstance(node, ast.Call) and _name(node) in CORE_MESSAGE_CALLS:
            lines += [node.lineno for arg in node.args[:1] if _has_words(arg)]
        elif isinstance(node, ast.Call) and _name(node) in ("append", "setdefault", "add"):
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if "problem" in ast.unparse(owner or node).lower():
                lines += [node.lineno for arg in node.args if _has_words(arg)]
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and "problem" in ast.unparse(t.value).lower()
                for t in node.targets):
            lines += [node.lineno] if _has_words(node.value) else []
    return sorted(set(lines))


def _files(folders: tuple[str, ...], skipped: tuple[str, ...]) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))
            if not path.relative_to(ROOT).as_posix().startswith(skipped)]


def _report(scan, files: list[Path]) -> list[str]:
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for line in scan(text):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text.splitlines()[line - 1].strip()}")
    return found


def test_every_text_given_to_a_widget_is_marked_for_translation():
    assert _report(unmarked_on_screen, _files(("ui",), UI_NOT_SCREENS)) == []


def test_every_message_of_the_core_is_marked_for_translation():
    assert _report(unmarked_in_core, _files(("models", "devices"), CORE_NOT_MESSAGES)) == []


@pytest.mark.parametrize("line", [
    'QLabel("Patient")', 'self.ok.setText(f"Sign {name}")', 'box.addItem("None", None)',
    'tabs.addTab(page, "Photos")', 'messages.error(self, "Nothing to sign")',
    'QPushButton("Complete " + "and sign")', 'label.setText("{} sessions".format(n))',
])
def test_the_scan_finds_an_unmarked_text_on_screen(line):
    assert unmarked_on_screen(line) == [1]


@pytest.mark.parametrize("line", [
    'QLabel(tr("Patient"))', 'self.ok.setText(tr("Sign {name}").format(name=name))',
    'box.addItem(tr("None"), "none")', 'tabs.addTab(page, tr("Photos"))',
    'label.setText(trn("%n session", "%n sessions", n))', 'self.setObjectName("consentNote")',
    'label.setText(" · ")', 'label.setText(name)', 'log.info("Opened %s", url)',
])
def test_the_scan_passes_a_marked_text_or_one_with_no_words(line):
    assert unmarked_on_screen(line) == []


@pytest.mark.parametrize("line", [
    'raise NotFound("No such patient")', 'raise Refused(f"{name} is retired")',
    'problems["duration"] = "Enter the minutes"', 'problems.append(f"line {n}: no date")',
    'raise fail("The file ends early")',
])
def test_the_scan_finds_an_unmarked_message_of_the_core(line):
    assert unmarked_in_core(line) == [1]


@pytest.mark.parametrize("line", [
    'raise NotFound(_("No such patient"))', 'raise Refused(_("{name} is retired").format(name=n))',
    'problems["duration"] = _("Enter the minutes")', 'raise NotFound(name)',
    'problems.append(ngettext("{n} line", "{n} lines", n).format(n=n))',
    'raise Refused(_("Not yours"), actor, "amend_session", "treatment_session", 4)',
])
def test_the_scan_passes_a_marked_message_of_the_core(line):
    assert unmarked_in_core(line) == []


# --- translated when shown, never at import --------------------------------------------------
TRANSLATING = {"tr", "trn", "_", "ngettext"}


def translated_at_import(source: str) -> list[int]:
    """Lines that translate while the module or a class body runs, before the language is
    installed (``tr_noop``/``N_`` mark such texts; ``tr``/``_`` translate them where shown)."""
    lines = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:  # evaluated where the function is defined
                    visit(default)
            return  # the body runs when called
        if isinstance(node, ast.Call) and _name(node) in TRANSLATING and isinstance(
                node.func, ast.Name):
            lines.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return sorted(set(lines))


def test_nothing_is_translated_at_import():
    files = _files(("ui", "models", "devices"), ("ui/language/catalogues.py",))
    assert _report(translated_at_import, files) == []


@pytest.mark.parametrize(("source", "lines"), [
    ('TITLE = tr("Patients")', [1]),
    ('class A:\n    LABEL = _("Neck")', [2]),
    ('def f():\n    return tr("Patients")', []),
    ('TITLE = tr_noop("Patients")\nLABELS = [N_("Neck")]', []),
    ('KEY = lambda: _("Neck")', []),
    ('def f(title=tr("Patients")):\n    pass', [1]),
])
def test_the_import_scan_tells_translating_from_marking(source, lines):
    assert translated_at_import(source) == lines


# --- the audit trail stays in English ----------------------------------------------------------
def refusals_recorded_translated(source: str) -> list[int]:
    """Lines making a ``Refused`` from a translated message with no English one to record:
    the audit trail would keep the reason in the language of the PC that refused."""
    return sorted({
        node.lineno for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and _name(node) == "Refused" and node.args
        and isinstance(node.args[0], ast.Call) and _name(node.args[0]) in ("_", "ngettext")
        and not any(k.arg == "recorded" for k in node.keywords)})


def test_every_refusal_is_recorded_in_english():
    assert _report(refusals_recorded_translated, _files(("models", "devices", "ui"), ())) == []


@pytest.mark.parametrize(("source", "lines"), [
    ('raise Refused(_("Not yours"), actor, "edit")', [1]),
    ('raise Refused.saying(N_("Not yours"), actor, "edit")', []),
    ('raise Refused(_(text), actor, "edit", recorded=text)', []),
])
def test_the_refusal_scan_finds_one_recorded_translated(source, lines):
    assert refusals_recorded_translated(source) == lines
