"""What a registered person can do, said instead of a dead end.

A leader who types /submit, an appraiser who taps /score or Phòng Nội vụ asking for progress are
registered: telling them "you are not registered" is wrong and leaves them stuck. These replies
say who does the thing they asked for and which of their own commands to use instead.
"""

from __future__ import annotations

from conversations.context import Ctx
from conversations.markup import join_lines
from scoring.i18n import N_

RANK_IS_FOR = N_("/rank is for a unit's leaders and Phòng Nội vụ.")


def can_do(ctx: Ctx) -> list[str]:
    """One line per role the person holds: the commands that role starts from."""
    lines: list[str] = []
    if ctx.unit_ids("officer"):
        lines.append(
            ctx.tr(
                "Tap 📝 Score to self-assess the criteria one by one. Your answers are saved "
                "as you go; you can stop and continue any time."
            )
        )
    if ctx.unit_ids("leader"):
        lines.append(
            ctx.tr(
                "Use /progress to follow your unit and /rank for its preliminary score and rank."
            )
        )
    if ctx.has_role("appraiser"):
        lines.append(
            ctx.tr("Open your appraisal queue with /review; /review status shows the progress.")
        )
    if ctx.is_admin:
        lines.append(
            ctx.tr(
                "/progress shows every unit; /review follows the appraisal, /broadcast sends a "
                "notice and /publish publishes the results."
            )
        )
    return lines


def refuse_with(ctx: Ctx, who_does_it: str) -> bool:
    """``who_does_it`` (a msgid), then what this registered person can do instead (True); False
    for someone with no role, whom the caller tells how to join."""
    if not ctx.roles:
        return False
    ctx.say(join_lines([ctx.tr(who_does_it), *can_do(ctx)]))
    return True
