"""The bot token and webhook secret never appear in logs or error messages, even when the
Bot API fails in every way the emulator can make it fail."""

from __future__ import annotations

import logging


async def test_token_never_in_logs_or_errors(stack, caplog):
    secret_part = stack.emu.token.split(":", 1)[1]
    caplog.set_level(logging.DEBUG)
    lan = await stack.join(9901)
    stack.emu.inject_error("sendMessage", status=502, count=2)
    await lan.send("/whoami", expect="cán bộ đầu mối", timeout=20)
    stack.emu.inject_error("*", status=500, count=3, html_body=True)
    await lan.send("/help", expect="/score", timeout=30)
    stack.emu.inject_error(
        "editMessageText", status=400, count=1, description="Bad Request: message to edit not found"
    )
    await lan.send("/score", expect="1.1.1.a")
    texts = [r.getMessage() for r in caplog.records]
    texts += [r.exc_text or "" for r in caplog.records]
    assert caplog.records, "expected some logging to inspect"
    leaked = [t for t in texts if secret_part in t]
    assert not leaked, leaked[:3]


def test_settings_repr_hides_secrets():
    from bot.settings import load_settings

    s = load_settings(bot_token="123:VERY-SECRET", webhook_secret="hook-secret-xyz")
    assert "VERY-SECRET" not in repr(s) and "hook-secret-xyz" not in repr(s)
    assert "VERY-SECRET" not in str(s.model_dump())
