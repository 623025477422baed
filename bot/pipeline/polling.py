"""Long polling that confirms a batch to Telegram only after the inbox stored it.

PTB's `Updater` asks for the next batch (whose offset confirms the last one) as soon
as it has queued the last one in memory, so a crash loses what was queued. This loop
is the Updater's job done in the other order: fetch, store and commit, then ask for
more. A 409 Conflict means another process polls with the same token; two pollers
would split the lifters' updates between them and keep interrupting each other, so
this one says so and stops the process instead of fighting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, TelegramError
from telegram.ext import Application

from bot.pipeline.inbox import Inbox

log = logging.getLogger(__name__)

RETRY_PAUSE = (0.5, 1.0, 2.0, 4.0, 8.0)  # after failed polls in a row; the last repeats

TWO_POLLERS = (
    "Another process is polling Telegram with this bot token (409 Conflict: %s). "
    "Only one process may use long polling: stop the other one, or run several "
    "workers with the webhook (see the README's deployment section). Stopping."
)


class Poller:
    """getUpdates in a loop: store, commit, then confirm with the next offset."""

    def __init__(self, app: Application, inbox: Inbox, *, poll_timeout: int = 10) -> None:
        self.app = app
        self.inbox = inbox
        self.poll_timeout = poll_timeout
        self.conflict = asyncio.Event()  # set when another poller took over; stop the process
        self._offset = 0
        self._stopping = False
        self._fetching = False  # only a fetch may be cancelled; a store runs to its commit
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Leave webhook mode if Telegram had us in it, then poll in the background."""
        await self.app.bot.delete_webhook()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="poller")

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            self._fetching = True
            try:
                updates, raw = await self._fetch()
            except Conflict as error:
                log.error(TWO_POLLERS, error.message)
                self.conflict.set()
                return
            except TelegramError as error:
                log.warning("polling for updates failed: %s: %s", type(error).__name__, error)
                await asyncio.sleep(RETRY_PAUSE[min(failures, len(RETRY_PAUSE) - 1)])
                failures += 1
                continue
            finally:
                self._fetching = False
            failures = 0
            if updates:
                await self.inbox.accept(updates, self.app.update_queue, raw)
                self._offset = updates[-1].update_id + 1

    async def _fetch(self) -> tuple[tuple[Update, ...], list[dict[str, Any]]]:
        """The next batch, parsed, and as the JSON Telegram sent, which the inbox stores.

        `Bot.get_updates` parses the batch and drops the JSON; this is its request
        (`_post`, as every Bot method; `bot.messaging` uses it too) with its read timeout:
        the transport's own plus the long poll. ExtBot's `get_updates` then puts cached
        callback data into the updates' buttons: the coach does not turn on
        `arbitrary_callback_data` (its buttons carry their own strings), so there is none.
        """
        bot = self.app.bot
        data: dict[str, Any] = {
            "offset": self._offset,
            "timeout": self.poll_timeout,
            "allowed_updates": Update.ALL_TYPES,
        }
        read_timeout = (bot._request[0].read_timeout or 0) + self.poll_timeout
        raw: list[dict[str, Any]] = await bot._post("getUpdates", data, read_timeout=read_timeout)
        return Update.de_list(raw, bot), raw

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop fetching; confirm what was stored so the next start is not sent it again."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        if self._fetching:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if self._offset and not self.conflict.is_set():
            with contextlib.suppress(TelegramError):  # it is only a courtesy
                await self.app.bot.get_updates(offset=self._offset, timeout=0, limit=1)
