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
