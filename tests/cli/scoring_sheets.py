"""Self-assessment sheets for the sample commune catalog (xa-mau-2024), each item at its max unless
told otherwise: the CLI scoring tests and the backup tests import the same units.
"""

from __future__ import annotations

from pathlib import Path

from scoring.catalog import sample_catalog_paths
from scoring.catalog_loader import load_catalog_file
from tests.results.helpers import best_value

XA = sample_catalog_paths()["xa-mau-2024"]
CAT = load_catalog_file(XA)


def sheet(unit: str, **overrides: str) -> list[str]:
    rows = []
    for leaf in CAT.leaves():
        if leaf.is_survey or leaf.section != "field":
            continue
        value = overrides.pop(leaf.code.replace(".", "_"), best_value(leaf))
        expl = "Giải trình: tự chấm theo kết quả thực hiện" if leaf.kind == "manual" else ""
        rows.append(f"{unit},{leaf.code},{value},{expl}")
    for code, value in overrides.items():  # bonus / penalty
        rows.append(f"{unit},{code.replace('_', '.')},{value},")
    return rows


def write(tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)
