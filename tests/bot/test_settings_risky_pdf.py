"""PARBOT_RISKY_PDF: the province's choice for risky PDFs (issue 18, finding 8)."""

from __future__ import annotations

import pytest

from bot.runtime import core_config
from bot.settings import SettingsError, load_settings


def test_default_refuses_active_content_and_the_core_gets_the_choice(monkeypatch, tmp_path):
    monkeypatch.delenv("PARBOT_RISKY_PDF", raising=False)
    assert load_settings(data_dir=tmp_path).risky_pdf == "refuse-active"
    monkeypatch.setenv("PARBOT_RISKY_PDF", "refuse-all")
    assert core_config(load_settings(data_dir=tmp_path)).risky_pdf == "refuse-all"


def test_an_unknown_policy_is_named(monkeypatch):
    monkeypatch.setenv("PARBOT_RISKY_PDF", "maybe")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert "PARBOT_RISKY_PDF" in str(err.value)
