"""/plan: see the workout, change it for good from the next /workout on, reset it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.coach.catalog import get_exercise
from bot.coach.plans import DEFAULT_PLAN
from bot.db.models import PlanSlot, WorkoutExercise
from bot.localapi import BotMessage
from tests.harness import LIFTER, BotHarness, texts


def current(bot: BotHarness, message: BotMessage) -> BotMessage:
    """The message as it is in the chat now (after edits)."""
    return next(m for m in bot.emulator.messages(LIFTER) if m.message_id == message.message_id)


def data_of(message: BotMessage, label: str) -> str:
    found = next(b.data for r in message.buttons for b in r if b.label == label)
    assert found is not None
    return found


async def open_plan(bot: BotHarness) -> BotMessage:
    reply = await bot.say("/plan")
    assert len(reply) == 1
    return reply[0]


async def stored_plan(bot: BotHarness) -> list[tuple[str, str, int, int, int, int]]:
    async with bot.db.transaction() as session:
        rows = (await session.scalars(select(PlanSlot).order_by(PlanSlot.slot_key))).all()
    return [(r.slot_key, r.exercise_key, r.sets, r.rep_lo, r.rep_hi, r.rest_seconds) for r in rows]


async def finish_a_deadlift_set(bot: BotHarness) -> None:
    """A short workout: one deadlift set of 225x6, then /done (next time: 235 lb)."""
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("225x6 @2")
    assert "Workout done" in texts(await bot.say("/done"))


async def test_plan_shows_every_slot_with_its_load_in_the_lifters_unit(bot: BotHarness) -> None:
    await finish_a_deadlift_set(bot)
    shown = (await open_plan(bot)).text or ""
    assert "1. Hinge: Deadlift\n   3 x 4-6, rest 3:00, next 235 lb" in shown
    assert "2. Heavy row: Barbell row\n   3 x 6-8, rest 2:30\n" in shown
    assert "5. Traps: Upright row" in shown
    assert "next /workout" in shown

    await bot.say("/units kg")
    plan = await open_plan(bot)
    assert "next 107.5 kg" in (plan.text or "")  # 235 lb = 106.6 kg, on 2.5 kg plates
    assert plan.labels == [*(slot.name for slot in DEFAULT_PLAN), "Reset to default"]


async def test_every_slot_offers_its_alternatives_sets_reps_and_rest(bot: BotHarness) -> None:
    plan = await open_plan(bot)
    for slot in DEFAULT_PLAN:
        await bot.press_data(plan.message_id, f"p:s:{slot.key}")
        editor = current(bot, plan)
        assert f"{slot.name}: " in (editor.text or "")
        labels = editor.labels
        assert "✓ 3 sets" in labels and f"✓ {slot.rep_range} reps" in labels
        assert sum("Rest " in label for label in labels) == 6
        assert "Back to plan" in labels
        names = {label.removeprefix("✓ ") for label in labels}
        assert {get_exercise(key).name for key in slot.options} <= names
    heavy = await bot.press_data(plan.message_id, "p:s:heavy_row")
    assert heavy == []  # edited in place, nothing new in the chat
    labels = current(bot, plan).labels
    assert labels[:4] == ["✓ Barbell row", "T-bar row", "Meadows row", "Single-arm dumbbell row"]
    assert [label for label in labels if label.endswith("reps")] == [
        "3-5 reps",
        "4-6 reps",
        "✓ 6-8 reps",
        "8-10 reps",
        "10-12 reps",
    ]


async def test_swap_for_good_is_used_by_the_next_workout(bot: BotHarness) -> None:
    plan = await open_plan(bot)
    await bot.press("Heavy row")
    assert await bot.press("T-bar row") == []
    edited = current(bot, plan)
    assert edited.edited and "Saved." in (edited.text or "")
    assert "Heavy row: T-bar row" in (edited.text or "")
    assert "✓ T-bar row" in edited.labels
    assert await stored_plan(bot) == [("heavy_row", "t_bar_row", 3, 6, 8, 150)]

    await bot.press("Back to plan")
    assert "2. Heavy row: T-bar row" in (current(bot, plan).text or "")

    await bot.say("/workout")
    assert "T-bar row (2 of 5)" in texts(await bot.say("/skip"))


async def test_sets_rep_range_and_rest_show_in_the_next_workouts_targets(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    plan = await open_plan(bot)
    await bot.press("Hinge")
    await bot.press("4 sets")
    await bot.press("6-8 reps")
    await bot.press("Rest 2:00")
    again = await bot.press("✓ Rest 2:00")  # the same choice twice: nothing to edit, no error
    assert again == [] and not [r for r in caplog.records if r.levelno >= logging.ERROR]
    details = current(bot, plan).text or ""
    assert "Hinge: Deadlift\n4 sets x 6-8 reps, rest 2:00" in details
    assert await stored_plan(bot) == [("hinge", "deadlift", 4, 6, 8, 120)]

    intro = texts(await bot.say("/workout"))
    assert "Deadlift (1 of 5)\n4 sets x 6-8 reps, rest 2:00" in intro
    assert "Set 1 of 4: 225 lb x 6-8" in texts(await bot.say("225"))
    assert "Rest 2:00" in texts(await bot.say("225x7 @2"))


async def test_a_change_mid_workout_waits_for_the_next_workout(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("225x6 @2")
    plan = await open_plan(bot)
    await bot.press_data(plan.message_id, "p:s:hinge")
    await bot.press_data(plan.message_id, "p:n:hinge:5")
    await bot.press_data(plan.message_id, "p:x:hinge:rack_pull")

    reply = texts(await bot.say("235x5 @2"))
    assert "Logged set 2: 235 lb x 5 (2 left)" in reply and "set 3 of 3" in reply
    async with bot.db.transaction() as session:
        query = select(WorkoutExercise).where(WorkoutExercise.position == 0)
        first = (await session.scalars(query)).one()
    assert (first.exercise_key, first.sets) == ("deadlift", 3)

    await bot.say("/done")
    assert "Rack pull (1 of 5)\n5 sets x 4-6" in texts(await bot.say("/workout"))


async def test_reset_asks_first_then_restores_the_default(bot: BotHarness) -> None:
    plan = await open_plan(bot)
    await bot.press("Traps")
    await bot.press("Dumbbell rear lateral raise")
    await bot.press("2 sets")
    await bot.press("Back to plan")

    await bot.press("Reset to default")
    assert "default workout?" in (current(bot, plan).text or "")
    await bot.press("No, keep it")
    assert "5. Traps: Dumbbell rear lateral raise\n   2 x 8-10" in (current(bot, plan).text or "")
    assert len(await stored_plan(bot)) == 1

    await bot.press("Reset to default")
    await bot.press("Yes, reset")
    shown = current(bot, plan).text or ""
    assert "back to the default" in shown and "5. Traps: Upright row\n   3 x 8-10" in shown
    assert await stored_plan(bot) == []


async def test_choosing_the_default_again_leaves_no_change_stored(bot: BotHarness) -> None:
    await open_plan(bot)
    await bot.press("Supported row")
    await bot.press("Cable row")
    await bot.press("Chest-supported row")
    assert await stored_plan(bot) == [("supported_row", "chest_supported_row", 3, 8, 10, 120)]
    await bot.press("Seal row")
    assert await stored_plan(bot) == []


async def test_keep_a_workout_swap_in_the_plan(bot: BotHarness) -> None:
    await bot.say("/workout")
    intro = next(m for m in bot.emulator.messages(LIFTER) if "Swap" in m.labels)
    await bot.press_data(intro.message_id, data_of(intro, "Swap"))
    swapped = texts(await bot.press("Rack pull"))
    assert "Swapped to Rack pull for today" in swapped
    assert await stored_plan(bot) == []

    offer = next(
        m for m in bot.emulator.messages(LIFTER) if "Keep Rack pull in your plan" in m.labels
    )
    kept = await bot.press_data(offer.message_id, data_of(offer, "Keep Rack pull in your plan"))
    assert "Rack pull is now in your plan for good" in texts(kept)
    assert await stored_plan(bot) == [("hinge", "rack_pull", 3, 4, 6, 180)]
    assert "1. Hinge: Rack pull" in ((await open_plan(bot)).text or "")
    assert "Set 1 of 3: 185 lb x 4-6" in texts(await bot.say("185"))  # today goes on


async def test_forged_or_stale_plan_buttons_change_nothing(bot: BotHarness) -> None:
    plan = await open_plan(bot)
    await bot.press("Hinge")
    before = current(bot, plan)
    for forged in (
        "p:keep:hinge:seal_row",  # not an option of that slot
        "p:keep:nope:deadlift",
        "p:keep:hinge",
        "p:x:hinge:bench_press",
        "p:n:hinge:9",  # not a choice offered
        "p:n:hinge:x",
        "p:r:hinge:6:4",
        "p:r:hinge:5:7",
        "p:t:hinge:45",
        "p:t:hinge:-60",
        "p:s:nope",
        "p:z:n",
        "p:o:extra",
        "p:",
        "p:q:hinge:3",
    ):
        reply = await bot.press_data(plan.message_id, forged)
        assert "out of date" in texts(reply), forged
    assert await stored_plan(bot) == []
    after = current(bot, plan)
    assert (after.text, after.labels) == (before.text, before.labels)
