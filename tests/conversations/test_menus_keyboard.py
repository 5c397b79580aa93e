"""The reply keyboard fits a phone for every combination of roles (issue 16, finding 11)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from conversations.menus import keyboard_for


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None


GRANTS = [Grant("officer", 1), Grant("leader", 1), Grant("appraiser", None), Grant("admin", None)]


def test_every_role_combination_gets_at_most_two_rows_with_help_and_deadlines():
    for n in range(len(GRANTS) + 1):
        for roles in itertools.combinations(GRANTS, n):
            rows = keyboard_for(roles, str)
            labels = [x for row in rows for x in row]
            assert 1 <= len(rows) <= 2 and all(len(row) <= 4 for row in rows), (roles, rows)
            assert {"❓ Help", "📅 Deadlines"} <= set(labels), (roles, rows)
            assert len(labels) == len(set(labels)), rows
    everything = [x for row in keyboard_for(GRANTS, str) for x in row]
    assert everything == [
        "📝 Score", "📊 Progress", "📤 Submit", "🏆 Rank", "🔍 Review", "📅 Deadlines", "❓ Help"
    ]  # fmt: skip
    alone = keyboard_for([], str)
    assert alone == (("📅 Deadlines", "❓ Help", "🌐 Language"),)
