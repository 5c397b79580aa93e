"""Which unit's items to read with the person at the start of their next update.

On PostgreSQL the hot read (``people.hot``) can bring a unit's items in the same statement as
the person: one round trip less when the update shows that unit's card, as most officer steps
do, and a wasted read (no round trip) when it does not. The guess is the unit the person's
last update read; with none yet (the first update a process sees of them, e.g. /start), the
unit of their own first unit role. After two updates in a row that did not use a guess, no
more is guessed until an update reads a unit's items again: a leader who only asks /rank
costs two reads, not one per update."""

from __future__ import annotations

from conversations.bounded import put_newest

UNUSED_GUESSES = 2
"""Updates in a row that did not read the guessed items before guessing stops."""


class ItemsHints:
    def __init__(self, kept: int) -> None:
        self._kept = kept
        # Telegram user id → (the (unit, catalog) last read or None, guesses unused since)
        self._hints: dict[int, tuple[tuple[int, int] | None, int]] = {}

    def guess(self, user_id: int) -> tuple[tuple[int, int] | None, bool]:
        """``(items_of, own_unit)`` for ``people.hot``: the unit read last, or (none known)
        the person's own unit; ``(None, False)``: guess nothing."""
        read, unused = self._hints.get(user_id, (None, 0))
        if unused >= UNUSED_GUESSES:
            return None, False
        return read, read is None

    def after(self, user_id: int, read: tuple[int, int] | None) -> None:
        """The update of ``user_id`` read the items of ``read`` (None: of no unit)."""
        if read is not None:
            put_newest(self._hints, user_id, (read, 0), self._kept)
            return
        last, unused = self._hints.get(user_id, (None, 0))
        put_newest(self._hints, user_id, (last, unused + 1), self._kept)
