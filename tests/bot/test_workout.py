"""The guided workout end to end, over HTTP against the emulator, on each database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from bot.db.models import ExerciseLoad, Workout, WorkoutSet
from bot.scheduling.timers import fire_rest_timers
from tests.harness import LIFTER, BotHarness, texts


async def stored_sets(bot: BotHarness) -> list[WorkoutSet]:
    async with bot.db.transaction() as session:
        query = select(WorkoutSet).where(WorkoutSet.user_id == LIFTER).order_by(WorkoutSet.id)
        return list((await session.scalars(query)).all())


async def test_article_example_six_reps_adds_ten_then_three_reps_takes_five(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    intro = texts(await bot.say("/workout"))
    assert "Deadlift (1 of 5)" in intro and "3 sets x 4-6" in intro
    assert "What weight do you want to start with?" in intro
    assert "Set 1 of 3: 225 lb x 4-6" in texts(await bot.say("225"))

    assert "How many more reps" in texts(await bot.say("6"))
    reply = texts(await bot.press("2"))
    assert "Logged set 1: 225 lb x 6 (2 left)" in reply
    assert "+10 lb" in reply and "set 2 of 3 at 235 lb" in reply

    reply = texts(await bot.say("3 reps, 1 left"))
    assert "Logged set 2: 235 lb x 3 (1 left)" in reply
    assert "set 3 of 3 at 230 lb" in reply

    sets = await stored_sets(bot)
    assert [(s.weight, s.reps, s.rir) for s in sets] == [
        (Decimal("225"), 6, 2),
        (Decimal("235"), 3, 1),
    ]


async def test_a_short_set_drops_the_load_only_right_after_a_jump(bot: BotHarness) -> None:
    """Two workouts: the second's records and next-time load build on the first's."""
    await bot.say("/workout")
    await bot.say("225")
    reply = texts(await bot.say("3 reps, 2 left"))  # short, but the load was not raised
    assert "set 2 of 3 at 225 lb" in reply
    assert "set 3 of 3 at 235 lb" in texts(await bot.say("6 reps, 2 left"))
    await bot.say("/done")
    bot.clock.advance(dt.timedelta(days=2))
    await bot.say("/workout")  # starts at the new load, 235 lb
    assert "set 2 of 3 at 230 lb" in texts(await bot.say("3 reps, 2 left"))  # after the jump
    summary = texts(await bot.say("/done"))
    assert "New records:\nDeadlift: 235 lb x 3" in summary  # beats last workout's 225 x 3
    async with bot.db.transaction() as session:
        load = await session.get(ExerciseLoad, (LIFTER, "deadlift"))
    assert load is not None and load.weight == Decimal("230")  # replaced, not added


async def test_whole_default_workout_with_buttons_and_text(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")  # deadlift start
    for report in ("225x6 @2", "5 reps 2 left", "6, 1 left"):
        await bot.say(report)
    assert "What weight" in texts(bot.emulator.messages(LIFTER)[-1:])
    await bot.say("135")  # barbell row start
    await bot.press("8")
    await bot.press("2")
    await bot.say("135 lb for 7")
    await bot.press("1")
    await bot.say("6 @ rpe 9")
    await bot.press("95 lb")  # seal row: the suggested starting weight
    for report in ("10 2", "9 1", "failed at 8"):
        await bot.say(report)
    await bot.say("50")  # face pull start
    for report in ("12 3", "60x10 @2", "60 x 11 @ 1"):
        await bot.say(report)
    await bot.say("65")  # upright row start
    await bot.say("10 2")
    await bot.say("75x8 @1")
    summary = texts(await bot.say("8 0"))

    assert "Workout done" in summary
    assert "15 sets" in summary
    assert "Next time:" in summary and "Deadlift" in summary

    sets = await stored_sets(bot)
    assert len(sets) == 15
    assert [s.set_number for s in sets] == [1, 2, 3] * 5
    assert sets[2].rir == 1 and sets[11].weight == Decimal("60")
    async with bot.db.transaction() as session:
        workout = (await session.scalars(select(Workout))).one()
        assert workout.status == "finished"
        loads = {
            load.exercise_key: load for load in (await session.scalars(select(ExerciseLoad))).all()
        }
    assert set(loads) == {"deadlift", "barbell_row", "seal_row", "face_pull", "upright_row"}
    # Deadlift: 225x6 -> 235, 235x5 @2 -> aim 6, 235x6 -> 245 next time.
    assert loads["deadlift"].weight == Decimal("245")


async def test_restart_mid_set_continues_at_the_same_place(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("6")  # the bot now waits for reps left
    await bot.restart()
    reply = texts(await bot.say("2"))
    assert "Logged set 1: 225 lb x 6 (2 left)" in reply
    assert len(await stored_sets(bot)) == 1


async def test_duplicate_update_and_double_press_store_one_set(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    update_id = await bot.emulator.send_text(LIFTER, "225x6 @2")
    await bot._settle(update_id, LIFTER)
    assert await bot.redeliver(update_id) == []
    await bot.say("5")
    message = bot.emulator.messages(LIFTER)[-1]
    await bot.press("2")
    replay = await bot.press_data(message.message_id, message.buttons[0][2].data or "")
    assert "Already logged" in texts(replay)
    assert len(await stored_sets(bot)) == 2


async def test_forged_button_changes_nothing(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    message = bot.emulator.messages(LIFTER)[-1]
    reply = texts(await bot.press_data(message.message_id, "w:r:999999:1:6"))
    assert "out of date" in reply
    reply = texts(await bot.press_data(message.message_id, "w:r:bogus"))
    assert "out of date" in reply
    assert await stored_sets(bot) == []


async def test_undo_skip_and_bad_input(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    reply = texts(await bot.say("lots"))
    assert "225x6" in reply  # a hint with an example
    await bot.say("225x6 @2")
    reply = texts(await bot.say("/undo"))
    assert "Removed set 1" in reply and "Set 1 of 3" in reply
    assert await stored_sets(bot) == []
    reply = texts(await bot.say("/skip"))
    assert "Skipped Deadlift" in reply and "Barbell row (2 of 5)" in reply


async def test_cancel_keeps_logged_sets_and_done_summarises(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("225x5 @2")
    assert "Your 1 set is saved." in texts(await bot.say("/cancel"))
    assert len(await stored_sets(bot)) == 1
    assert "Nothing to cancel" in texts(await bot.say("/cancel"))
    # The next workout starts from the load the set earned.
    reply = texts(await bot.say("/workout"))
    assert "Today: 225 lb" in reply
    await bot.say("6 2")
    assert "Workout done" in texts(await bot.say("/done"))


async def test_workout_leaves_a_half_answered_question(bot: BotHarness) -> None:
    await bot.say("/schedule")
    await bot.press("Mon")
    assert "time" in texts(await bot.press("Next"))  # the bot now waits for a time
    await bot.say("/workout")
    reply = texts(await bot.say("225"))
    assert "Set 1 of 3: 225 lb x 4-6" in reply


async def test_a_report_during_the_rest_cancels_the_timer(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("225x6 @2")  # starts a 3:00 rest
    await bot.say("6")  # reported early: the rest is over, the bot asks for reps left
    bot.clock.advance(dt.timedelta(minutes=4))
    assert bot.app is not None
    assert await fire_rest_timers(bot.app) == 0
    assert "Logged set 2" in texts(await bot.say("1"))


async def test_one_unit_per_workout_a_kilo_weight_is_converted(bot: BotHarness) -> None:
    """A lifter on lb who types 60kg: every load shown and stored stays in lb, loadable."""
    await bot.say("/workout")
    await bot.say("225")
    reply = texts(await bot.say("60kg x 5 @2"))
    assert "Logged set 1: 130 lb (you typed 60 kg) x 5 (2 left)." in reply
    assert "kg" not in reply.replace("you typed 60 kg", "")
    assert "set 2 of 3 at 130 lb" in reply


async def test_a_kilo_weight_is_said_in_pounds_before_the_reps_left_question(
    bot: BotHarness,
) -> None:
    """The conversion is said when the set is read, not only once the reps left come."""
    await bot.say("/workout")
    await bot.say("225")
    asked = texts(await bot.say("60kg x 5"))
    assert "I'll log it as 130 lb (you typed 60 kg)." in asked
    assert "How many more reps" in asked
    assert "Logged set 1: 130 lb x 5 (2 left)." in texts(await bot.say("2"))
    sets = await stored_sets(bot)
    assert [(s.weight, s.unit) for s in sets] == [(Decimal("130"), "lb")]


async def test_an_implausible_start_weight_is_asked_about_first(bot: BotHarness) -> None:
    await bot.say("/workout")
    reply = texts(await bot.say("6"))
    assert "6 lb for Deadlift?" in reply and "Starting" not in reply
    assert "Starting Deadlift at 135 lb." in texts(await bot.press("135 lb"))
    await bot.say("/cancel")
    await bot.say("/workout")
    await bot.say("6")
    assert "Starting Deadlift at 6 lb." in texts(await bot.press("Yes, 6 lb"))


async def test_undo_while_reps_left_is_asked_takes_back_only_the_answer(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("6 @2")
    assert "How many more reps" in texts(await bot.say("5"))
    reply = texts(await bot.say("/undo"))
    assert "Took back those 5 reps" in reply and "Set 2 of 3" in reply
    assert len(await stored_sets(bot)) == 1  # set 1 stays


async def test_swap_command_offers_the_alternatives(bot: BotHarness) -> None:
    await bot.say("/workout")
    reply = texts(await bot.say("/swap"))
    assert "Swap Deadlift for:" in reply
    assert "Swapped to Rack pull for today." in texts(await bot.press("Rack pull"))


async def test_the_planned_set_takes_one_tap(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    reply = texts(await bot.press("Did 4 reps as planned"))
    assert "Logged set 1: 225 lb x 4." in reply and "set 2 of 3" in reply
    assert [(s.reps, s.rir) for s in await stored_sets(bot)] == [(4, None)]
