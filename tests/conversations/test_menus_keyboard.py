"""The reply keyboard fits a phone for every combination of roles (issue 16, finding 11)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from conversations.routing import roles_of
from handlers.routes import build_registry


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None


def keyboard_for(
    grants: tuple[Grant, ...] | list[Grant], tr: object
) -> tuple[tuple[str, ...], ...]:
    """The keyboard the registry draws for these grants (labels untranslated)."""
    return build_registry().keyboard_for(roles_of(grants), str)


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
        "📝 Score",
        "🏆 Rank",
        "📊 Progress",
        "📤 Submit",
        "🔍 Review",
        "📅 Deadlines",
        "❓ Help",
    ]  # fmt: skip  (registration order; the language button made way)
    alone = keyboard_for([], str)
    assert alone == (("📅 Deadlines", "❓ Help", "🌐 Language"),)
