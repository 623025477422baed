"""Next time from the exercise's recent past, whichever update ends the exercise."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.harness import BotHarness, texts

STALL = "No progress in 3 sessions: 10% off, build back up"


async def three_sessions_without_progress(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    for _ in range(3):
        await bot.say("225x4 @1")
        await bot.say("/done")
        bot.clock.advance(dt.timedelta(days=3))
        await bot.say("/workout")


@pytest.mark.parametrize("way", ["one by one", "reps then the button", "all in one message"])
async def test_a_stall_is_found_when_the_last_set_ends_the_exercise(
    bot: BotHarness, way: str
) -> None:
    await three_sessions_without_progress(bot)
    if way == "all in one message":
        assert "Log 3 sets" in texts(await bot.say("225x4 @1, 225x4 @1, 225x4 @1"))
        reply = texts(await bot.press("Yes, log 3 sets"))
    else:
        await bot.say("225x4 @1")
        await bot.say("225x4 @1")
        if way == "one by one":
            reply = texts(await bot.say("225x4 @1"))
        else:
            await bot.say("225x4")
            reply = texts(await bot.press("1"))
    assert STALL in reply
