"""Logs of a whole workout: never the token (even at DEBUG, where the Bot API URL is
logged), and by default never what the lifter wrote."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import pytest

from bot.localapi import BotApiEmulator
from tests.hardening.conftest import exchange, start_coach
from tests.harness import LIFTER, TEST_TOKEN, BotHarness

# A whole default workout: (what the lifter sends, what the answer must contain).
WORKOUT = [
    ("/workout", "What weight"),
    ("225", "Set 1 of 3"),
    ("225x6 @2", "Logged set 1"),
    ("5 reps 2 left", "Logged set 2"),
    ("6, 1 left", "Logged set 3"),
    ("135", "Set 1 of 3"),
    ("8 2", "Logged set 1"),
    ("135 lb for 7 @1", "Logged set 2"),
    ("6 @ rpe 9", "Logged set 3"),
    ("95", "Set 1 of 3"),
    ("10 2", "Logged set 1"),
    ("9 1", "Logged set 2"),
    ("failed at 8", "Logged set 3"),
    ("50", "Set 1 of 3"),
    ("12 3", "Logged set 1"),
    ("60x10 @2", "Logged set 2"),
    ("60 x 11 @ 1", "Logged set 3"),
    ("65", "Set 1 of 3"),
    ("10 2", "Logged set 1"),
    ("75x8 @1", "Logged set 2"),
    ("8 0", "Workout done"),
]
DIARY = "my-private-note-about-my-knee"  # something personal, sent outside the workout
DISTINCTIVE = [DIARY, "225x6 @2", "5 reps 2 left", "135 lb for 7 @1", "failed at 8", "60 x 11 @ 1"]
TOKEN_KEY = TEST_TOKEN.partition(":")[2]


@pytest.mark.slow
async def test_a_debug_log_of_a_whole_workout_never_shows_the_token(tmp_path: Path) -> None:
    async with BotApiEmulator() as emulator:
        coach = await start_coach(emulator, tmp_path, LOG_LEVEL="DEBUG")
        try:
            for message, expect in WORKOUT:
                await exchange(emulator, LIFTER, message, expect)
            await exchange(emulator, LIFTER, DIARY, "/workout")
            await exchange(emulator, LIFTER, "/nonsense", "/help")
        finally:
            coach.send_signal(signal.SIGTERM)
            await asyncio.wait_for(coach.wait(), 30)
    log = (tmp_path / "coach.log").read_text()

    assert "DEBUG telegram.ext.ExtBot: Set Bot API URL" in log  # the line with the URL...
    assert "httpx: HTTP Request: POST" in log  # ...and every request's
    assert "[redacted]" in log
    assert TEST_TOKEN not in log and TOKEN_KEY not in log
    assert "Traceback" not in log


async def test_info_logs_of_a_whole_workout_carry_no_message_text(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for message, expect in WORKOUT:
        assert expect in "\n".join(m.text or "" for m in await bot.say(message))
    assert await bot.say(DIARY)

    lines = [record.getMessage() for record in caplog.records]
    assert lines, "nothing was logged at all: the test would prove nothing"
    for text in DISTINCTIVE:
        assert not [line for line in lines if text in line], text
