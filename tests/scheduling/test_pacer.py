"""The pacer keeps scheduled sends under Telegram's limits in every sliding window.

Sends are run in virtual time: the clock jumps to the next wake-up once every sender is
waiting, so minutes of pacing take milliseconds and nothing depends on the machine.
Telegram counts a message when it arrives, somewhere between its departure and its
answer: the limits hold for every such choice of arrivals (`most_in_any_window`).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Awaitable, Callable, Iterable
from typing import NamedTuple

from bot.scheduling.sender import Pacer

SETTLE = 5  # event-loop turns after a wake-up: the woken sender runs to its next sleep
ROUNDING = 1e-9  # seconds: virtual times this close are one (sums of floats differ so)


class VirtualTime:
    """A clock and a sleep for the pacer; `stall` makes the loop busy for a while."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._stalls: list[tuple[float, float]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    def stall(self, at: float, seconds: float) -> None:
        """From `at`, nothing runs for `seconds`; whoever was due wakes late, all at once."""
        self._stalls.append((at, seconds))

    def pacer(self, **kwargs: float) -> Pacer:
        return Pacer(clock=self.clock, sleep=self.sleep, **kwargs)

    async def run(self, *senders: Awaitable[object]) -> None:
        tasks = [asyncio.ensure_future(sender) for sender in senders]
        while True:
            for _ in range(SETTLE):
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                break
            at, _, future = heapq.heappop(self._sleepers)
            for start, seconds in list(self._stalls):
                if start <= at:
                    self._stalls.remove((start, seconds))
                    at = max(at, start + seconds)
            self.now = max(self.now, at)
            future.set_result(None)
        for task in tasks:
            task.result()


Latency = Callable[[int], float]  # the round trip of the n-th message sent


def instantly(n: int) -> float:
    """Answered the moment it left."""
    return 0.0


class Sent(NamedTuple):
    """One message: when it left, when its answer came back, and to which chat."""

    left: float
    answered: float
    chat: int


async def send_one(time: VirtualTime, pacer: Pacer, chat: int, latency: float) -> Sent:
    """Wait for a slot, then spend `latency` on the way and answer, as `Sender` does."""
    left = await pacer.wait(chat)
    await time.sleep(latency)
    pacer.answered(chat)
    return Sent(left, time.now, chat)


async def send_all(
    time: VirtualTime,
    pacer: Pacer,
    chats: Iterable[int],
    at_once: int = 8,
    latency: Latency = instantly,
) -> list[Sent]:
    """Send to `chats` in order with `at_once` senders; each message, in departure order."""
    todo, sent = list(enumerate(chats))[::-1], []

    async def sender() -> None:
        while todo:
            n, chat = todo.pop()
            sent.append(await send_one(time, pacer, chat, latency(n)))

    await time.run(*(sender() for _ in range(at_once)))
    return sorted(sent)


def most_in_any_window(messages: Iterable[float | tuple[float, float]], window: float = 1.0) -> int:
    """The most messages one half-open window of this length may hold, each placed
    anywhere between its departure and its answer (a single time: exactly there)."""
    pairs = sorted(m if isinstance(m, tuple) else (m, m) for m in messages)
    reach = window - ROUNDING  # a message a window before the end is outside it
    return max(
        sum(1 for _, answered in pairs[: i + 1] if answered > end - reach)
        for i, (end, _) in enumerate(pairs)
    )


def spans(sent: Iterable[Sent]) -> list[tuple[float, float]]:
    return [(s.left, s.answered) for s in sent]


def per_chat(sent: list[Sent]) -> dict[int, list[tuple[float, float]]]:
    found: dict[int, list[tuple[float, float]]] = {}
    for s in sent:
        found.setdefault(s.chat, []).append((s.left, s.answered))
    return found


def test_booked_slots_are_evenly_spaced_at_thirty_per_second() -> None:
    pacer = Pacer()
    starts = [pacer.reserve(chat, now=0.0) for chat in range(300)]
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(starts)}
    assert gaps == {round(1 / 30, 9)}  # what leaves when is the window's to say (`wait`)


