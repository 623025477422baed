"""The audit cases of issue 15 where good coaching differs from the article's rule,
through the real application: what a lifter reads after each set."""

from __future__ import annotations

from tests.harness import BotHarness, texts


async def skip_to(bot: BotHarness, position: int) -> None:
    for _ in range(position - 1):
        await bot.say("/skip")


async def test_a_set_to_failure_holds_the_reps_and_says_to_stop_short(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    reply = texts(await bot.say("225x5, 0 left"))
    assert "set 2 of 3 at 225 lb" in reply
    assert "aim for 5 and stop 1-2 reps short" in reply


async def test_an_upright_row_at_failure_stays_at_the_empty_bar(bot: BotHarness) -> None:
    await bot.say("/workout")
    await skip_to(bot, 5)  # traps: upright row, 8-10
    await bot.say("45")
    reply = texts(await bot.say("45x5, 0 left"))
    assert "set 2 of 3 at 45 lb" in reply
    assert "as light as it goes" in reply


async def test_kilo_dumbbells_go_up_to_a_dumbbell_that_exists(bot: BotHarness) -> None:
    await bot.say("/units kg")
    await bot.say("/workout")
    await bot.say("/skip")
    await bot.say("/swap")
    await bot.press("Single-arm dumbbell row")
    await bot.say("12.5")
    reply = texts(await bot.say("12.5x10, 1 left"))
    assert "set 2 of 3 at 15 kg" in reply  # not 14 kg: a 2.5 kg rack has no 14
