"""Reminders leave room for lifters' replies: all together stay under 30 in every second.

The pacer runs in virtual time (see `test_pacer`); replies are noted as the transport
notes them, at the moments a test chooses, and never wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from bot.scheduling.budget import SPAN, room
from bot.scheduling.sender import Pacer
from tests.scheduling.test_pacer import VirtualTime, most_in_any_window, send_one

LIMIT = 30


class Run:
    """Reminders sent by 8 senders while replies leave at given moments."""

    def __init__(self, time: VirtualTime, pacer: Pacer) -> None:
        self.time, self.pacer = time, pacer
        self.reminders: list[float] = []
        self.replies: list[float] = []
        self._done = asyncio.Event()

    async def remind(self, count: int, at_once: int = 8) -> None:
        todo = list(range(count))

        async def sender() -> None:
            while todo:
                sent = await send_one(self.time, self.pacer, todo.pop(), latency=0.0)
                self.reminders.append(sent.left)

        await asyncio.gather(*(sender() for _ in range(at_once)))
        self._done.set()

    async def reply_at(self, moments: Iterable[float]) -> None:
        for at in moments:
            if self._done.is_set():
                return
            if at > self.time.now:
                await self.time.sleep(at - self.time.now)
            self.pacer.replies.note()
            self.replies.append(self.time.now)

    async def run(self, reminders: int, replies: Iterable[float]) -> None:
        await self.time.run(self.remind(reminders), self.reply_at(replies))

    def reminders_between(self, start: float, end: float) -> int:
        return sum(1 for at in self.reminders if start <= at < end)


def every(step: float, start: float = 0.0, end: float = 1e9) -> Iterable[float]:
    at = start
    while at < end:
        yield at
        at += step


async def test_reminders_and_replies_together_stay_under_thirty_a_second() -> None:
    time = VirtualTime()
    run = Run(time, time.pacer())
    await run.run(600, every(0.2))  # a reply every 200 ms: 5 a second
    assert most_in_any_window(run.reminders + run.replies) <= LIMIT
    # Reminders take what replies leave, less the room kept for their bursts.
    span = run.reminders[-1] - run.reminders[0]
    assert len(run.reminders) / span > (LIMIT - room(5.2)) * 0.95


async def test_a_reply_while_reminders_go_at_full_speed_makes_room_at_once() -> None:
    time = VirtualTime()
    run = Run(time, time.pacer())
    await run.run(300, [3.0])
    assert run.reminders_between(2.0, 3.0) == LIMIT  # full speed before
    assert room(1) == 3
    assert run.reminders_between(3.0, 4.0) <= LIMIT - 3
    assert most_in_any_window(run.reminders + run.replies) <= LIMIT


async def test_once_lifters_stop_texting_reminders_go_back_to_full_speed() -> None:
    time = VirtualTime()
    run = Run(time, time.pacer())
    await run.run(60 * LIMIT, every(0.25, end=3.0))
    assert run.reminders_between(1.0, 3.0) < 2 * (LIMIT - 4)
    assert run.reminders_between(4.0, 4.0 + 10) < 10 * (LIMIT - 1)  # a lull keeps its room
    back = 3.0 + SPAN
    assert run.reminders_between(back, back + 10) >= 10 * LIMIT - 1
    assert most_in_any_window(run.reminders + run.replies) <= LIMIT


async def test_a_flood_of_replies_slows_reminders_to_their_floor_never_stops_them() -> None:
    time = VirtualTime()
    pacer = time.pacer()
    run = Run(time, pacer)
    await run.run(60, every(0.02))  # 50 replies a second: over the limit on their own
    assert pacer.floor == 3
    flooded = [at for at in run.reminders if at >= 1.0]  # the replies' rate is known by then
    assert len(flooded) / (flooded[-1] - 1.0) >= pacer.floor * 0.9  # a tenth, still
    assert most_in_any_window(flooded) <= pacer.floor


async def test_other_workers_replies_seen_in_the_inbox_are_kept_room_for() -> None:
    time = VirtualTime()
    pacer = time.pacer()
    pacer.replies.seen(last_window=10, span=10 * SPAN)  # 10 a second, every worker's
    run = Run(time, pacer)
    elsewhere = list(every(0.1, end=20.0))  # what the other workers send meanwhile
    await run.run(300, [])
    assert most_in_any_window(run.reminders + [at for at in elsewhere if at < time.now]) <= LIMIT
    assert room(10) == 17  # ten expected, and two standard deviations of their bursts
    assert most_in_any_window(run.reminders) <= LIMIT - 17


async def test_replies_this_process_sent_are_not_counted_twice_from_the_inbox() -> None:
    """On PostgreSQL the inbox holds this process's updates too; their replies are
    counted as they leave, and room is kept for them once, not again as others'."""
    time = VirtualTime()
    pacer = time.pacer()
    run = Run(time, pacer)

    elsewhere: list[int] = []

    async def inbox_holds_the_same_updates() -> None:
        while len(run.reminders) < 300:
            await time.sleep(0.5)
            now = time.now
            pacer.replies.seen(
                last_window=sum(1 for at in run.replies if at > now - pacer.window),
                span=sum(1 for at in run.replies if at > now - SPAN * pacer.window),
            )
            elsewhere.append(pacer.replies.elsewhere(now))

    await time.run(run.remind(300), run.reply_at(every(0.2)), inbox_holds_the_same_updates())
    assert set(elsewhere) == {0}
    assert most_in_any_window(run.reminders + run.replies) <= LIMIT
