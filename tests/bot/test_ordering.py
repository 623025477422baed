"""A lifter's updates in order across webhook workers on PostgreSQL (`bot.pipeline.ordering`):
an update waits while the one before it is in hand at another worker, and handles it
first if that worker died. The full picture, with real processes behind a load
balancer, is `tests/bot/test_multi_worker.py`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, Update

from bot.db.engine import Database
from bot.pipeline.inbox import Inbox
from tests.bot.test_inbox import FixedClock
from tests.harness import LIFTER, TEST_TOKEN
from tests.scheduling.test_leader import another_worker

OTHER_LIFTER = LIFTER + 1


def message(update_id: int, chat: int, text: str, bot: Bot) -> Update:
    payload = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "text": text,
            "chat": {"id": chat, "type": "private"},
        },
    }
    return Update.de_json(payload, bot)


class Worker:
    """One webhook worker's inbox and gate; `handled` lists what it handled, in order."""

    def __init__(self, db: Database) -> None:
        self.inbox = Inbox(db, FixedClock())
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.handled: list[int] = []
        self.inbox.order.enable(self._handle)

    async def _handle(self, update: Update) -> None:
        self.handled.append(update.update_id)
        self.inbox.done(update.update_id)

    async def take(self, update: Update) -> bool:
        """Store an update as the webhook does, then wait for its turn."""
        await self.inbox.accept([update], self.queue)
        return await self.inbox.order.turn(update)


@pytest.fixture
async def workers(db: Database) -> AsyncIterator[tuple[Worker, Worker, Bot]]:
    if db.is_sqlite:
        pytest.skip("SQLite is one process: its updates are ordered in memory")
    other = await another_worker(db)
    first, second = Worker(db), Worker(other)
    bot = Bot(TEST_TOKEN)
    await first.inbox.resume(bot, first.queue)
    await second.inbox.resume(bot, second.queue)
    try:
        yield first, second, bot
    finally:
        await first.inbox.close()
        await second.inbox.close()
        await other.dispose()


async def test_an_update_waits_until_the_one_before_it_is_handled_at_another_worker(
    workers: tuple[Worker, Worker, Bot],
) -> None:
    first, second, bot = workers
    assert await first.take(message(5, LIFTER, "6", bot))  # "6" in hand at the first worker
    waiting = asyncio.ensure_future(second.take(message(6, LIFTER, "2", bot)))
    assert await second.take(message(7, OTHER_LIFTER, "6", bot))  # other lifters go on
    await asyncio.sleep(0.5)
    assert not waiting.done()  # the "2" waits for the "6"
    first.inbox.done(5)  # its reply sent: the next may go at once, before it is marked
    assert await asyncio.wait_for(waiting, 5)


async def test_a_dead_workers_earlier_update_is_handled_first_by_the_one_after_it(
    workers: tuple[Worker, Worker, Bot],
) -> None:
    first, second, bot = workers
    await first.inbox.accept([message(5, LIFTER, "6", bot)], first.queue)
    await first.inbox.order.close()  # as when its process dies: its locks go with it
    await first.inbox.lock.release()
    assert await second.take(message(6, LIFTER, "2", bot))
    assert second.handled == [5]  # the "6" first, here, before the "2" goes on
    queued = [second.queue.get_nowait() for _ in range(second.queue.qsize())]
    (adopted,) = [u for u in queued if isinstance(u, Update) and u.update_id == 5]
    assert not await second.inbox.order.turn(adopted)  # queued by the adoption: not twice
