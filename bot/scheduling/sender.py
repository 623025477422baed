"""Send scheduled messages within Telegram's limits, and say plainly how each one went.

Telegram allows about 30 messages per second overall and 1 per second to one chat, and
counts them in sliding windows. The `Pacer` spaces sends evenly (a burst of 30 followed
by a steady refill would still exceed a sliding window) with a small margin.

The transport (`bot.retry`) already repeats a call that certainly did not reach
Telegram: a 429 after its `retry_after`, a 5xx, a connection never made. What still
comes out of it is decided here: a 429 holds every send for `retry_after` and tries
again; a 403 means the lifter blocked the bot (the caller turns their reminders off);
a 5xx or lost connection is retried with backoff; a timeout is not repeated, as the
message may have arrived and a reminder must not come twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.handlers.respond import send
from bot.replies import Reply
from bot.retry import NOT_SENT
from bot.scheduling.reminders import Status

log = logging.getLogger(__name__)

MARGIN = 0.1  # keep 10% under the limits: our clock and Telegram's differ a little
_FORGET_CHATS_AT = 4096  # prune per-chat slots in the past once this many are remembered


class Pacer:
    """Evenly spaced send slots: `per_second` overall, `per_chat_per_second` per chat.

    `time_scale` shrinks every interval alike (tests against a scaled emulator).
    """

    def __init__(
        self,
        per_second: float = 30,
        per_chat_per_second: float = 1,
        *,
        time_scale: float = 1.0,
    ) -> None:
        self.interval = time_scale * (1 + MARGIN) / per_second
        self.chat_interval = time_scale * (1 + MARGIN) / per_chat_per_second
        self._next = 0.0
        self._next_in_chat: dict[int, float] = {}

    def reserve(self, chat_id: int, now: float) -> float:
        """Book the earliest slot free both overall and in the chat; when it starts."""
        start = max(now, self._next, self._next_in_chat.get(chat_id, 0.0))
        self._next = start + self.interval
        if len(self._next_in_chat) >= _FORGET_CHATS_AT:
            self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
        self._next_in_chat[chat_id] = start + self.chat_interval
        return start

    async def wait(self, chat_id: int) -> None:
        """Return when a message to `chat_id` may go out."""
        now = time.monotonic()
        start = self.reserve(chat_id, now)  # booked before any await: slots are never shared
        if start > now:
            await asyncio.sleep(start - now)

    def hold(self, seconds: float, now: float | None = None) -> None:
        """Telegram asked for a pause (429): no slot starts before it is over."""
        self._next = max(self._next, (time.monotonic() if now is None else now) + seconds)


def _pause(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (an int today, a timedelta from PTB 23)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Sender:
    """Sends one scheduled message at a time through a shared `Pacer`."""

    def __init__(
        self, bot: Bot, pacer: Pacer | None = None, *, attempts: int = 4, backoff: float = 1.0
    ) -> None:
        self.bot = bot
        self.pacer = pacer or Pacer()
        self.attempts = attempts
        self.backoff = backoff  # seconds after the first failure, doubled each time

    async def send(self, chat_id: int, reply: Reply) -> tuple[Status, int]:
        """Send `reply`; how it went and how many attempts it took."""
        for attempt in range(1, self.attempts + 1):
            await self.pacer.wait(chat_id)
            try:
                await send(self.bot, chat_id, [reply])
                return Status.SENT, attempt
            except RetryAfter as error:
                pause = _pause(error)
                log.warning("flood limit sending to %s: holding sends %.1f s", chat_id, pause)
                self.pacer.hold(pause)
            except Forbidden:
                log.info("user %s blocked the bot; their reminders go off", chat_id)
                return Status.BLOCKED, attempt
            except BadRequest as error:
                log.warning("Telegram refused a message to %s: %s", chat_id, error)
                return Status.FAILED, attempt
            except TimedOut:
                log.warning("no answer sending to %s; it may have arrived, not repeated", chat_id)
                return Status.UNCONFIRMED, attempt
            except NetworkError as error:
                if error.__cause__ is not None and not isinstance(error.__cause__, NOT_SENT):
                    log.warning("connection lost sending to %s; not repeated: %s", chat_id, error)
                    return Status.UNCONFIRMED, attempt
                pause = self.backoff * 2 ** (attempt - 1)
                log.warning("sending to %s failed (%s); retry in %.1f s", chat_id, error, pause)
                await asyncio.sleep(pause)
            except TelegramError as error:
                log.warning("sending to %s failed: %s", chat_id, error)
                return Status.FAILED, attempt
        log.warning("gave up sending to %s after %d attempts", chat_id, self.attempts)
        return Status.FAILED, self.attempts
