"""The code stays typed and linted: mypy --strict over every package ([tool.mypy] in
pyproject.toml), the import contracts ([tool.importlinter]) and ruff's error checks."""

from __future__ import annotations

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
