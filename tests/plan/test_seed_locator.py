"""The seed locator: ../shared/seeds beside the repository; a missing folder skips a test
outside CI and fails it under CI, never a silent pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import shared_seeds


def test_seeds_sit_beside_the_repository() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert repo.parent / "shared" / "seeds" == shared_seeds.SEEDS


@pytest.mark.parametrize("ci", ["1", "true", "yes", "TRUE"])
def test_missing_seeds_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str
) -> None:
    monkeypatch.setattr(shared_seeds, "SEEDS", tmp_path / "nowhere")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="seed plan 000"):
        shared_seeds.seed_path("000")


@pytest.mark.parametrize("ci", [None, "", "0", "false"])
def test_missing_seeds_skip_outside_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str | None
) -> None:
    monkeypatch.setattr(shared_seeds, "SEEDS", tmp_path / "nowhere")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception):
        shared_seeds.seed_path("000")


def test_a_seed_is_found_by_its_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "007_abc.txt").write_text("KẾ HOẠCH", encoding="utf-8")
    monkeypatch.setattr(shared_seeds, "SEEDS", tmp_path)
    assert shared_seeds.seed_text("007") == "KẾ HOẠCH"
