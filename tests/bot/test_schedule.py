"""/schedule and the reminders it sets, end to end over HTTP against the emulator.

Time is the shared Clock: tests move it past a reminder and call `fire_due`, exactly
what the reminder job and `coach chat`'s `!wait` do.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.clock import Clock
from bot.db.models import ExerciseLoad, Schedule, User, UserSettings
from bot.localapi import BotApiEmulator, Fault, RateLimit
from bot.scheduling.dispatcher import fire_reminders, sender_of
from bot.scheduling.reminders import LEASE, claim_due
from bot.scheduling.sender import Pacer
from bot.scheduling.sweep import fire_due
from tests.harness import LIFTER, BotHarness, another_worker, texts
from tests.scheduling.seed import deliveries, schedule_of, seed_schedules

BERLIN = ZoneInfo("Europe/Berlin")
OTHER = 777


def move_to(clock: Clock, instant: dt.datetime) -> None:
    """Set the shared clock to `instant` (forwards or backwards)."""
    clock.advance(instant - clock.now())


async def fire(bot: BotHarness, user: int = LIFTER) -> str:
    """Let the due reminders go out; what this lifter received."""
    assert bot.app is not None
    await fire_due(bot.app)
    return texts(bot.new_messages(user))


async def next_due_at(bot: BotHarness, user: int = LIFTER) -> dt.datetime:
    schedule = await schedule_of(bot.db, user)
    assert schedule is not None and schedule.next_due_at is not None
    return schedule.next_due_at


def chats(emulator: BotApiEmulator, user_ids: list[int]) -> None:
    """Lifters who once wrote to the bot, so it may write to them."""
    for user_id in user_ids:
        emulator.world.ensure_chat(user_id, "private", emulator.world.ensure_user(user_id))


# -- setting the schedule --------------------------------------------------------------


async def test_days_by_buttons_then_time_and_zone_as_text(bot: BotHarness) -> None:
    assert "Which days do you train?" in texts(await bot.say("/schedule"))
    for day in ("Mon", "Wed", "Fri"):
        await bot.press(day)
    picker = bot.emulator.messages(LIFTER)[-1]
    assert picker.labels == ["✓ Mon", "Tue", "✓ Wed", "Thu", "✓ Fri", "Sat", "Sun", "Next"]
    assert "What time" in texts(await bot.press("Next"))
    assert "Send a time like 18:00" in texts(await bot.say("half past"))
    assert "Which time zone" in texts(await bot.say("6pm"))
    assert "Send a time zone like" in texts(await bot.say("Atlantis"))
    reply = texts(await bot.say("berlin"))

    assert "Reminders set: Mon, Wed, Fri at 18:00 (Europe/Berlin)" in reply
    due = await next_due_at(bot)
    local = due.astimezone(BERLIN)
    assert (local.weekday(), local.hour, local.minute) in {(0, 18, 0), (2, 18, 0), (4, 18, 0)}
    assert dt.timedelta(0) < due - bot.clock.now() <= dt.timedelta(days=3)
    assert f"Next one: {local:%A} {local.day} {local:%B}, 18:00" in reply


async def test_one_line_forms_bad_input_and_off(bot: BotHarness) -> None:
    reply = texts(await bot.say("/schedule mon wed fri 18:00 Europe/Berlin"))
    assert "Reminders set: Mon, Wed, Fri at 18:00 (Europe/Berlin)" in reply
    before = await next_due_at(bot)
    assert "Send it like: mon wed fri 18:00" in texts(await bot.say("/schedule someday 25:00"))
    assert "Send a time zone like" in texts(await bot.say("/schedule mon 18:00 Mars"))
    assert await next_due_at(bot) == before

    assert "Tue, Thu at 07:00 (Europe/Berlin)" in texts(await bot.say("/schedule tue thu 7am"))
    assert "at 06:30 (UTC+05:30)" in texts(await bot.say("/schedule daily 6:30 UTC+5:30"))

    assert "Reminders and the weekly summary are off" in texts(await bot.say("/schedule off"))
    schedule = await schedule_of(bot.db, LIFTER)
    assert schedule is not None and not schedule.enabled and schedule.next_due_at is None
    assert "already off" in texts(await bot.say("/schedule off"))


async def test_cancel_leaves_the_flow_and_keeps_the_workout(bot: BotHarness) -> None:
    await bot.say("/schedule")
    await bot.press("Fri")
    await bot.press("Next")
    assert "Okay, cancelled." in texts(await bot.say("/cancel"))
    assert "/workout to start training" in texts(await bot.say("18:00"))  # no longer an answer
    assert await schedule_of(bot.db, LIFTER) is None

    await bot.say("/workout")
    await bot.say("/schedule")
    await bot.press("Sat")
    await bot.press("Next")
    assert "Okay, cancelled." in texts(await bot.say("/cancel"))
    assert "Set 1 of 3: 225 lb" in texts(await bot.say("225"))  # the workout goes on


async def test_starting_a_workout_leaves_an_unanswered_schedule_question(bot: BotHarness) -> None:
    await bot.say("/schedule")
    await bot.press("Fri")
    assert "What time should I remind you?" in texts(await bot.press("Next"))
    await bot.say("/workout")
    assert "Set 1 of 3: 225 lb" in texts(await bot.say("225"))  # a start weight, not a time
    async with bot.db.transaction() as session:
        settings = await session.get(UserSettings, LIFTER)
        assert settings is not None and settings.pending_input is None
    assert await schedule_of(bot.db, LIFTER) is None


async def test_buttons_of_another_lifter_or_out_of_date_change_nothing(bot: BotHarness) -> None:
    await bot.say("/schedule")
    picker = bot.emulator.messages(LIFTER)[-1]
    assert await bot.press_data(picker.message_id, f"s:n:{OTHER}:1") == []
    assert (
        bot.emulator.callback_answers[-1]["text"]
        == "That button isn't for you. Nothing was changed."
    )
    assert "out of date" in texts(await bot.press_data(picker.message_id, f"s:t:{LIFTER}:0700"))
    assert "out of date" in texts(await bot.press_data(picker.message_id, f"s:d:{LIFTER}:999"))
    assert await schedule_of(bot.db, LIFTER) is None
    async with bot.db.transaction() as session:
        settings = await session.get(UserSettings, LIFTER)
        assert settings is not None and settings.pending_input is None


async def test_start_offers_reminders_once(bot: BotHarness) -> None:
    first = await bot.say("/start")
    assert "Set reminders" in first[-1].labels
    assert "Which days do you train?" in texts(await bot.press("Set reminders"))
    again = await bot.say("/start")
    assert all("Set reminders" not in m.labels for m in again)


async def test_time_and_zone_buttons(bot: BotHarness) -> None:
    await bot.say("/schedule")
    await bot.press("Tue")
    await bot.press("Next")
    assert "Which time zone" in texts(await bot.press("07:00"))
    assert "Tue at 07:00 (UTC)" in texts(await bot.press("UTC"))


# -- the reminder ------------------------------------------------------------------------


async def test_reminder_shows_next_loads_and_its_button_starts_the_workout(
    bot: BotHarness,
) -> None:
    await bot.say("/schedule daily 07:00 UTC")
    async with bot.db.transaction() as session:
        for key, weight in (("deadlift", 245), ("face_pull", 60)):
            session.add(
                ExerciseLoad(
                    user_id=LIFTER,
                    exercise_key=key,
                    weight=Decimal(weight),
                    unit="lb",
                    target_reps=4,
                    updated_at=bot.clock.now(),
                )
            )
    bot.new_messages()
    due = await next_due_at(bot)
    move_to(bot.clock, due - dt.timedelta(minutes=1))
    assert await fire(bot) == ""
    move_to(bot.clock, due)
    reminder = await fire(bot)
    assert reminder.startswith("Upper back today")
    assert "Deadlift 3 x 4-6 @ 245 lb" in reminder
    assert "Face pull 3 x 10-12 @ 60 lb" in reminder
    assert "Seal row 3 x 8-10: pick a starting weight" in reminder
    assert await fire(bot) == ""  # once

    started = texts(await bot.press("Start workout"))
    assert "Deadlift (1 of 5)" in started and "Set 1 of 3: 245 lb x 4-6" in started
    assert [(d.status, d.kind) for d in await deliveries(bot.db)] == [("sent", "reminder")]


async def test_reminder_during_a_workout_says_so(bot: BotHarness) -> None:
    await bot.say("/schedule daily 07:00 UTC")
    await bot.say("/workout")
    move_to(bot.clock, await next_due_at(bot))
    bot.new_messages()
    reminder = await fire(bot)
    assert "still in progress" in reminder and "Deadlift 3 x" not in reminder
    assert "Picking up where you left off" in texts(await bot.press("Resume workout"))


async def test_restart_after_the_due_time_sends_late_once_or_skips(bot: BotHarness) -> None:
    await bot.say("/schedule daily 07:00 UTC")
    due = await next_due_at(bot)
    await bot.stop()
    move_to(bot.clock, due + dt.timedelta(minutes=90))
    await bot.start()  # start-up sends what came due while the bot was down
    assert "Upper back today" in texts(bot.new_messages())
    await bot.restart()
    assert await fire(bot) == ""

    await bot.stop()
    move_to(bot.clock, due + dt.timedelta(days=1, hours=3))  # the next one, 3 h late
    await bot.start()
    assert texts(bot.new_messages()) == ""
    assert [d.status for d in await deliveries(bot.db)] == ["sent", "skipped"]
    assert await next_due_at(bot) == due + dt.timedelta(days=2)


async def test_a_claim_left_by_a_crashed_worker_is_sent_once(bot: BotHarness) -> None:
    await bot.say("/schedule daily 07:00 UTC")
    move_to(bot.clock, await next_due_at(bot))
    bot.new_messages()
    # Another worker claimed it and died before sending.
    assert len((await claim_due(bot.db, bot.clock.now(), "crashed")).deliveries) == 1
    await bot.restart()
    assert texts(bot.new_messages()) == ""  # its lease has not run out: it may still send
    bot.clock.advance(LEASE + dt.timedelta(seconds=1))
    assert "Upper back today" in await fire(bot)
    await bot.restart()
    assert await fire(bot) == ""
    assert [d.status for d in await deliveries(bot.db)] == ["sent"]


async def test_the_autumn_change_in_berlin_sends_exactly_one_reminder(bot: BotHarness) -> None:
    move_to(bot.clock, dt.datetime(2025, 10, 25, 12, tzinfo=dt.UTC))
    reply = texts(await bot.say("/schedule daily 02:30 Europe/Berlin"))
    assert "Next one: Sunday 26 October, 02:30" in reply
    received = []
    instant = dt.datetime(2025, 10, 26, 0, tzinfo=dt.UTC)
    while instant <= dt.datetime(2025, 10, 26, 4, tzinfo=dt.UTC):  # 02:00 CEST to 05:00 CET
        move_to(bot.clock, instant)
        received.append(await fire(bot))
        if instant.minute == 45 and instant.hour == 1:
            # As if the arithmetic had also produced the second 02:30 (01:30 UTC).
            async with bot.db.transaction() as session:
                await session.execute(
                    update(Schedule).values(
                        next_due_at=dt.datetime(2025, 10, 26, 1, 30, tzinfo=dt.UTC)
                    )
                )
            received.append(await fire(bot))
        instant += dt.timedelta(minutes=15)
    assert sum(r.count("Upper back today") for r in received) == 1
    assert await next_due_at(bot) == dt.datetime(2025, 10, 27, 1, 30, tzinfo=dt.UTC)
    move_to(bot.clock, dt.datetime(2025, 10, 27, 1, 30, tzinfo=dt.UTC))
    assert "Upper back today" in await fire(bot)
    reminders = [d for d in await deliveries(bot.db) if d.kind == "reminder"]
    assert [(d.local_day.day, d.status) for d in reminders] == [(26, "sent"), (27, "sent")]


async def test_a_lifter_who_blocked_the_bot_gets_no_more_reminders(bot: BotHarness) -> None:
    await bot.say("/schedule daily 07:00 UTC")
    bot.emulator.block(LIFTER)
    due = await next_due_at(bot)
    move_to(bot.clock, due)
    await fire(bot)
    schedule = await schedule_of(bot.db, LIFTER)
    assert schedule is not None and not schedule.enabled and schedule.next_due_at is None
    async with bot.db.transaction() as session:
        user = await session.get(User, LIFTER)
        assert user is not None and user.blocked_at is not None
    move_to(bot.clock, due + dt.timedelta(days=1))
    await fire(bot)
    assert [d.status for d in await deliveries(bot.db)] == ["blocked"]

    bot.emulator.unblock(LIFTER)  # they come back and set reminders again
    await bot.say("/schedule daily 08:00 UTC")
    async with bot.db.transaction() as session:
        user = await session.get(User, LIFTER)
        assert user is not None and user.blocked_at is None


async def test_one_lifters_bad_data_does_not_stop_the_others_reminders(bot: BotHarness) -> None:
    assert bot.app is not None
    now = bot.clock.now()
    users = await seed_schedules(bot.db, [601, 602, 603], now=now, due_at=now)
    chats(bot.emulator, users)
    async with bot.db.transaction() as session:
        session.add(
            ExerciseLoad(
                user_id=602,
                exercise_key="deadlift",
                weight=Decimal(100),
                unit="st",  # stone: no such unit here: this lifter's reminder cannot be built
                target_reps=4,
                updated_at=now,
            )
        )
    assert await fire_reminders(bot.app) == 3
    assert [bot.emulator.sent_count(u) for u in users] == [1, 0, 1]
    assert [d.status for d in await deliveries(bot.db)] == ["sent", "failed", "sent"]


# -- the weekly summary ------------------------------------------------------------------


async def test_weekly_summary_on_sunday_and_turned_off(bot: BotHarness) -> None:
    move_to(bot.clock, dt.datetime(2025, 1, 8, 12, tzinfo=dt.UTC))  # a Wednesday
    assert "training days first" in texts(await bot.say("/schedule summary off"))
    await bot.say("/workout")
    await bot.say("225")
    await bot.say("225x6 @2")
    await bot.say("/done")
    reply = texts(await bot.say("/schedule mon 07:00 UTC"))
    assert "Want a weekly summary too, Sundays at 19:00?" in reply
    assert "Weekly summary on: Sunday at 19:00" in texts(await bot.press("Weekly summary on"))
    move_to(bot.clock, dt.datetime(2025, 1, 12, 19, 1, tzinfo=dt.UTC))
    summary = await fire(bot)
    assert "Your week: 1 workout." in summary
    assert "Erector spinae: 1\n" in summary and "Teres major and minor: 0\n" in summary
    assert "Rhomboids: 0.5\n" in summary  # a helper in the deadlift: half a set
    assert "10-20 is a common guide" in summary
    assert "Next week's loads:" in summary and "Deadlift 3 x 4-6 @ 235 lb" in summary

    assert "Pick one day" in texts(await bot.say("/schedule summary sat sun 18:00"))
    assert "/schedule summary sun 19:00" in texts(await bot.say("/schedule summary soon"))
    assert "Weekly summary off" in texts(await bot.say("/schedule summary off"))
    move_to(bot.clock, dt.datetime(2025, 1, 19, 19, 1, tzinfo=dt.UTC))
    assert "Your week" not in await fire(bot)
    on = texts(await bot.say("/schedule summary sat 18:00"))
    assert "Weekly summary on: Saturday at 18:00 (UTC)" in on
    assert "Next one: Saturday 25 January, 18:00" in on


async def test_one_line_without_a_zone_asks_for_it_once_then_remembers(bot: BotHarness) -> None:
    reply = texts(await bot.say("/schedule mon wed fri 7am"))
    assert "Which time zone are you in?" in reply and "Reminders set" not in reply
    reply = texts(await bot.say("berlin"))
    assert "Reminders set: Mon, Wed, Fri at 07:00 (Europe/Berlin)" in reply
    reply = texts(await bot.say("/schedule tue 8am"))
    assert "Reminders set: Tue at 08:00 (Europe/Berlin)" in reply


async def test_the_weekly_summary_is_offered_and_goes_off_with_the_reminders(
    bot: BotHarness,
) -> None:
    reply = texts(await bot.say("/schedule mon 07:00 UTC"))
    assert "Want a weekly summary too, Sundays at 19:00?" in reply
    schedule = await schedule_of(bot.db, LIFTER)
    assert schedule is not None and schedule.next_summary_at is None  # not on unasked
    assert "Weekly summary on: Sunday at 19:00" in texts(await bot.press("Weekly summary on"))
    reply = texts(await bot.say("/schedule off"))
    assert "Reminders and the weekly summary are off." in reply
    schedule = await schedule_of(bot.db, LIFTER)
    assert schedule is not None and schedule.next_summary_at is None and not schedule.enabled
    reply = texts(await bot.say("/schedule mon 07:00"))  # back on: the summary too
    assert "Weekly summary: Sunday at 19:00" in reply


async def test_settings_in_one_place(bot: BotHarness) -> None:
    reply = texts(await bot.say("/settings"))
    assert "Units: lb" in reply and "Time zone: UTC" in reply and "Reminders: off" in reply
    await bot.press("Use kg")
    assert "Units: kg" in texts(bot.emulator.messages(LIFTER)[-1:])  # edited in place
    assert "Which time zone are you in?" in texts(await bot.press("Time zone"))
    assert "Time zone set: Europe/Berlin." in texts(await bot.say("berlin"))
    assert "Which days do you train?" in texts(await bot.press("Reminders"))
    await bot.say("/workout")
    await bot.say("/settings")
    assert "one workout keeps one unit" in texts(await bot.press("Use lb"))


# -- many lifters: limits, faults, and two workers ------------------------------------------


async def test_rate_limit_and_429s_deliver_everything_exactly_once(bot: BotHarness) -> None:
    assert bot.app is not None
    bot.emulator.rate_limit = RateLimit(per_second=30, per_chat_per_second=1, time_scale=0.1)
    fault = bot.emulator.add_fault(Fault(method="sendMessage", kind="429", count=6, retry_after=1))
    sender_of(bot.app).pacer = Pacer(time_scale=0.1)
    now = bot.clock.now()
    users = await seed_schedules(bot.db, range(10_000, 10_060), now=now, due_at=now)
    summaries = users[:20]  # these get two messages at once: one chat, one per (scaled) second
    async with bot.db.transaction() as session:
        await session.execute(
            update(Schedule).where(Schedule.user_id.in_(summaries)).values(next_summary_at=now)
        )
    chats(bot.emulator, users)

    assert await fire_reminders(bot.app) == 80
    for user_id in users:
        expected = 2 if user_id in summaries else 1
        assert bot.emulator.sent_count(user_id) == expected, user_id
    assert {d.status for d in await deliveries(bot.db)} == {"sent"}
    assert fault.fired == 6


async def test_two_workers_deliver_a_thousand_reminders_once_each(bot: BotHarness) -> None:
    assert bot.app is not None
    now = bot.clock.now()
    async with another_worker(bot) as other:
        users = await seed_schedules(
            bot.db, range(20_000, 21_000), now=now, due_at=now - dt.timedelta(minutes=1)
        )
        chats(bot.emulator, users)
        for app in (bot.app, other):
            sender_of(app).pacer = Pacer(time_scale=0.005)  # the emulator has no limit here
        first, second = await asyncio.gather(fire_reminders(bot.app), fire_reminders(other))
    assert first + second == 1000
    assert all(bot.emulator.sent_count(u) == 1 for u in users)
    rows = await deliveries(bot.db)
    assert len(rows) == 1000 and {r.status for r in rows} == {"sent"}
    if bot.db.is_sqlite:  # one process, whose two Applications share the fan-out
        assert first > 0 and second > 0
        assert len({r.claimed_by for r in rows}) == 2
    else:  # one worker fans out at a time: one send budget (bot.scheduling.leader)
        assert 0 in (first, second)
        assert len({r.claimed_by for r in rows}) == 1
