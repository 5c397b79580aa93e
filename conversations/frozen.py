"""The one refusal every write to a published period gets, and how to reopen it.

Imports, appraisals and chat answers all refuse the same way, naming the command that reopens
the period, so an officer or admin never meets a silent "nothing changed".
"""

from __future__ import annotations

from conversations.context import Ctx
from scoring.i18n import N_

PROBLEM = N_(
    "the results of %(year)s are published, so nothing can change; to reopen them an admin "
    'runs parbot unpublish --period %(year)s --reason "…" (or /unpublish in chat)'
)


def say_published(ctx: Ctx, year: int, *, edit: bool = False) -> None:
    """Tell the person the period is published and who can reopen it."""
    ctx.say(
        ctx.tr(
            "🔒 The results of %(year)s are published (official), so nothing can change. "
            "Only Phòng Nội vụ can reopen them (/unpublish).",
            year=year,
        ),
        edit=edit,
    )
