"""The core stays Qt-free: models/ and devices/ never import PySide6 or pyqtgraph."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "pyqtgraph", "shiboken6", "ui")


def core_modules() -> list[str]:
    names = []
    for package in ("models", "devices"):
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if ".migrations." not in info.name:  # run by Alembic, checked by the AST test
                names.append(info.name)
    return names


def test_importing_every_core_module_loads_no_qt():
    modules = core_modules()
    assert "models.storage.database" in modules and "devices.simulated.treatment_device" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""


def test_no_core_source_names_qt_even_lazily():
    offenders = []
    for path in [*ROOT.joinpath("models").rglob("*.py"), *ROOT.joinpath("devices").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_the_import_contracts_in_pyproject_hold():
    """import-linter: ui -> devices -> models, Qt only in ui, and the layers inside each."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_main_py_is_the_top_layer_and_there_are_no_import_cycles():
    import grimp

    graph = grimp.build_graph("ui", "devices", "models", "resources", cache_dir=None,
                              include_external_packages=True)
    assert "PySide6" in graph.modules  # external imports are in the graph, "main" would be
    assert "main" not in graph.modules or not graph.find_modules_that_directly_import("main")
    cycles = []
    own = ("ui", "devices", "models", "resources")
    for module in sorted(m for m in graph.modules if m.split(".")[0] in own):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(imported=module, importer=imported):
                cycles.append(f"{module} -> {imported} -> ... -> {module}")
    assert cycles == []


def test_mypy_is_clean():
    """Strict on models/ and devices/, the default checks on ui/ and main.py (pyproject.toml)."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-4000:]


def test_only_the_safe_file_dialog_is_used():
    """Qt's own file dialogs read files to guess their type, which drops SQLite's locks on a
    database in the folder shown (ui/widgets/file_dialogs.py says how)."""
    safe = ROOT / "ui" / "widgets" / "file_dialogs.py"
    offenders = [str(path.relative_to(ROOT)) for path in ROOT.joinpath("ui").rglob("*.py")
                 if path != safe and "QFileDialog" in path.read_text(encoding="utf-8")]
    assert offenders == []
