"""Self-assessment sheets for the sample commune catalog (xa-mau-2024), each item at its max unless
told otherwise: the CLI scoring tests and the backup tests import the same units.
"""

from __future__ import annotations

from pathlib import Path

from scoring.catalog import Item, load_catalog_file, sample_catalog_paths

XA = sample_catalog_paths()["xa-mau-2024"]
CAT = load_catalog_file(XA)


def best_value(item: Item) -> str:
    """The value that earns an item its max (inputs only; the expectations are by hand)."""
    a = item.answer
    if a.kind == "choice":
        return next(o.id for o in a.options if o.points == item.max)
    if a.kind in ("ratio", "proportional"):
        return "10/10"
    if a.kind == "deduction":
        return "0"
    if a.kind == "number":
        return str(next(b.min for b in a.bands if b.points == item.max))
    if a.kind == "date":
        return a.deadline.isoformat()
    return str(item.max)


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
