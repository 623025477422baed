"""How updates are processed: concurrently across lifters, in order for each lifter.

Measured on our 2-core machines (`python -m benchmarks.cost_per_update --processors`,
BENCHMARKS.md): in a bare echo bot PTB's `concurrent_updates=True` (256 at once) costs
6 to 7 times the CPU per update of sequential processing. In the coach, where the
database dominates, bounds of 4, 8 and 16 and sequential processing cost the same
within the noise (about 5%), and sequential is slower on PostgreSQL (on SQLite that
needs the database's transactions queued one at a time, `bot.db.engine.Database`:
left to SQLite's busy handler, eight at once cost 35% more); PTB's own
processors stored sets out of order, and at 256 on PostgreSQL lost some. So: a small
bound, and a lifter's messages handled in the order sent ("225x6" then "2"): updates
of one chat are chained one after the other while other chats run alongside. Across
webhook workers, a `gate` (`bot.pipeline.ordering`) holds an update until the one before
it in its chat, stored by another worker, is handled.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.retry import watching_sends

DEFAULT_CONCURRENCY = 8
Gate = Callable[[Update], Awaitable[bool]]  # False: already handled, out of queue order
_REMEMBERED_UPDATES = 10_000


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatOrderedProcessor(BaseUpdateProcessor):
    """Bounded concurrency with a per-chat FIFO; tells waiters and `on_done` (the inbox,
    `bot.pipeline.inbox.Inbox.done`) when an update is done, and whether its answers
    all reached Telegram."""

    def __init__(
        self,
        max_concurrent_updates: int = DEFAULT_CONCURRENCY,
        on_done: Callable[[int, bool], None] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.on_done = on_done
        self._tails: dict[int, asyncio.Future[None]] = {}
        self._done: set[int] = set()
        self._done_order: deque[int] = deque()
        self._waiters: dict[int, list[asyncio.Future[None]]] = {}
        self._queued: Counter[int] = Counter()  # per chat: received, not yet fully handled
        self.gate: Gate | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            self._mark_done(update, answered=True)
            return
        previous = self._tails.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = mine
        self._queued[key] += 1
        try:
            if previous is not None:
                await asyncio.shield(previous)
            assert isinstance(update, Update)
            if self.gate is None or await self.gate(update):
                await self.run_now(update, coroutine)
            elif isinstance(coroutine, Coroutine):
                coroutine.close()
        finally:
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]
            self._queued[key] -= 1
            if not self._queued[key]:
                del self._queued[key]

    async def run_now(self, update: Update, coroutine: Awaitable[Any]) -> None:
        """Handle an update and say it is done (in its turn, or ahead of it by the gate)."""
        lost: list[str] = []
        try:
            with watching_sends() as lost:
                await coroutine
        finally:
            self._mark_done(update, answered=not lost)

    def backlog(self, chat_id: int) -> int:
        """This chat's updates received and not yet fully handled, the current one included.

        A lifter who waits for each answer never has more than one; a flood piles them up
        (up to the concurrency bound), which is what the guard watches for.
        """
        return self._queued.get(chat_id, 0)

    def _mark_done(self, update: object, *, answered: bool) -> None:
        if not isinstance(update, Update):
            return
        update_id = update.update_id
        if self.on_done is not None:
            self.on_done(update_id, answered)
        self._done.add(update_id)
        self._done_order.append(update_id)
        if len(self._done_order) > _REMEMBERED_UPDATES:
            self._done.discard(self._done_order.popleft())
        for waiter in self._waiters.pop(update_id, []):
            if not waiter.done():
                waiter.set_result(None)

    async def wait_processed(self, update_id: int, limit: float = 10.0) -> None:
        """Wait until the update with this id has been handled (tests and `coach chat`)."""
        if update_id in self._done:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(update_id, []).append(waiter)
        await asyncio.wait_for(waiter, limit)

    async def initialize(self) -> None:
        """Nothing to allocate: futures are made per update."""

    async def shutdown(self) -> None:
        """Let in-flight chains finish; PTB awaits running updates before calling this."""
