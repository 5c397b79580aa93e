from __future__ import annotations

from conversations.evidence_check import MAX_BOT_DOWNLOAD, check_declared_size, messages
from tests.evidence_check.helpers import assert_refused, check


def test_bot_download_limit_is_telegrams_20_mb() -> None:
    assert MAX_BOT_DOWNLOAD == 20 * 1024 * 1024


def test_declared_25_mb_is_refused_before_download() -> None:
    verdict = check_declared_size(25 * 1024 * 1024)
    assert verdict is not None
    assert_refused(verdict, "too_large")
    assert verdict.params == {"size": 25.0, "limit": 20}
    assert verdict.message == messages.TOO_LARGE
    text = verdict.message % verdict.params
    assert "25.0 MB" in text and "20 MB" in text and "150–200 dpi" in text


def test_sizes_within_the_limit_or_unknown_pass() -> None:
    assert check_declared_size(None) is None
    assert check_declared_size(0) is None
    assert check_declared_size(MAX_BOT_DOWNLOAD) is None
    assert check_declared_size(MAX_BOT_DOWNLOAD + 1) is not None


def test_oversized_content_is_refused_without_parsing() -> None:
    verdict = check(b"%PDF-1.7\n" + bytes(MAX_BOT_DOWNLOAD))
    assert_refused(verdict, "too_large")
