"""/howto, /exercises, /muscles, /tips and [How to]: any spelling, any chat, any moment."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.coach.anatomy import MUSCLES
from bot.coach.catalog import EXERCISES, get_exercise
from bot.coach.tips import TIPS
from bot.db.models import Workout, WorkoutSet
from bot.localapi import BotMessage
from tests.harness import LIFTER, BotHarness, texts

GROUP = -100123
ALL_NAMES = [e.name for e in EXERCISES]


def with_label(messages: list[BotMessage], label: str) -> tuple[BotMessage, str]:
    """The latest message with a button labelled `label`, and that button's data."""
    for message in reversed(messages):
        for button in (b for r in message.buttons for b in r):
            if button.label == label and button.data is not None:
                return message, button.data
    raise AssertionError(f"no button {label!r}")


async def test_howto_reads_any_spelling_and_answers_with_the_cues(bot: BotHarness) -> None:
    for query, key in (
        ("seal rows", "seal_row"),
        ("rdl", "romanian_deadlift"),
        ("t bar", "t_bar_row"),
        ("rear delt fly", "rear_lateral_raise"),
        ("deadlfit", "deadlift"),
        ("facepull", "face_pull"),
        ("dead lift", "deadlift"),
        ("sael row", "seal_row"),
        ("meadows", "meadows_row"),
        ("deads", "deadlift"),
    ):
        exercise = get_exercise(key)
        reply = await bot.say(f"/howto {query}")
        card = texts(reply)
        assert len(reply) == 1 and reply[0].buttons == []
        assert f"How to: {exercise.name}" in card, query
        assert exercise.why in card
        assert f"1. {exercise.cues[0]}" in card
        assert f"{len(exercise.cues)}. {exercise.cues[-1]}" in card
        assert f"Reps: {exercise.rep_range}" in card


async def test_cue_cards_are_short_enough_to_read_between_sets(bot: BotHarness) -> None:
    for exercise in EXERCISES:
        card = texts(await bot.say(f"/howto {exercise.name}"))
        assert card.startswith(f"How to: {exercise.name}\n")
        assert len(card) < 800 and len(card.splitlines()) <= 12


async def test_ambiguous_name_offers_one_button_per_candidate(bot: BotHarness) -> None:
    reply = await bot.say("/howto row")
    assert "Which one?" in texts(reply)
    labels = reply[-1].labels
    assert {"Barbell row", "Seal row", "T-bar row", "Cable row"} <= set(labels)
    assert "Deadlift" not in labels and "Face pull" not in labels
    assert "How to: Seal row" in texts(await bot.press("Seal row"))


async def test_unknown_names_get_a_suggestion_or_the_whole_list(bot: BotHarness) -> None:
    suggestion = await bot.say("/howto upright")
    assert "I don't know that one" in texts(suggestion)
    assert suggestion[-1].labels == ["Upright row"]
    assert "How to: Upright row" in texts(await bot.press("Upright row"))

    unknown = await bot.say("/howto xyzzy")
    assert "I don't know that one" in texts(unknown)
    assert unknown[-1].labels == ALL_NAMES


async def test_lifts_we_do_not_coach_are_named_with_the_closest_one(bot: BotHarness) -> None:
    sumo = await bot.say("/howto sumo deadlift")
    assert "I don't coach the sumo deadlift" in texts(sumo)
    assert sumo[-1].labels == ["Deadlift"]
    assert "How to: Deadlift" in texts(await bot.press("Deadlift"))

    dumbbell = await bot.say("/howto Bent Over Row (Dumbbell)")
    assert "I don't coach the two-dumbbell bent-over row" in texts(dumbbell)
    assert dumbbell[-1].labels == ["Single-arm dumbbell row"]

    bench = await bot.say("/howto bench press")
    assert "I don't coach the bench press" in texts(bench)
    assert bench[-1].labels == ALL_NAMES

    everything = await bot.say("/howto")
    assert "Which exercise?" in texts(everything)
    assert everything[-1].labels == ALL_NAMES
    assert "How to: Meadows row" in texts(await bot.press("Meadows row"))


async def test_exercises_muscles_and_tips(bot: BotHarness) -> None:
    listing = texts(await bot.say("/exercises"))
    assert all(name in listing for name in ALL_NAMES)
    assert "Barbell:" in listing and "Dumbbell:" in listing and "Cable:" in listing
    assert "- Face pull: Rear deltoids, Infraspinatus" in listing

    anatomy = texts(await bot.say("/muscles"))
    for muscle in MUSCLES:
        assert muscle.name in anatomy and muscle.job in anatomy
    assert "Trained by: Deadlift, Romanian deadlift, Rack pull" in anatomy

    tips = texts(await bot.say("/tips"))
    assert all(tip.title in tips and tip.text in tips for tip in TIPS)


async def test_tips_and_muscles_speak_the_lifters_unit_and_the_anatomy(bot: BotHarness) -> None:
    await bot.say("/units kg")
    tips = texts(await bot.say("/tips"))
    assert "add 5 kg to a bar" in tips and "take 2.5 kg off" in tips and " lb" not in tips
    anatomy = texts(await bot.say("/muscles"))
    serratus = anatomy.split("Serratus posterior")[1]
    assert "Trained by" not in serratus and "No lift here trains them directly" in serratus
    assert "Infraspinatus" in anatomy and "Trained by: Face pull" in anatomy


async def test_reference_mid_workout_keeps_the_lifters_place(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    assert "set 2 of 3" in texts(await bot.say("225x6 @2"))

    assert "How to: Seal row" in texts(await bot.say("/howto seal row"))
    assert "Double progression" in texts(await bot.say("/tips"))
    intro, data = with_label(bot.emulator.messages(LIFTER), "How to")
    assert data == "h:deadlift"
    assert "How to: Deadlift" in texts(await bot.press_data(intro.message_id, data))

    reply = texts(await bot.say("235x5 @2"))
    assert "Logged set 2: 235 lb x 5 (2 left)" in reply
    assert "set 3 of 3" in reply
    async with bot.db.transaction() as session:
        sets = (await session.scalars(select(WorkoutSet).order_by(WorkoutSet.id))).all()
    assert [(s.set_number, s.reps) for s in sets] == [(1, 6), (2, 5)]


async def test_stale_howto_button_says_so(bot: BotHarness) -> None:
    message = (await bot.say("/howto"))[-1]
    assert "out of date" in texts(await bot.press_data(message.message_id, "h:bench_press"))
    assert "out of date" in texts(await bot.press_data(message.message_id, "h:"))


async def test_reference_works_in_groups_but_workouts_and_plans_stay_private(
    bot: BotHarness,
) -> None:
    assert "How to: Romanian deadlift" in texts(await bot.say("/howto rdl", chat_id=GROUP))
    await bot.say("/howto row", chat_id=GROUP)
    assert "How to: T-bar row" in texts(await bot.press("T-bar row", chat_id=GROUP))
    assert "Trapezius (traps)" in texts(await bot.say("/muscles", chat_id=GROUP))
    assert "Seal row" in texts(await bot.say("/exercises", chat_id=GROUP))
    assert "Double progression" in texts(await bot.say("/tips", chat_id=GROUP))

    assert "message me privately" in texts(await bot.say("/workout", chat_id=GROUP))
    assert "message me privately" in texts(await bot.say("/plan", chat_id=GROUP))
    assert bot.emulator.messages(LIFTER) == []
    async with bot.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Workout)) == 0
