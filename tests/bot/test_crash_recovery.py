"""A real `coach run` process killed with SIGKILL mid-workout loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.models import WorkoutSet
from bot.localapi import BotApiEmulator
from tests.harness import LIFTER, TEST_TOKEN

pytestmark = pytest.mark.slow


async def start_coach(emulator: BotApiEmulator, database: Path) -> asyncio.subprocess.Process:
    environment = dict(
        os.environ,
        BOT_TOKEN=TEST_TOKEN,
        BOT_API_URL=emulator.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        LOG_LEVEL="WARNING",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment, stderr=asyncio.subprocess.DEVNULL
    )


async def say(emulator: BotApiEmulator, text: str, expect: str) -> str:
    """Send a text and wait for the bot's answer containing `expect`."""
    wanted = emulator.sent_count(LIFTER)
    await emulator.send_text(LIFTER, text)
    while True:
        wanted += 1
        messages = await emulator.wait_for_messages(LIFTER, wanted, timeout=30)
        if expect in (messages[-1].text or ""):
            return messages[-1].text or ""


async def test_sigkill_mid_workout_then_restart_continues(tmp_path: Path) -> None:
    database = tmp_path / "coach.db"
    async with BotApiEmulator() as emulator:
        coach = await start_coach(emulator, database)
        try:
            await say(emulator, "/workout", "What weight")
            await say(emulator, "225", "Set 1 of 3")
            await say(emulator, "225x6 @2", "Logged set 1")
            await say(emulator, "5", "How many more reps")
        finally:
            coach.send_signal(signal.SIGKILL)
            await coach.wait()

        coach = await start_coach(emulator, database)
        try:
            reply = await say(emulator, "1", "Logged set 2")
            assert "Logged set 2: 235 lb x 5 (1 left)" in reply
            assert "set 3 of 3" in reply
        finally:
            coach.terminate()
            await coach.wait()

    db = Database.from_url(f"sqlite+aiosqlite:///{database}")
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(WorkoutSet))
    await db.dispose()
    assert count == 2
