"""The engine's guess of which unit's items to read with the person (conversations/items_hint)."""

from __future__ import annotations

from conversations.items_hint import UNUSED_GUESSES, ItemsHints

UNIT = (3, 7)


def test_own_unit_first_then_the_unit_read_last() -> None:
    hints = ItemsHints(16)
    assert hints.guess(1) == (None, True)  # nothing known: the person's own unit
    hints.after(1, UNIT)
    assert hints.guess(1) == (UNIT, False)
    hints.after(1, (4, 7))  # another unit's card
    assert hints.guess(1) == ((4, 7), False)


def test_guessing_stops_after_guesses_in_a_row_were_unused_and_resumes_with_a_read() -> None:
    hints = ItemsHints(16)
    hints.after(1, UNIT)
    for _ in range(UNUSED_GUESSES - 1):
        hints.after(1, None)  # e.g. /start, /help: no card
        assert hints.guess(1) == (UNIT, False)  # the card usually comes next
    hints.after(1, None)
    assert hints.guess(1) == (None, False)  # a leader's /rank after /rank: no more reads
    hints.after(1, UNIT)
    assert hints.guess(1) == (UNIT, False)
    for _ in range(UNUSED_GUESSES):
        hints.after(2, None)
    assert hints.guess(2) == (None, False)  # never read anything: own unit tried, then not


def test_at_most_kept_people_are_remembered_oldest_forgotten_first() -> None:
    hints = ItemsHints(2)
    for user in (1, 2, 3):
        hints.after(user, UNIT)
    assert hints.guess(1) == (None, True) and hints.guess(3) == (UNIT, False)
