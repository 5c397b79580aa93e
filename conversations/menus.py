"""The reply keyboard and the "/" command menu a person sees, from their roles alone.

Computed from a list of role grants (not from a live update), so that a change made elsewhere —
an admin's revocation in chat or on the command line — can send the person their new keyboard
and command menu with the notice that tells them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from scoring.i18n import N_

Translate = Callable[[str], str]


class RoleLike(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def unit_id(self) -> int | None: ...


def _roles(roles: Sequence[RoleLike]) -> tuple[bool, bool, bool, bool]:
    kinds = {(r.role, r.unit_id is not None) for r in roles}
    officer = ("officer", True) in kinds
    leader = ("leader", True) in kinds
    appraiser = any(r.role == "appraiser" for r in roles)
    admin = any(r.role == "admin" for r in roles)
    return officer, leader, appraiser, admin


KEYBOARD_ROWS = 2  # a phone's screen: the keyboard stays below a quarter of it
ROW_WIDTH = 3  # short labels to a row; four when a person holds every role


def keyboard_for(roles: Sequence[RoleLike], tr: Translate) -> tuple[tuple[str, ...], ...]:
    """The reply keyboard: short buttons for what this person can do, in at most two rows so
    it takes little of a phone's screen (sent with resize_keyboard). The language button
    makes way when the roles need the room; /lang stays in the command menu."""
    officer, leader, appraiser, admin = _roles(roles)
    labels: list[str] = []
    if officer:
        labels += ["📝 Score", "📊 Progress", "📤 Submit"]
    if leader or admin:
        labels += ["🏆 Rank", "📊 Progress"]
    if appraiser or admin:
        labels += ["🔍 Review"]
    labels += ["📅 Deadlines", "❓ Help", "🌐 Language"]
    unique = list(dict.fromkeys(labels))
    if len(unique) > KEYBOARD_ROWS * ROW_WIDTH:
        unique.remove("🌐 Language")
    width = max(ROW_WIDTH, -(-len(unique) // KEYBOARD_ROWS))
    shown = [tr(label) for label in unique]
    return tuple(tuple(shown[i : i + width]) for i in range(0, len(shown), width))


COMMAND_TEXTS = {
    "score": N_("Self-assess the criteria"),
    "progress": N_("Progress and missing criteria"),
    "submit": N_("Submit the self-assessment"),
    "withdraw": N_("Withdraw the submission to correct it"),
    "evidence": N_("Evidence files"),
    "rank": N_("Preliminary score, rank, classification"),
    "export": N_("Excel files"),
    "review": N_("Appraisal queue"),
    "broadcast": N_("Send a notice to units"),
    "publish": N_("Publish the results"),
    "access": N_("Who has access; revoke a role"),
    "deadlines": N_("The plan's deadlines"),
    "whoami": N_("My roles"),
    "lang": N_("Language / Ngôn ngữ"),
    "help": N_("Help"),
}


def commands_for(roles: Sequence[RoleLike], tr: Translate) -> tuple[tuple[str, str], ...]:
    """The person's "/" menu: only commands their roles can use, in the order they need them."""
    officer, leader, appraiser, admin = _roles(roles)
    names: list[str] = []
    if officer:
        names += ["score", "progress", "submit", "withdraw", "evidence"]
    if leader:
        names += ["rank", "progress", "export", "evidence"]
    if appraiser:
        names += ["review"]
    if admin:
        names += ["progress", "rank", "review", "broadcast", "publish", "access", "export"]
    names += ["deadlines", "whoami", "lang", "help"]
    unique = list(dict.fromkeys(names))
    return tuple((name, tr(COMMAND_TEXTS[name])) for name in unique)
