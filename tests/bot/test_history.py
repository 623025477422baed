"""/history, /prs and /progress against the emulator, on each database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.charts import MIN_POINTS
from bot.db.models import UserSettings, Workout, WorkoutSet
from bot.db.users import ensure_user
from bot.localapi import BotMessage
from tests.harness import LIFTER, BotHarness, texts

OTHER = 5151
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def train(bot: BotHarness, *reports: str, user: int = LIFTER) -> None:
    """One coached workout: deadlift sets like '225x6 @2', then /done; two days pass."""
    await bot.say("/workout", user)
    for report in reports:
        await bot.say(report, user)
    assert "Workout done" in texts(await bot.say("/done", user))
    bot.clock.advance(dt.timedelta(days=2))


async def set_zone(bot: BotHarness, zone: str, user: int = LIFTER) -> None:
    async with bot.db.transaction() as session:
        await ensure_user(session, user, "Lifter", bot.clock.now())
        await session.execute(
            update(UserSettings).where(UserSettings.user_id == user).values(time_zone=zone)
        )


async def add_workouts(bot: BotHarness, count: int, user: int = LIFTER) -> None:
    """`count` finished workouts of one deadlift set each, a day apart from 1 Mar 2024 (UTC)."""
    async with bot.db.transaction() as session:
        await ensure_user(session, user, "Lifter", bot.clock.now())
        for day in range(count):
            started = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=day)
            workout = Workout(user_id=user, status="finished", started_at=started)
            session.add(workout)
            await session.flush()
            session.add(
                WorkoutSet(
                    user_id=user,
                    workout_id=workout.id,
                    exercise_key="deadlift",
                    set_number=1,
                    weight=Decimal(200 + day * 5),
                    unit="lb",
                    reps=5,
                    rir=2,
                    performed_at=started,
                )
            )


def current(bot: BotHarness, message: BotMessage, user: int = LIFTER) -> BotMessage:
    """The message as it is in the chat now (after edits)."""
    return next(m for m in bot.emulator.messages(user) if m.message_id == message.message_id)


async def test_history_lists_workouts_in_the_lifters_zone_with_sets_as_logged(
    bot: BotHarness,
) -> None:
    assert "No workouts yet" in texts(await bot.say("/history"))
    await set_zone(bot, "Pacific/Auckland")
    await train(bot, "225x6 @2", "235x5 @1")
    await train(bot, "235x6 @2")
    latest = (bot.clock.now() - dt.timedelta(days=2)).astimezone(ZoneInfo("Pacific/Auckland"))

    reply = await bot.say("/history")
    assert len(reply) == 1 and reply[0].labels == []  # short: no paging
    shown = reply[0].text or ""
    assert shown.startswith("Your workouts, newest first:")
    assert "Deadlift: 235x6 @2\n" in shown + "\n"
    assert "Deadlift: 225x6 @2, 235x5 @1" in shown
    assert shown.index("235x6 @2") < shown.index("225x6 @2")  # newest first
    assert f"{latest:%a} {latest.day} {latest:%b %Y} · Upper back" in shown  # Auckland's day

    per_exercise = texts(await bot.say("/history dl"))
    assert per_exercise.startswith("Deadlift, newest first:")
    assert per_exercise.count("\n") == 3  # title, blank line, one line per session
    assert "Barbell row" in texts(await bot.say("/history barbel row"))  # a typo is fine
    assert "haven't logged Barbell row" in texts(await bot.say("/history barbell row"))


async def test_history_of_an_unknown_or_ambiguous_exercise_says_so(bot: BotHarness) -> None:
    assert "Which one do you mean" in texts(await bot.say("/history row"))
    reply = texts(await bot.say("/history squat"))
    assert "I don't know an exercise called 'squat'" in reply and "/exercises" in reply


async def test_long_history_pages_in_place_and_only_for_its_owner(bot: BotHarness) -> None:
    await add_workouts(bot, 12)
    first = (await bot.say("/history"))[0]
    assert first.labels == ["Older"]
    assert first.text is not None and first.text.count("· Upper back") == 5
    assert "Deadlift: 255x5 @2" in first.text  # the newest of 200, 205, ... 255

    assert await bot.press("Older") == []  # edited in place, no new message
    second = current(bot, first)
    assert second.labels == ["Newer", "Older"]
    assert "Deadlift: 230x5 @2" in (second.text or "") and "255x5" not in (second.text or "")

    await bot.press("Older")
    last = current(bot, first)
    assert last.labels == ["Newer"] and "Deadlift: 200x5 @2" in (last.text or "")
    await bot.press("Newer")
    assert "230x5" in (current(bot, first).text or "")

    older = next(b.data for b in current(bot, first).buttons[0] if b.label == "Older")
    assert older is not None
    await bot.say("/start", user=OTHER)
    before = current(bot, first).text
    await bot._settle(
        await bot.emulator.press(OTHER, first.message_id, older, chat_id=LIFTER), LIFTER
    )
    assert (
        bot.emulator.callback_answers[-1]["text"]
        == "That button isn't for you. Nothing was changed."
    )
    assert current(bot, first).text == before


async def test_records_per_rep_count_and_best_estimated_max(bot: BotHarness) -> None:
    assert "No records yet" in texts(await bot.say("/prs"))
    await train(bot, "135x10 @5", "225x6 @2", "245x3 @0")
    await train(bot, "235x6 @1")
    shown = texts(await bot.say("/prs"))
    # Epley with reps left: 225 x (1 + 8/30) = 285; 235 x (1 + 7/30) = 289.8 -> 290.
    assert "Deadlift\nBest estimated max: 290 lb, from 235 lb x 6" in shown
    assert "3 reps: 245 lb on" in shown
    assert "6 reps: 235 lb on" in shown and "225 lb" not in shown.split("6 reps")[1]
    assert "10 reps: 135 lb" in shown


async def test_progress_chart_is_a_photo_and_too_little_history_is_a_text(
    bot: BotHarness,
) -> None:
    assert "Send /progress and an exercise" in texts(await bot.say("/progress"))
    assert "haven't logged Deadlift yet" in texts(await bot.say("/progress deadlift"))
    await train(bot, "225x6 @2", "235x5 @2")
    few = texts(await bot.say("/progress deadlift"))
    assert "only 1 workout of Deadlift" in few and MIN_POINTS == 2
    await train(bot, "235x6 @2", "245x4 @1")
    await train(bot, "245x5 @2")

    reply = await bot.say("/progress Deadlift")
    assert len(reply) == 1 and reply[0].photo is not None
    chart = reply[0].photo
    assert chart.startswith(PNG_SIGNATURE)
    assert 20_000 < len(chart) < 1_000_000
    width, height = int.from_bytes(chart[16:20], "big"), int.from_bytes(chart[20:24], "big")
    assert (width, height) == (1080, 1080)
    # First workout's best: 235 x (1 + 7/30) = 290 (beats 225 x 38/30 = 285);
    # the last: 245 x (1 + 7/30) = 302.
    assert "Deadlift: estimated max 290 -> 302 lb over 3 workouts" in (reply[0].caption or "")
    assert "You have sets of: Deadlift" in texts(await bot.say("/progress"))


async def test_warm_ups_never_make_a_record_or_a_chart_point(bot: BotHarness) -> None:
    await add_workouts(bot, 1)
    async with bot.db.transaction() as session:
        started = dt.datetime(2024, 3, 5, 12, tzinfo=dt.UTC)
        workout = Workout(user_id=LIFTER, status="finished", started_at=started)
        session.add(workout)
        await session.flush()
        session.add(
            WorkoutSet(
                user_id=LIFTER,
                workout_id=workout.id,
                exercise_key="deadlift",
                set_number=1,
                weight=Decimal(405),
                unit="lb",
                reps=3,
                warmup=True,
                performed_at=started,
            )
        )
    assert "only 1 workout of Deadlift" in texts(await bot.say("/progress deadlift"))
    assert "405" not in texts(await bot.say("/prs"))
    assert "405x3 (warm-up)" in texts(await bot.say("/history"))


async def test_data_commands_stay_private_in_groups(bot: BotHarness) -> None:
    reply = await bot.say("/history", chat_id=-100200)
    assert "message me directly" in texts(reply)


async def test_history_week_counts_hard_sets_per_muscle_this_week_and_last(
    bot: BotHarness,
) -> None:
    """On a Wednesday: Monday's sets are this week, last Monday to Sunday's are last week."""
    now = bot.clock.now()
    wednesday = (now + dt.timedelta(days=(2 - now.weekday()) % 7 + 7)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    bot.clock.advance(wednesday - now)
    sets = [
        ("barbell_row", wednesday - dt.timedelta(days=2), 1, False),  # this Monday
        ("barbell_row", wednesday - dt.timedelta(days=2), None, True),  # its warm-up
        ("face_pull", wednesday, 5, False),  # too easy to count
        ("deadlift", wednesday - dt.timedelta(days=3), 2, False),  # last Sunday
        ("deadlift", wednesday - dt.timedelta(days=9), 2, False),  # last Monday
        ("deadlift", wednesday - dt.timedelta(days=10), 2, False),  # the week before
    ]
    async with bot.db.transaction() as session:
        await ensure_user(session, LIFTER, "Lifter", bot.clock.now())
        workout = Workout(user_id=LIFTER, status="finished", started_at=wednesday)
        session.add(workout)
        await session.flush()
        for number, (key, at, rir, warmup) in enumerate(sets, start=1):
            session.add(
                WorkoutSet(
                    user_id=LIFTER,
                    workout_id=workout.id,
                    exercise_key=key,
                    set_number=number,
                    weight=Decimal(100),
                    unit="lb",
                    reps=8,
                    rir=rir,
                    performed_at=at,
                    warmup=warmup,
                )
            )
    reply = texts(await bot.say("/history week"))
    monday = wednesday - dt.timedelta(days=2)
    assert reply.startswith(
        f"Hard sets per muscle, this week so far ({monday:%a} {monday.day} {monday:%b} - "
    )
    # A barbell row: rhomboids and traps 1 each, rear delts, teres, erectors half.
    # Two deadlifts last week: erectors and traps 2 each, rhomboids 1 (half each).
    assert "Rhomboids: 1 · last week 1" in reply
    assert "Trapezius (traps): 1 · last week 2" in reply
    assert "Erector spinae: 0.5 · last week 2" in reply
    assert "Rear deltoids: 0.5 · last week 0" in reply
    assert "Serratus posterior" not in reply
    assert "10-20 hard sets per muscle a week is a common guide" in reply


async def test_history_keeps_one_line_per_exercise_across_units(bot: BotHarness) -> None:
    """A lifter who switched from lb to kg sees each workout in kg, on one line."""
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("225x6 @2")
    await bot.say("/done")
    await bot.say("/units kg")
    reply = texts(await bot.say("/workout"))
    assert "Today: 107.5 kg" in reply  # 235 lb on 2.5 kg plates
    await bot.say("6 @2")
    await bot.say("/done")
    history = texts(await bot.say("/history"))
    assert "Deadlift: 102.5x6 (225 lb) @2" in history
    assert "Deadlift: 107.5x6 @2" in history
    assert ", lb" not in history


async def test_records_lifted_in_the_other_unit_read_as_loadable(bot: BotHarness) -> None:
    """A kg set on an lb account: '/prs' says '145 lb (65 kg)', never '143.3 lb'."""
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("65kg x 5 @2")
    await bot.say("/done")
    await bot.say("/units kg")
    await bot.say("/workout")
    await bot.say("70 x 5 @2")
    await bot.say("/done")
    await bot.say("/units lb")
    prs = texts(await bot.say("/prs"))
    assert "155 lb (70 kg)" in prs and "143.3" not in prs
