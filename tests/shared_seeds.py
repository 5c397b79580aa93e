"""Where the shared seed plans are: ``../shared/seeds`` next to the repository, never an
absolute path, so a checkout anywhere finds them.

Outside CI a missing folder skips the tests that need it (a developer without the shared data
can still run the rest); under CI (``CI`` in 1/true/yes) it fails them, so a broken checkout
can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def seed_path(prefix: str) -> Path:
    """The seed plan whose file name starts with ``prefix`` ("000" …); skip or fail if absent."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if len(found) == 1:
        return found[0]
    message = f"seed plan {prefix}_*.txt not found (once) in {SEEDS}"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


SEED_PREFIXES = ("000", "001", "002", "003")
