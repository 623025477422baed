"""One send budget for the whole bot: reminders take what lifters' replies leave.

Telegram counts every message of a bot against one limit of 30 a second, reminders and
replies alike. Replies cannot wait: a lifter who reports a set is answered at once, by
whichever worker handles the update, and nothing paces that. So the fan-out leader's
pacer (`bot.scheduling.sender.Pacer`) gives reminders what replies leave: per window,
the limit minus room for the replies expected (`room`), and no reminder while the window,
replies counted, is full. This process's replies are counted as they leave (the
transport tells `ReplyRate.note`, `bot.retry.RetryingRequest.on_message`); other
workers' are estimated from the inbox, one reply per stored update (measured: 1.00),
counted every half window while a fan-out runs (`watch_inbox`). The rate rises with
the last window and falls over the last `SPAN`: a first reply makes room at once, and a
lull between messages does not give it back. The very first reply after half a minute
of silence finds no room kept: in a window full of reminders it may be the 31st (one
429, and that reply goes a second later). Keeping one slot free always would cost a
fan-out nobody texts through 3 % of the limit, below its 95 % target.

While other workers run, `SHARED_RESERVE` slots a window stay free for their replies
besides: this process hears of them only from the inbox, after they left, so the first
replies after a silence would otherwise land in a window full of reminders. One
process alone keeps none (its fan-out stays at 95 % of the limit).

Reminders keep `FLOOR_SHARE` of the limit whatever replies take: a flood of lifters slows
them to a tenth, never stops them. Replies alone over the limit are not held here:
Telegram refuses the excess with 429 (the transport repeats those after the wait it
names), and reminders at their floor add a tenth to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
from collections import deque
from collections.abc import AsyncIterator, Callable

from bot.clock import Clock
from bot.db import arrivals
from bot.db.engine import Database
from bot.pipeline.workers import WORKER_LOCKS

log = logging.getLogger(__name__)

SPAN = 30  # windows over which a reply rate falls back: a lull keeps its room
FLOOR_SHARE = 0.1  # of the limit, reminders always keep
LOOKS_PER_WINDOW = 2  # inbox counts per window while a fan-out runs
SHARED_RESERVE = 3  # slots a window kept for other workers' replies while they run


def room(rate: float) -> int:
    """Messages per window to keep for replies expected at `rate` per window: the rate
    and two standard deviations of a Poisson count, so that most bursts fit too."""
    return math.ceil(rate + 2 * math.sqrt(rate)) if rate > 0 else 0


class Recent:
    """When things happened in the last window and the last `SPAN` windows; how often."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._last: deque[float] = deque()
        self._span: deque[float] = deque()

    def add(self, at: float) -> None:
        """One more at `at` (what is older than `SPAN` windows is forgotten)."""
        self._last.append(at)
        self._span.append(at)
        drop_before(self._last, at - self.window)
        drop_before(self._span, at - SPAN * self.window)

    def last_window(self, now: float) -> deque[float]:
        """What happened in the last window, oldest first."""
        drop_before(self._last, now - self.window)
        return self._last

    def rate(self, now: float) -> float:
        """Per window: the last one's count or the average over `SPAN`, the higher."""
        drop_before(self._span, now - SPAN * self.window)
        return max(len(self.last_window(now)), len(self._span) / SPAN)


def drop_before(times: deque[float], horizon: float) -> None:
    """Forget the times (oldest first) at or before `horizon`."""
    while times and times[0] <= horizon:
        times.popleft()


class ReplyRate:
    """How many replies a window holds: this process's counted, other workers' estimated."""

    def __init__(self, window: float, clock: Callable[[], float]) -> None:
        self.window = window
        self.clock = clock
        self.sent = Recent(window)  # this process's replies, as they left
        self.inbox = 0.0  # every worker's updates per window, at the last look
        self.own = 0.0  # this process's replies per window, taken at the same looks
        self.others = False  # other workers are alive (their replies come unannounced)
        self._looks: deque[tuple[float, int, int]] = deque()  # (when, every worker's, own)

    def note(self) -> None:
        """A reply leaves now (the transport says so; it is never held)."""
        self.sent.add(self.clock())

    def seen(self, last_window: int, span: int) -> None:
        """Updates stored by every worker in the last window and the last `SPAN`. The
        busiest window of the looks in the last `SPAN` counts, not only the last one:
        other workers' replies come in bursts (those held behind a dead worker's update
        are released together), which this process hears of only after they left."""
        now = self.clock()
        looks = self._looks
        looks.append((now, last_window, len(self.sent.last_window(now))))
        while looks[0][0] <= now - SPAN * self.window:
            looks.popleft()
        self.inbox = max(max(every for _, every, _ in looks), span / SPAN)
        self.own = max(own for _, _, own in looks)

    def expected(self, now: float) -> float:
        """Replies per window, every worker's."""
        return max(self.sent.rate(now), self.inbox)

    def reserve(self) -> int:
        """Slots a window kept free for other workers' replies not yet seen."""
        return SHARED_RESERVE if self.others else 0

    def elsewhere(self, now: float) -> int:
        """Replies per window other workers send: not in this process's count."""
        return math.ceil(max(0.0, self.inbox - max(self.own, self.sent.rate(now))))


@contextlib.asynccontextmanager
async def watch_inbox(
    db: Database, clock: Clock, rates: Callable[[], ReplyRate], leading: bool = True
) -> AsyncIterator[None]:
    """While inside, count every worker's stored updates for `rates()` if `leading` the
    fan-out (PostgreSQL; on SQLite one process sends every reply, and counts them)."""
    if db.is_sqlite or not leading:
        yield
        return
    done = asyncio.Event()
    task = asyncio.create_task(_count_arrivals(db, clock, rates, done))
    try:
        yield
    finally:
        done.set()  # a count under way ends first: no query is cut off mid-way
        await task


async def _count_arrivals(
    db: Database, clock: Clock, rates: Callable[[], ReplyRate], done: asyncio.Event
) -> None:
    while not done.is_set():
        reply_rate = rates()
        window = dt.timedelta(seconds=reply_rate.window)
        try:
            seen = await arrivals.look(db, clock.now(), window, SPAN * window, WORKER_LOCKS)
        except Exception as error:  # a missed look leaves the last estimate in place
            log.warning("could not count the inbox's arrivals: %r", error)
        else:
            reply_rate.seen(seen.last, seen.span)
            reply_rate.others = seen.workers > 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), reply_rate.window / LOOKS_PER_WINDOW)
