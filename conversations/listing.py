"""Lists that end honestly: a message shows the first items of a long list and says how many
more there are ("1.1, 1.2 … và 4 tiêu chí khác"), instead of stopping without a word."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.context import Ctx
from conversations.markup import Html, join_lines
from conversations.replies import Button


def criteria_list(ctx: Ctx, codes: Sequence[str], limit: int = 15) -> Html:
    """The first ``limit`` codes joined with commas, then "… and N more" if any were left out."""
    shown = join_lines(codes[:limit], ", ")
    rest = len(codes) - limit
    if rest <= 0:
        return shown
    return shown + " " + ctx.tr("… and %(n)s more", n=rest)


def say_long(
    ctx: Ctx, lines: list[str], buttons: tuple[tuple[Button, ...], ...] = (), limit: int = 3800
) -> None:
    """Long lists in several messages (Telegram stops at 4096 characters); buttons on the last."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        ctx.say(join_lines(chunk), buttons=buttons if last else ())
