"""Send scheduled messages within Telegram's limits, and say plainly how each one went.

Telegram allows about 30 messages per second overall and 1 per second to one chat, and
counts them in sliding windows, each message when it arrives. The `Pacer` spaces sends
evenly (a burst of 30 followed by a steady refill would still exceed a sliding window)
and leaves room for lifters' replies, which share the 30 and are never held
(`bot.scheduling.budget`).

When a message arrives is not known here, only that it lies between its departure and
its answer: a request held up on the way (the network, a busy event loop on either
side) arrives in a later second, next to those that left on time. So a message counts
from when it leaves until one window after it is answered, and one more may leave only
while fewer than the limit count: then no window of Telegram's can hold more, however
late each arrived within its span. That costs the round trip of each message out of a
window (a few milliseconds to the emulator; against Telegram, its latency).

Each attempt takes a slot of its own, retries included, and retries happen here only:
the transport (`bot.retry`) tries these sends once (`paced`) and hands every failure
back. What comes out of it is decided here: a 429 delays that chat by its `retry_after` (and
every chat if 429s keep coming); a 403 means the lifter blocked the bot (the
caller turns their reminders off); a 5xx or lost connection is retried with backoff; a
timeout is not repeated, as the message may have arrived and a reminder must not come
twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.messaging import send
from bot.replies import Reply
from bot.retry import NOT_SENT, RetryPolicy, paced
from bot.scheduling.budget import FLOOR_SHARE, ReplyRate, drop_before, room
from bot.scheduling.reminders import Status

log = logging.getLogger(__name__)

LONGEST_FLOOD_WAIT = RetryPolicy().max_retry_after  # longer: fail rather than sit on a claim
FLOODED = 6  # 429s in a row (see `Sender._flood_wait`) that hold every send
_FORGET_CHATS_AT = 4096  # prune per-chat slots in the past once this many are remembered


class Pacer:
    """Evenly spaced send slots: `per_second` overall, `per_chat_per_second` per chat.

    A slot is booked before anyone waits, so concurrent senders never share one. What
    counts is each message's span from departure to answer (`wait` to `answered`): at
    most `per_second` may count in any window, those Telegram refused too (a 429 may
    mean its window is fuller than ours), and a chat's next message waits a chat
    interval after the last one's answer. Replies take their share first
    (`bot.scheduling.budget`): the slots are spaced for what `replies` leaves, and none
    is used while the window, the replies this process sent and those other workers are
    thought to send counted, is full, unless reminders had less than their floor in it.
    `time_scale` shrinks every interval alike (tests against a scaled emulator); `clock`
    and `sleep` let tests run the pacer in virtual time.
    """

    def __init__(
        self,
        per_second: float = 30,
        per_chat_per_second: float = 1,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.window = time_scale
        self.per_window = max(1, int(per_second))
        self.floor = max(1, round(FLOOR_SHARE * self.per_window))  # reminders' least share
        self.chat_interval = self.window / per_chat_per_second
        self.clock, self.sleep = clock, sleep
        self.replies = ReplyRate(self.window, clock)
        self._next = 0.0  # the next free slot
        self._held_until = 0.0  # Telegram asked every send to wait until then
        self._in_flight = 0  # messages that left and are not answered yet
        self._answered: deque[float] = deque()  # when the last window's answers came
        self._answer = asyncio.Event()  # set (and replaced) at each answer
        self._chat_free: dict[int, float] = {}  # when a chat may get its next message

    def share(self, now: float) -> int:
        """How many scheduled messages a window may hold now, room kept for replies."""
        kept = room(self.replies.expected(now)) + self.replies.reserve()
        return max(self.floor, self.per_window - kept)

    def reserve(self, chat_id: int, now: float) -> float:
        """Book the earliest slot free both overall and in the chat; when it starts."""
        start = max(now, self._next, self._chat_free.get(chat_id, 0.0))
        self._next = start + self.window / self.share(now)
        self._keep_chat_free(chat_id, start, now)
        return start

    async def wait(self, chat_id: int) -> float:
        """Return when a message to `chat_id` may go out: that instant. It counts until
        `answered` is called for it, which the caller must do however the send ends."""
        # A chat held far ahead (its 429) waits without booking: others keep their slots.
        while (free := self._chat_free.get(chat_id, 0.0)) > (now := self.clock()):
            await self.sleep(free - now)
        await self._until(self.reserve(chat_id, now))
        while (free := self._free_at(now := self.clock())) > now:
            await self._until_answer_or(free, now)
        self._in_flight += 1
        self._keep_chat_free(chat_id, now, now)
        return now

    def answered(self, chat_id: int) -> None:
        """The message to `chat_id` came back (answer, error or timeout): it has
        arrived if ever, and counts one window more, as if it had arrived just now."""
        now = self.clock()
        self._in_flight -= 1
        self._answered.append(now)
        self._keep_chat_free(chat_id, now, now)
        self._answer.set()
        self._answer = asyncio.Event()

    def hold(self, seconds: float, chat_id: int | None = None) -> None:
        """Telegram asked for a pause: nothing goes to `chat_id` (or to anyone) before it ends."""
        until = self.clock() + seconds
        if chat_id is None:
            self._held_until = max(self._held_until, until)
            self._next = max(self._next, until)
        else:
            self._chat_free[chat_id] = max(self._chat_free.get(chat_id, 0.0), until)

    def _free_at(self, now: float) -> float:
        """When one more message may leave (infinity: once one in flight is answered):
        under its share of a window, and with the window not full counting replies (or
        below the floor)."""
        drop_before(self._answered, now - self.window)
        ours = [*self._answered, *[math.inf] * self._in_flight]  # when each was answered
        everything = sorted((*ours, *self.replies.sent.last_window(now)))
        full = self.per_window - self.replies.elsewhere(now)
        by_share = self._room_at(ours, self.share(now))
        by_all = self._room_at(everything, full) if full > 0 else math.inf
        return max(self._held_until, by_share, min(by_all, self._room_at(ours, self.floor)))

    def _room_at(self, counted: Sequence[float], most: int) -> float:
        """When fewer than `most` of these messages count (each until a window after
        its time here)."""
        return counted[-most] + self.window if len(counted) >= most else 0.0

    def _keep_chat_free(self, chat_id: int, sent_at: float, now: float) -> None:
        if len(self._chat_free) >= _FORGET_CHATS_AT:
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}
        free = max(self._chat_free.get(chat_id, 0.0), sent_at + self.chat_interval)
        self._chat_free[chat_id] = free

    async def _until(self, instant: float) -> None:
        now = self.clock()
        if instant > now:
            await self.sleep(instant - now)

    async def _until_answer_or(self, instant: float, now: float) -> None:
        """Sleep until `instant`, or, if that is never, until the next answer: only an
        answer frees a window full of messages in flight (each ends, if only in a
        timeout)."""
        if math.isinf(instant):
            await self._answer.wait()
        else:
            await self.sleep(instant - now)


def _pause(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (an int today, a timedelta from PTB 23)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Sender:
    """Sends scheduled messages, any number at once, through one shared `Pacer`."""

    def __init__(
        self, bot: Bot, pacer: Pacer | None = None, *, attempts: int = 4, backoff: float = 1.0
    ) -> None:
        self.bot = bot
        self.pacer = pacer or Pacer()
        self.attempts = attempts
        self.backoff = backoff  # seconds after the first failure, doubled each time
        self._floods_in_a_row = 0  # 429s with no other answer in between
        self._flood_seen_at = -math.inf  # when the last 429 came back

    def note_reply(self) -> None:
        """A message not sent here (a reply) leaves now: it counts against the budget."""
        self.pacer.replies.note()

    async def send(self, chat_id: int, reply: Reply) -> tuple[Status, int]:
        """Send `reply`; how it went and how many attempts it took."""
        for attempt in range(1, self.attempts + 1):
            left_at = await self.pacer.wait(chat_id)
            try:
                status = await self._attempt(chat_id, reply, attempt, left_at)
            finally:
                self.pacer.answered(chat_id)
            if status is not None:
                return status, attempt
        log.warning("gave up sending to %s after %d attempts", chat_id, self.attempts)
        return Status.FAILED, self.attempts

    async def _attempt(
        self, chat_id: int, reply: Reply, attempt: int, left_at: float
    ) -> Status | None:
        """One attempt in its slot: how it ended, or None to try again in a later slot."""
        try:
            with paced():
                await send(self.bot, chat_id, [reply])
        except RetryAfter as error:
            return self._flood_wait(chat_id, _pause(error), left_at)
        except Forbidden:
            log.info("user %s blocked the bot; their reminders go off", chat_id)
            status: Status | None = Status.BLOCKED
        except BadRequest as error:
            log.warning("Telegram refused a message to %s: %s", chat_id, error)
            status = Status.FAILED
        except TimedOut:
            log.warning("no answer sending to %s; it may have arrived, not repeated", chat_id)
            status = Status.UNCONFIRMED
        except NetworkError as error:
            if error.__cause__ is not None and not isinstance(error.__cause__, NOT_SENT):
                log.warning("connection lost sending to %s; not repeated: %s", chat_id, error)
                status = Status.UNCONFIRMED
            else:
                pause = self.backoff * 2 ** (attempt - 1)
                log.warning("sending to %s failed (%s); retry in %.1f s", chat_id, error, pause)
                self.pacer.hold(pause, chat_id)
                status = None
        except TelegramError as error:
            log.warning("sending to %s failed: %s", chat_id, error)
            status = Status.FAILED
        else:
            status = Status.SENT
        self._floods_in_a_row = 0
        return status

    def _flood_wait(self, chat_id: int, pause: float, left_at: float) -> Status | None:
        """A 429: the chat waits `pause`, and so does everyone after `FLOODED` in a row.

        Telegram's `retry_after` is when *this* request may be repeated: one 429 says
        nothing about other chats, and holding them all would cost 30 slots a second.
        A few can still be chance: a pause on the way (the network, a full garbage
        collection on either side: up to 100 ms or more) lands requests together in a
        full window, and the next three or four, a slot apart, find it still full
        (seen in `benchmarks.reminder_fanout`). Only 429s for requests sent after the
        last one came back count (those already on their way could not have waited),
        and only with no other answer between them; `FLOODED` of them say the bot as a
        whole is over the limit (another process sending, or a lower limit).
        """
        if pause > LONGEST_FLOOD_WAIT:
            log.warning("flood wait of %.0f s sending to %s; not waited out", pause, chat_id)
            return Status.FAILED
        if left_at > self._flood_seen_at:
            self._floods_in_a_row += 1
        self._flood_seen_at = self.pacer.clock()
        everyone = self._floods_in_a_row >= FLOODED
        log.warning(
            "flood limit sending to %s: holding %s for %.1f s",
            chat_id,
            "every send" if everyone else "this chat",
            pause,
        )
        self.pacer.hold(pause, None if everyone else chat_id)
        return None
