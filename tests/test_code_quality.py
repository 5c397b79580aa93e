"""The code stays typed and linted: mypy --strict over every package ([tool.mypy] in
pyproject.toml), the import contracts ([tool.importlinter]) and ruff's error checks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_on_every_package():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_finds_no_errors():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "E9,F63,F7,F82", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_import_contracts_hold():
    """Layers, the pure domain and the emulator's independence, as declared in pyproject.toml."""
    lint_imports = (
        "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
    )
    result = subprocess.run(
        [sys.executable, "-c", lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


MAX_FUNCTION_LINES = 80
# Alembic revisions are frozen scripts of DDL: once released they are never edited or split.
NOT_PRODUCT = {"tests", "migrations", ".venv", "node_modules"}


def _product_sources() -> list[Path]:
    return [
        p
        for p in sorted(ROOT.rglob("*.py"))
        if not NOT_PRODUCT.intersection(p.relative_to(ROOT).parts)
        and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    ]


def test_no_function_outside_tests_is_longer_than_80_lines():
    """A function that no longer fits on a screen hides its seams: split it where they are."""
    too_long = []
    for path in _product_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1 if node.end_lineno else 0
                if lines > MAX_FUNCTION_LINES:
                    where = path.relative_to(ROOT)
                    too_long.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    assert not too_long, "\n".join(too_long)


def test_the_length_check_sees_a_long_function(tmp_path: Path):
    """The walk above finds functions inside classes and nested ones, and counts their lines."""
    body = "\n".join(f"        x{n} = {n}" for n in range(MAX_FUNCTION_LINES))
    tree = ast.parse(f"class C:\n    def long(self):\n{body}\n")
    [func] = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert func.end_lineno - func.lineno + 1 == MAX_FUNCTION_LINES + 1


def test_test_modules_import_no_other_test_module():
    """Shared test helpers live in conftest files or helper modules (harness.py, runner.py…):
    importing from another test_*.py runs its tests' module code and ties the two together."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not offenders, "\n".join(offenders)
