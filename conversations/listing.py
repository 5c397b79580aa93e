"""Lists that end honestly: a message shows the first items of a long list and says how many
more there are ("1.1, 1.2 … và 4 tiêu chí khác"), instead of stopping without a word."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.context import Ctx
from conversations.markup import Html, join_lines


def criteria_list(ctx: Ctx, codes: Sequence[str], limit: int = 15) -> Html:
    """The first ``limit`` codes joined with commas, then "… and N more" if any were left out."""
    shown = join_lines(codes[:limit], ", ")
    rest = len(codes) - limit
    if rest <= 0:
        return shown
    return shown + " " + ctx.tr("… and %(n)s more", n=rest)
