"""Issue 13's examples, typed as a lifter would, through the real application: each is
logged as meant (the stored row checked) or answered with the right question, and a
question stores nothing until the lifter picks a reading.

Every workout here is on Deadlift (3 sets of 4-6), starting at 225 lb, on lb.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.db.models import Workout
from bot.texts.reference import CUES_TITLE as TITLE
from tests.bot.test_workout import stored_sets
from tests.harness import BotHarness, texts

ASKS_RIR = "How many more reps could you have done"

# message -> (weight lb, reps, reps in reserve, warm-up); reps left None: the bot asks,
# and the lifter answers 2.
LOGGED = {
    "6x225": (225, 6, None, False),
    "got 6 at 245": (245, 6, None, False),
    "did 6 reps with 255, 2 left in the tank": (255, 6, 2, False),
    "100 kg 5 reps": (220, 5, None, False),  # 220.46 lb, to the nearest plate step
    "80 kilos 8 reps": (175, 8, None, False),
    "135 lbs 10 reps": (135, 10, None, False),
    "5 reps 100 kilos": (220, 5, None, False),
    "150/5": (150, 5, None, False),
    "220x5@8.5": (220, 5, 1, False),
    "225 lbs x 5 reps @rpe: 8": (225, 5, 2, False),
    "6 rpes": (225, 6, None, False),
    "six": (225, 6, None, False),
    "did 6": (225, 6, None, False),
    "warmup 60 for 10": (60, 10, None, True),
    "100x5 rpe nine": (100, 5, 1, False),
    "200x5@9": (200, 5, 1, False),  # @9 after a set is RPE 9, 1 left; never 9 in reserve
    "170 x 6 @8": (170, 6, 2, False),
    "100 5": (100, 5, None, False),  # 100 lb x 5, never 100 reps
}


async def at_deadlift(bot: BotHarness) -> None:
    await bot.say("/workout")
    assert "Set 1 of 3: 225 lb x 4-6" in texts(await bot.say("225"))


async def open_question(bot: BotHarness) -> str | None:
    async with bot.db.transaction() as session:
        return (await session.scalars(select(Workout.question))).one()


@pytest.mark.parametrize("message", list(LOGGED))
async def test_issue_examples_are_logged_as_meant(bot: BotHarness, message: str) -> None:
    weight, reps, rir, warmup = LOGGED[message]
    await at_deadlift(bot)
    reply = texts(await bot.say(message))
    if rir is None and not warmup:
        assert ASKS_RIR in reply and await stored_sets(bot) == []
        reply = texts(await bot.press("2"))
        rir = 2
    assert "couldn't read" not in reply
    sets = await stored_sets(bot)
    assert [(s.weight, s.unit, s.reps, s.rir, s.warmup) for s in sets] == [
        (Decimal(weight), "lb", reps, None if warmup else rir, warmup)
    ]


async def test_rpe_is_said_back_in_the_confirmation(bot: BotHarness) -> None:
    await at_deadlift(bot)
    reply = texts(await bot.say("225 lbs x 5 reps @rpe: 8"))
    assert "Logged set 1: 225 lb x 5 (RPE 8 = 2 left)." in reply


async def test_sets_times_reps_asks_before_logging_three_sets(bot: BotHarness) -> None:
    await at_deadlift(bot)
    asked = await bot.say("3x5")
    assert texts(asked) == "Log 3 sets of 5 reps?"
    assert await stored_sets(bot) == [] and await open_question(bot) is not None
    await bot.restart()  # the question lives in the database, not in memory
    assert ASKS_RIR in texts(await bot.press("Yes, log 3 sets"))
    await bot.press("1")
    sets = await stored_sets(bot)
    assert [(s.weight, s.reps, s.rir) for s in sets][-1] == (Decimal(225), 5, 1)
    assert len(sets) == 3 and await open_question(bot) is None


async def test_two_close_readings_get_one_button_each(bot: BotHarness) -> None:
    await at_deadlift(bot)
    asked = (await bot.say("8 8"))[-1]
    assert asked.labels == ["8 sets of 8 reps", "8 reps, 8 left", "None of these"]
    assert await stored_sets(bot) == []
    await bot.press("8 reps, 8 left")
    assert [(s.reps, s.rir) for s in await stored_sets(bot)] == [(8, 8)]
    assert "out of date" in texts(await bot.press_data(asked.message_id, "w:a:1:1:0")).lower()


async def test_none_of_these_logs_nothing(bot: BotHarness) -> None:
    await at_deadlift(bot)
    await bot.say("8 8")
    assert "nothing logged" in texts(await bot.press("None of these"))
    assert await stored_sets(bot) == [] and await open_question(bot) is None


async def test_another_exercise_named_is_asked_about(bot: BotHarness) -> None:
    await at_deadlift(bot)
    reply = texts(await bot.say("seal row 135x8"))
    assert "That looks like Seal row, but we're on Deadlift" in reply
    assert await stored_sets(bot) == []
    await bot.press("Yes, as Deadlift")
    await bot.press("2")
    assert [(s.exercise_key, s.weight, s.reps) for s in await stored_sets(bot)] == [
        ("deadlift", Decimal(135), 8)
    ]


@pytest.mark.parametrize("message", ["💪", "hello coach"])
async def test_greetings_point_to_the_current_step(bot: BotHarness, message: str) -> None:
    await at_deadlift(bot)
    answer = await bot.say(message)
    assert len(answer) == 1 and not answer[0].buttons
    assert "We're on Deadlift, set 1 of 3" in texts(answer)
    assert await stored_sets(bot) == []


@pytest.mark.parametrize(
    ("message", "name"), [("how do I do a seal row", "Seal row"), ("facepull?", "Face pull")]
)
async def test_form_questions_get_the_howto_answer(
    bot: BotHarness, message: str, name: str
) -> None:
    outside = texts(await bot.say(message))  # no workout going
    assert outside.startswith(TITLE.format(name=name))
    await at_deadlift(bot)
    assert texts(await bot.say(message)) == outside
    assert await stored_sets(bot) == []


async def test_a_load_without_reps_says_what_is_missing_once(bot: BotHarness) -> None:
    await at_deadlift(bot)
    answer = await bot.say("225")
    assert texts(answer) == "Got 225 lb. How many reps? Send it like 225x6, 2 left."
    assert not answer[0].buttons  # the set prompt and its buttons are not repeated


async def test_plain_word_commands_do_what_the_commands_do(bot: BotHarness) -> None:
    await at_deadlift(bot)
    assert "Rest 3:00 between sets of Deadlift" in texts(await bot.say("how long do I rest"))
    assert "Deadlift today: 225 lb x 4-6 reps." in texts(await bot.say("what weight?"))
    assert "Deadlift (1 of 5)" in texts(await bot.say("what's next"))
    await bot.say("225x6, 2 left")
    assert "Removed set 1 of Deadlift" in texts(await bot.say("that was wrong"))
    assert "Swapped to Rack pull" in texts(await bot.say("swap for rack pull"))
    assert "Skipped Rack pull" in texts(await bot.say("skip this one"))
    assert "Workout ended" in texts(await bot.say("I'm done for today"))
    assert await stored_sets(bot) == []
