"""The Sender's pacing, on a simulated clock: Telegram's window is never exceeded whatever the
latency jitter (a start-time pacer would be), the rate stays within a few percent of the limit
with a real round trip, stalls are caught up, and one chat never has two messages in flight."""

from __future__ import annotations

import asyncio
import heapq
import random
from collections import Counter

from conversations.replies import Reply
from delivery.pacer import WindowPacer
from delivery.sender import Sender

LIMIT = 30  # Telegram: messages per second, all chats


def simulate(
    pacer: WindowPacer,
    n: int,
    *,
    up: tuple[float, float],
    down: tuple[float, float],
    server: tuple[float, float] = (0.0, 0.005),
    seed: int = 7,
) -> tuple[list[float], list[float]]:
    """Send ``n`` messages as fast as ``pacer`` allows, with unbounded concurrency and random
    one-way delays; returns (start times, times the server counted them)."""
    rng = random.Random(seed)
    now = 0.0
    starts: list[float] = []
    counted: list[float] = []
    answers: list[tuple[float, float]] = []  # heap of (end, start)
    while len(starts) < n:
        start = pacer.next_start(now)
        if answers and answers[0][0] <= start:  # an answer arrives first: it may free a slot
            end, began = heapq.heappop(answers)
            now = max(now, end)
            pacer.done(began, end, answered=True)
            continue
        if start > now:  # wait, then look again (as the Sender does)
            now = start
            continue
        pacer.take()
        at_server = now + rng.uniform(*up)
        counted.append(at_server + rng.uniform(0, server[1] - server[0]) + server[0])
        heapq.heappush(answers, (counted[-1] + rng.uniform(*down), now))
        starts.append(now)
    return starts, sorted(counted)


def worst_window(counted: list[float], window: float = 1.0) -> int:
    """The most messages the server counted in any sliding window (its 429 rule)."""
    worst, lo = 0, 0
    for hi, t in enumerate(counted):
        while counted[lo] <= t - window:
            lo += 1
        worst = max(worst, hi - lo + 1)
    return worst


def test_window_never_exceeded_whatever_the_jitter() -> None:
    # 20-300 ms one way: a jitter far above the margin; a start-time pacer would overshoot.
    pacer = WindowPacer(LIMIT, margin=0.05)
    _, counted = simulate(pacer, 3000, up=(0.02, 0.3), down=(0.02, 0.3))
    assert worst_window(counted) <= LIMIT


def test_rate_close_to_the_limit_with_a_real_round_trip() -> None:
    # 100 ms round trip with 10 ms jitter: the round trip must not lower the rate.
    pacer = WindowPacer(LIMIT, margin=0.05)
    starts, counted = simulate(pacer, 3000, up=(0.05, 0.06), down=(0.05, 0.06))
    assert worst_window(counted) <= LIMIT
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    assert rate >= 0.93 * LIMIT  # the ceiling is 30 / 1.05 s = 0.952 of the limit


def test_a_stall_is_caught_up_within_the_window() -> None:
    pacer = WindowPacer(LIMIT, margin=0.05)
    for i in range(10):  # steady sending, 10 ms round trips
        t = pacer.next_start(i * 0.035)
        pacer.take()
        pacer.done(t, t + 0.01, answered=True)
    # The event loop stalls for 2 s: every slot is free again and is used at once …
    now = 2.5
    caught_up = 0
    while pacer.next_start(now) <= now:
        pacer.take()
        caught_up += 1
    assert caught_up == LIMIT  # … up to the limit, not one more
    assert pacer.next_start(now) > now


def test_below_one_message_per_window() -> None:
    pacer = WindowPacer(0.5, margin=0.05)  # one message every 2 s
    assert pacer.next_start(0.0) == 0.0
    pacer.take()
    pacer.done(0.0, 0.01, answered=True)
    assert pacer.next_start(0.02) >= 2.0


class SlowTransport:
    """Records how many sends are in flight per chat, and their order."""

    def __init__(self) -> None:
        self.in_flight: Counter[int] = Counter()
        self.peak_per_chat = 0
        self.peak = 0
        self.order: list[tuple[int, str]] = []

    async def send(self, chat_id: int, reply: Reply) -> int:
        self.in_flight[chat_id] += 1
        self.peak_per_chat = max(self.peak_per_chat, self.in_flight[chat_id])
        self.peak = max(self.peak, sum(self.in_flight.values()))
        try:
            await asyncio.sleep(0.02)
            self.order.append((chat_id, reply.text))
            return len(self.order)
        finally:
            self.in_flight[chat_id] -= 1

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> int:
        return message_id

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        return None


async def test_one_message_in_flight_per_chat_and_in_order() -> None:
    transport = SlowTransport()
    sender = Sender(transport, rate=1000.0, per_chat_interval=0.0)
    jobs = [sender.deliver(chat, Reply(f"{chat}:{i}")) for i in range(4) for chat in (1, 2, 3)]
    results = await asyncio.gather(*jobs)
    assert {r.status for r in results} == {"sent"}
    assert transport.peak_per_chat == 1  # never two to one chat at once…
    assert transport.peak == 3  # …while the three chats are served side by side
    for chat in (1, 2, 3):
        assert [t for c, t in transport.order if c == chat] == [f"{chat}:{i}" for i in range(4)]


class _ListPacer(WindowPacer):
    """The pacer as first written: every look recomputes and sorts the release time of every
    send still holding a slot (the reference the sorted-slots pacer must equal)."""

    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self._held: list[tuple[float, float]] = []

    def next_start(self, now: float, not_before: float = 0.0) -> float:
        start = max(now, not_before)
        releases = [self.settled(s, e) + self.span for s, e in self._held]
        self._held = [se for se, r in zip(self._held, releases, strict=True) if r > now]
        releases = sorted(r for r in releases if r > now)
        excess = self.in_flight + len(releases) - self.limit + 1
        if excess > len(releases):
            return max(start, now + self.span / self.limit)
        if excess > 0:
            start = max(start, releases[excess - 1])
        return start

    def done(self, start: float, end: float, *, answered: bool) -> float:
        self.in_flight -= 1
        if answered:
            self.answered += 1
            self.rtt_min = min(self.rtt_min, end - start)
        self._held.append((start, end))
        return self.settled(start, end)


def test_the_sorted_slots_decide_exactly_as_recomputing_every_send() -> None:
    """Random sends, answers, failures and looks at 3 rates: both pacers give the same start
    times throughout (the fast one keeps its slots sorted and recomputes only when the fastest
    round trip or the answered count changes the basis)."""
    for rate, seed in ((30, 1), (5, 2), (1000, 3), (0.5, 4)):
        rng = random.Random(seed)
        fast, slow = WindowPacer(rate), _ListPacer(rate)
        now, flying = 0.0, []
        for _ in range(3000):
            now += rng.expovariate(50)
            assert fast.next_start(now) == slow.next_start(now)
            if flying and rng.random() < 0.5:
                began = flying.pop(rng.randrange(len(flying)))
                answered = rng.random() < 0.9
                assert fast.done(began, now, answered=answered) == slow.done(
                    began, now, answered=answered
                )
            elif fast.next_start(now) <= now:
                fast.take()
                slow.take()
                flying.append(now)
