"""Pacing below Telegram's flood limit: at most ``rate`` messages in any second, counted when
they reach the server (see :class:`WindowPacer`; the sender, :mod:`delivery.sender`, asks it
when each send may start)."""

from __future__ import annotations

import bisect
import math


class WindowPacer:
    """When sends may start so that no server-side window of ``window`` s counts more than
    ``limit`` of them, whatever the network and our own event loop do to their timing.

    Telegram counts a message at some moment ``r`` between the request leaving (``start``) and
    its answer arriving (``end``): ``start + up ≤ r ≤ end - down``, where the one-way delays
    ``up`` and ``down`` are at least ``up0`` and ``down0``, and ``up0 + down0`` is about the
    fastest round trip seen (``rtt_min``). So an earlier send was counted at most at
    ``end - rtt_min + up0`` (its *settled* time ``end - rtt_min``, plus ``up0``) and a send
    starting at ``t`` is counted at least at ``t + up0``: it is safe to start once the
    ``limit``-th most recent settled time is ``window`` old. A send therefore holds a slot from
    when it leaves until ``settled + window + margin``: a normal send for one window after it
    started, one delayed by a stall or a slow network for longer. The rule holds for any
    latency jitter, and the round trip does not lower the rate as long as enough sends are in
    flight (the dispatcher's job). ``margin`` covers what ``rtt_min`` overstates
    ``up0 + down0`` by (the server's own processing time, a lucky sample missing).

    There is no smoothing on top: after a stall (GC, a slow commit) the free slots are used at
    once, within the window rule, instead of being lost.
    """

    def __init__(self, rate: float, window: float = 1.0, margin: float = 0.05) -> None:
        if rate <= 0 or window <= 0 or margin < 0:
            raise ValueError("rate and window must be positive, margin not negative")
        self.limit = max(1, math.floor(rate * window + 1e-9))
        # Below one message per window, stretch the window so the mean rate is still ``rate``.
        self.span = self.limit / rate + margin
        self.rtt_min = math.inf  # fastest answered round trip seen so far
        self.answered = 0
        self.in_flight = 0
        # finished sends still holding a slot, as (release time, start, end), sorted by release
        # time; the releases depend on ``rtt_min`` and on whether ``limit`` answers were seen
        # (the basis), so they are recomputed when that changes — rarely after the first
        # window — and otherwise each send costs a binary insertion and each look a few
        # pops, not a pass over every send of the last window (hundreds at a high rate)
        self._slots: list[tuple[float, float, float]] = []
        self._basis: tuple[float, bool] = (self.rtt_min, False)

    def settled(self, start: float, end: float) -> float:
        """When the server counted a send of ``start``..``end`` at the latest, less the
        shortest outbound delay (see the class): comparable with a new send's start time.

        Computed with the current ``rtt_min``, which only decreases, so an early, too high
        estimate is corrected for every send still holding a slot. Until a window's worth of
        answers has been seen the floor is unknown and the answer time itself is used.
        """
        if self.answered < self.limit:
            return end
        return max(start, end - self.rtt_min)

    def next_start(self, now: float, not_before: float = 0.0) -> float:
        """The earliest time ≥ ``now`` and ``not_before`` at which a send keeps the rule (or
        a time to look again, if every slot is held by a send still in flight)."""
        start = max(now, not_before)
        slots = self._current_slots()
        expired = bisect.bisect_right(slots, (now, math.inf, math.inf))
        if expired:
            del slots[:expired]
        excess = self.in_flight + len(slots) - self.limit + 1
        if excess > len(slots):  # only a send finishing frees a slot
            return max(start, now + self.span / self.limit)
        if excess > 0:
            start = max(start, slots[excess - 1][0])
        return start

    def _current_slots(self) -> list[tuple[float, float, float]]:
        """The held slots with releases on the current basis (recomputed if it moved)."""
        basis = (self.rtt_min, self.answered >= self.limit)
        if basis != self._basis:
            self._basis = basis
            self._slots = sorted((self.settled(s, e) + self.span, s, e) for _, s, e in self._slots)
        return self._slots

    def take(self) -> None:
        """A send starts now (call it when ``next_start(now) <= now``)."""
        self.in_flight += 1

    def done(self, start: float, end: float, *, answered: bool) -> float:
        """A send that started at ``start`` got its answer (or gave up) at ``end``; returns its
        settled time. Only answered sends teach the fastest round trip (a local failure
        returns at once without one)."""
        self.in_flight -= 1
        if answered:
            self.answered += 1
            self.rtt_min = min(self.rtt_min, end - start)
        settled = self.settled(start, end)
        bisect.insort(self._current_slots(), (settled + self.span, start, end))
        return settled
