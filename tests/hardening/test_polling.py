"""The poller's own getUpdates request: a long poll may outlast the transport's timeout."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import build_application, start_polling
from bot.db.engine import Database
from bot.localapi import BotApiEmulator
from tests.hardening.conftest import BOT_API_TIMEOUT, FastTimeoutHarness
from tests.harness import texts

LONG_POLL = 3  # seconds Telegram may hold getUpdates open: longer than BOT_API_TIMEOUT

# The transport is the same whatever the database.
pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


class LongPollHarness(FastTimeoutHarness):
    """The coach with one-second Bot API timeouts and a three-second long poll."""

    async def start(self) -> None:
        self.app = build_application(self.settings(), db=self.db, clock=self.clock)
        await start_polling(self.app, poll_timeout=LONG_POLL)


async def test_a_quiet_long_poll_is_waited_out_not_timed_out(
    emulator: BotApiEmulator, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """getUpdates' read timeout is the transport's plus the long poll, as PTB's own."""
    bot = LongPollHarness(emulator=emulator, db=db)
    await bot.start()
    try:
        assert await emulator.world.signal.wait_for(lambda: emulator.methods.waiting_polls == 1, 5)
        with caplog.at_level(logging.WARNING):
            await asyncio.sleep(BOT_API_TIMEOUT + 0.5)  # the poll still open, nothing sent
        assert emulator.methods.waiting_polls == 1
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
        assert "upper-back coach" in texts(await bot.say("/start"))
    finally:
        await bot.stop()
