"""Logs of a whole workout: never the token (even at DEBUG, where the Bot API URL is
logged), and, at any level, never what the lifter wrote or was sent unless
LOG_LIFTER_CONTENT asks for it."""

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
UPLOAD = Path(__file__).parents[1] / "coach" / "data" / "strong_comma.csv"
UPLOAD_NAME = "my-private-strong-export.csv"
# What the upload holds, shown back in the import preview.
UPLOADED = ["Bench Press (Barbell): 2 sets", UPLOAD_NAME]


async def debug_log(tmp_path: Path, **env: str) -> tuple[str, list[str]]:
    """`coach run` at DEBUG through a whole workout, a diary line, an export and an
    import: its log, and the rows of the exported CSV."""
    async with BotApiEmulator() as emulator:
        coach = await start_coach(emulator, tmp_path, LOG_LEVEL="DEBUG", **env)
        try:
            for message, expect in WORKOUT:
                await exchange(emulator, LIFTER, message, expect)
            await exchange(emulator, LIFTER, DIARY, "/workout")
            await exchange(emulator, LIFTER, "/nonsense", "/help")
            export = await exchange(emulator, LIFTER, "/export", "")
            before = emulator.sent_count(LIFTER)
            await emulator.send_document(LIFTER, UPLOAD_NAME, UPLOAD.read_bytes())
            preview = await emulator.wait_for_messages(LIFTER, before + 1, timeout=30)
            assert "Import them?" in (preview[-1].text or "")
        finally:
            coach.send_signal(signal.SIGTERM)
            await asyncio.wait_for(coach.wait(), 30)
    csv = next(m.document for m in export if m.document is not None)
    rows = csv.decode().splitlines()[1:]
    assert len(rows) == 15
    return (tmp_path / "coach.log").read_text(), rows


@pytest.mark.slow
async def test_a_debug_log_of_a_whole_workout_shows_no_token_and_nothing_lifters_wrote(
    tmp_path: Path,
) -> None:
    log, csv_rows = await debug_log(tmp_path)

    assert "DEBUG telegram.ext.ExtBot: Set Bot API URL" in log  # the line with the URL...
    assert "httpx: HTTP Request: POST" in log  # ...and every request's
    assert "[redacted]" in log
    assert TEST_TOKEN not in log and TOKEN_KEY not in log
    assert "Traceback" not in log
    assert "Processing update [lifter content hidden]" in log  # the lines are still there
    for text in DISTINCTIVE + UPLOADED + csv_rows:
        assert text not in log


@pytest.mark.slow
async def test_log_lifter_content_shows_what_lifters_wrote_but_still_no_token(
    tmp_path: Path,
) -> None:
    log, _ = await debug_log(tmp_path, LOG_LIFTER_CONTENT="true")

    assert DIARY in log and "225x6 @2" in log and all(text in log for text in UPLOADED)
    assert TEST_TOKEN not in log and TOKEN_KEY not in log


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
