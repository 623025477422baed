"""The pacer keeps scheduled sends under Telegram's limits in every sliding window.

Sends are run in virtual time: the clock jumps to the next wake-up once every sender is
waiting, so minutes of pacing take milliseconds and nothing depends on the machine.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Awaitable, Iterable

from bot.scheduling.sender import Pacer

SETTLE = 5  # event-loop turns after a wake-up: the woken sender runs to its next sleep


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


async def send_all(
    time: VirtualTime, pacer: Pacer, chats: Iterable[int], at_once: int = 8
) -> list[tuple[float, int]]:
    """Send to `chats` in order with `at_once` senders; when each message left, and where."""
    todo, left = list(chats)[::-1], []

    async def sender() -> None:
        while todo:
            chat = todo.pop()
            await pacer.wait(chat)
            left.append((time.now, chat))

    await time.run(*(sender() for _ in range(at_once)))
    return left


def most_in_any_window(starts: Iterable[float], window: float = 1.0) -> int:
    """The largest number of starts inside any half-open window of this length."""
    ordered = sorted(starts)
    best, first = 0, 0
    for last, start in enumerate(ordered):
        while ordered[first] <= start - window:
            first += 1
        best = max(best, last - first + 1)
    return best


def per_chat(left: list[tuple[float, int]]) -> dict[int, list[float]]:
    found: dict[int, list[float]] = {}
    for at, chat in left:
        found.setdefault(chat, []).append(at)
    return found


def test_booked_slots_are_evenly_spaced_under_thirty_per_second() -> None:
    pacer = Pacer()
    starts = [pacer.reserve(chat, now=0.0) for chat in range(300)]
    assert most_in_any_window(starts) <= 30
    assert starts[-1] < 299 / 30 / 0.95  # yet at more than 95 % of the limit
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(starts)}
    assert len(gaps) == 1


async def test_concurrent_senders_stay_under_thirty_per_second_at_close_to_that() -> None:
    time = VirtualTime()
    left = await send_all(time, time.pacer(), range(600))
    assert most_in_any_window(at for at, _ in left) <= 30
    assert left[-1][0] < 599 / 30 / 0.95


async def test_a_chat_gets_at_most_one_message_per_second_among_many() -> None:
    time = VirtualTime()
    rng = random.Random(7)
    chats = [rng.randrange(100) for _ in range(300)]  # most chats get several
    left = await send_all(time, time.pacer(), chats)
    assert len(left) == 300
    assert most_in_any_window(at for at, _ in left) <= 30
    assert all(most_in_any_window(times) == 1 for times in per_chat(left).values())


async def test_late_sends_after_a_busy_moment_do_not_bunch_up_with_the_next_ones() -> None:
    time = VirtualTime()
    time.stall(at=3.0, seconds=0.2)  # the event loop was busy; sends due meanwhile go late
    time.stall(at=7.5, seconds=0.05)
    left = await send_all(time, time.pacer(), range(400))
    assert most_in_any_window(at for at, _ in left) <= 30


async def test_a_held_chat_waits_without_holding_the_others() -> None:
    time = VirtualTime()
    pacer = time.pacer()
    pacer.hold(1.0, chat_id=1)
    left = dict((chat, at) for at, chat in await send_all(time, pacer, range(1, 12)))
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