async def test_concurrent_senders_stay_under_thirty_per_second_at_close_to_that() -> None:
    time = VirtualTime()
    sent = await send_all(time, time.pacer(), range(600), latency=lambda n: 0.003)
    assert most_in_any_window(spans(sent)) <= 30
    assert sent[-1].left < 599 / 30 / 0.95


async def test_a_chat_gets_at_most_one_message_per_second_among_many() -> None:
    time = VirtualTime()
    rng = random.Random(7)
    chats = [rng.randrange(100) for _ in range(300)]  # most chats get several
    sent = await send_all(time, time.pacer(), chats, latency=lambda n: 0.003)
    assert len(sent) == 300
    assert most_in_any_window(spans(sent)) <= 30
    assert all(most_in_any_window(times) == 1 for times in per_chat(sent).values())


async def test_late_sends_after_a_busy_moment_do_not_bunch_up_with_the_next_ones() -> None:
    time = VirtualTime()
    time.stall(at=3.0, seconds=0.2)  # the event loop was busy; sends due meanwhile go late
    time.stall(at=7.5, seconds=0.05)
    sent = await send_all(time, time.pacer(), range(400))
    assert most_in_any_window(spans(sent)) <= 30


async def test_a_held_chat_waits_without_holding_the_others() -> None:
    time = VirtualTime()
    pacer = time.pacer()
    pacer.hold(1.0, chat_id=1)
    left = {s.chat: s.left for s in await send_all(time, pacer, range(1, 12))}
    assert left[1] >= 1.0
    assert max(at for chat, at in left.items() if chat != 1) < 1.0


async def test_a_hold_for_everyone_stops_even_slots_booked_before_it() -> None:
    time = VirtualTime()
    pacer = time.pacer()

    async def flood() -> None:
        await time.sleep(0.01)  # the first message has left; two more have booked slots
        pacer.hold(2.0)

    left: list[float] = []

    async def sender(chat: int) -> None:
        await pacer.wait(chat)
        left.append(time.now)

    await time.run(flood(), *(sender(chat) for chat in (1, 2, 3)))
    first, *held = sorted(left)
    assert first == 0.0
    assert len(held) == 2 and all(at >= 2.0 for at in held)


def test_time_scale_shrinks_every_interval() -> None:
    pacer = Pacer(time_scale=0.1)
    starts = [pacer.reserve(7, now=0.0) for _ in range(3)]
    assert starts[1] - starts[0] == starts[2] - starts[1]
    assert 0.1 <= starts[1] - starts[0] < 0.11


def held_up_now_and_then(n: int) -> float:
    """A few milliseconds on the way, and every 37th message held up for 150 ms."""
    return 0.15 if n % 37 == 0 else 0.004


async def test_messages_held_up_on_the_way_never_crowd_a_second_over_thirty() -> None:
    """A message held up arrives in the next second, among those sent on time (a
    full-size run saw 32 in one): counted until answered, it leaves no room for that."""
    time = VirtualTime()
    sent = await send_all(time, time.pacer(), range(1200), latency=held_up_now_and_then)
    assert most_in_any_window(spans(sent)) <= 30
    assert sent[-1].left < 1199 / 30 / 0.95  # still above 95 % of the limit


async def test_a_window_of_messages_still_on_their_way_holds_the_next_until_answers() -> None:
    time = VirtualTime()
    sent = await send_all(time, time.pacer(), range(40), at_once=40, latency=lambda n: 2.0)
    assert max(s.left for s in sent[:30]) < 1.0  # thirty leave in the first second
    assert sent[30].left == sent[0].answered + 1.0  # the next: a window after an answer
    assert most_in_any_window(spans(sent)) <= 30


async def test_a_chat_gets_its_next_message_a_second_after_the_last_one_was_answered() -> None:
    time = VirtualTime()
    sent = await send_all(time, time.pacer(), [5, 5, 5], latency=lambda n: 0.4)
    assert all(b.left >= a.answered + 1.0 for a, b in itertools.pairwise(sent))
    assert most_in_any_window(spans(sent)) == 1
