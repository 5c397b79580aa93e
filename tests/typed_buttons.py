"""Every button the bot draws reads back through a callback codec (conversations.callbacks).

The conversation harness checks each outcome's buttons and the e2e harness every button left
in the emulator's chats when a stack closes, so a button built by hand in a format no codec
reads (which the router would answer as out of date, or a handler could misread) fails the
test that drew it.
"""

from __future__ import annotations

from collections.abc import Iterable

from conversations.callbacks import unpack


def assert_typed(data: Iterable[str | None], where: str) -> None:
    untyped = [d for d in data if d is not None and unpack(d) is None]
    assert not untyped, f"buttons no callback codec reads, in {where}: {untyped}"
