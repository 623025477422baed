"""A fan-out while lifters text the coach: reminders and the coach's answers together stay
under Telegram's 30 messages a second, as the emulator counts them; every reminder goes
once and every lifter is answered.

The emulator enforces the limits and counts every send attempt, refused ones too, in
its busiest window (`RateStats.busiest`). Lifters text in turns, each at most once a
second (Telegram's limit per chat), five messages a second in all.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from bot.app import processor_of
from bot.localapi import BotApiEmulator, RateLimit
from bot.scheduling.dispatcher import fire_reminders, sender_of
from bot.scheduling.sender import Pacer
from tests.harness import BotHarness, another_worker
from tests.scheduling.seed import deliveries, seed_schedules

LIMIT = 30
REMINDED = range(80_000, 80_120)
TEXTERS = range(90_000, 90_010)
TEXTS_PER_SECOND = 5
HEAD_START = 1.5  # seconds lifters text before the fan-out starts (the inbox shows them)


def limited(emulator: BotApiEmulator, *apps: Application) -> None:
    """Telegram's limits in real time, and lifters the bot may write to."""
    emulator.rate_limit = RateLimit(per_second=LIMIT, per_chat_per_second=1)
    for app in apps:
        sender_of(app).pacer = Pacer()
    for user_id in REMINDED:
        emulator.world.ensure_chat(user_id, "private", emulator.world.ensure_user(user_id))


class Texting:
    """Lifters asking for /help in turns until told to stop; the update ids they made."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.sent: dict[int, list[int]] = {user: [] for user in TEXTERS}
        self.stop = asyncio.Event()

    async def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            user = TEXTERS[turn % len(TEXTERS)]
            self.sent[user].append(await self.emulator.send_text(user, "/help"))
            turn += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), 1 / TEXTS_PER_SECOND)

    @contextlib.asynccontextmanager
    async def meanwhile(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self.run())
        try:
            await asyncio.sleep(HEAD_START)
            yield
        finally:
            self.stop.set()
            await task


async def answered_every_text(bot: BotHarness, texting: Texting) -> None:
    assert bot.app is not None
    for user, updates in texting.sent.items():
        for update_id in updates:
            await processor_of(bot.app).wait_processed(update_id)
        assert bot.emulator.sent_count(user) == len(updates), user


async def reminded_each_once(bot: BotHarness) -> None:
    assert all(bot.emulator.sent_count(user) == 1 for user in REMINDED)
    rows = await deliveries(bot.db)
    assert len(rows) == len(REMINDED) and {r.status for r in rows} == {"sent"}


async def test_a_fanout_while_lifters_text_stays_under_the_limit(bot: BotHarness) -> None:
    assert bot.app is not None
    limited(bot.emulator, bot.app)
    now = bot.clock.now()
    await seed_schedules(bot.db, REMINDED, now=now, due_at=now)
    texting = Texting(bot.emulator)
    async with texting.meanwhile():
        assert await fire_reminders(bot.app) == len(REMINDED)
    await answered_every_text(bot, texting)
    await reminded_each_once(bot)
    assert sum(map(len, texting.sent.values())) > TEXTS_PER_SECOND * HEAD_START
    assert bot.emulator.rate_stats.busiest <= LIMIT
    assert bot.emulator.rate_stats.rejected_429 == 0


async def test_the_leader_leaves_room_for_replies_another_worker_sends(
    bot: BotHarness,
) -> None:
    """Reminders from one worker, answers from another: the leader sees those only as
    updates in the inbox, and still keeps the two together under the limit."""
    if bot.db.is_sqlite:
        pytest.skip("SQLite runs one process")
    assert bot.app is not None
    async with another_worker(bot) as fanning_out:
        limited(bot.emulator, bot.app, fanning_out)
        now = bot.clock.now()
        await seed_schedules(bot.db, REMINDED, now=now, due_at=now)
        texting = Texting(bot.emulator)
        async with texting.meanwhile():
            assert await fire_reminders(fanning_out) == len(REMINDED)
            assert sender_of(fanning_out).pacer.replies.inbox > 0  # it saw the others
    await answered_every_text(bot, texting)
    await reminded_each_once(bot)
    assert bot.emulator.rate_stats.busiest <= LIMIT
    assert bot.emulator.rate_stats.rejected_429 == 0
