"""One wake-up job per process, at the earliest reminder or summary in the database.

These run the real JobQueue: the reminder below arrives because the wake-up job fired,
not because the test called `fire_due` (the sweep's first run is a minute away).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from bot.db.models import Schedule
from bot.scheduling import reminders
from bot.scheduling.dispatcher import SWEEP_JOB, WAKE_JOB, fire_reminders, next_wake, sender_of
from bot.scheduling.sender import Pacer
from tests.bot.test_schedule import chats, fire, move_to, next_due_at
from tests.harness import LIFTER, BotHarness, job_ran, texts
from tests.scheduling.seed import deliveries, seed_schedules

OTHER = 777


def job_names(bot: BotHarness) -> list[str]:
    assert bot.app is not None and bot.app.job_queue is not None
    return sorted(job.name or "" for job in bot.app.job_queue.jobs())


def wake(bot: BotHarness) -> dt.datetime | None:
    assert bot.app is not None
    return next_wake(bot.app)


def wakeup_ran(bot: BotHarness) -> contextlib.AbstractAsyncContextManager[None]:
    """Wait, after the block, until the wake-up job has run to its end."""
    assert bot.app is not None
    return job_ran(bot.app, WAKE_JOB)


async def test_many_lifters_share_one_wakeup_at_the_earliest_instant(bot: BotHarness) -> None:
    now = bot.clock.now().replace(microsecond=0)
    await seed_schedules(bot.db, range(1000, 1300), now=now, due_at=now + dt.timedelta(hours=5))
    await seed_schedules(
        bot.db,
        [2000],
        now=now,
        due_at=now + dt.timedelta(hours=1),
        summary_at=now + dt.timedelta(hours=3),
    )
    async with bot.db.transaction() as session:  # reminders off: only the summary still comes
        await session.execute(
            update(Schedule).where(Schedule.user_id == 2000).values(enabled=False)
        )
    await bot.restart()
    assert job_names(bot) == sorted([WAKE_JOB, SWEEP_JOB])
    assert wake(bot) == now + dt.timedelta(hours=3)


async def test_a_reminder_earlier_than_the_wakeup_arrives_on_time_then_the_next_is_set(
    bot: BotHarness,
) -> None:
    today = bot.clock.now().date()
    at_seven = dt.datetime(today.year, today.month, today.day, 7, tzinfo=dt.UTC)
    move_to(bot.clock, at_seven - dt.timedelta(hours=1))
    chats(bot.emulator, [OTHER])
    await seed_schedules(
        bot.db, [OTHER], now=bot.clock.now(), due_at=at_seven + dt.timedelta(hours=1)
    )
    await bot.restart()
    assert wake(bot) == at_seven + dt.timedelta(hours=1)

    move_to(bot.clock, at_seven - dt.timedelta(seconds=2))
    async with wakeup_ran(bot):
        assert "Reminders set" in texts(await bot.say("/schedule daily 07:00 UTC"))
        assert wake(bot) == at_seven
    assert texts(bot.new_messages()).startswith("Upper back today")
    assert bot.emulator.sent_count(OTHER) == 0

    # The lifter's next reminder is tomorrow: the wake-up moves to the other lifter's.
    assert await next_due_at(bot) == at_seven + dt.timedelta(days=1)
    assert wake(bot) == at_seven + dt.timedelta(hours=1)
    assert job_names(bot) == sorted([WAKE_JOB, SWEEP_JOB])
    assert await fire(bot) == ""  # once
    assert [(d.user_id, d.status) for d in await deliveries(bot.db)] == [(LIFTER, "sent")]


async def test_a_wakeup_during_a_fanout_joins_it_instead_of_starting_another(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep or a wake-up while 250 reminders go out starts no second pipeline; the
    running one claims again before it ends, so lifters due meanwhile are still sent."""
    assert bot.app is not None
    sender_of(bot.app).pacer = Pacer(time_scale=0.2)  # 150 a second: 250 take 1.7 s
    now = bot.clock.now()
    first = await seed_schedules(bot.db, range(30_000, 30_250), now=now, due_at=now)
    chats(bot.emulator, first)
    claimed_all, claim_due = asyncio.Event(), reminders.claim_due

    async def noting_the_last_claim(*args: Any) -> reminders.Claimed:
        claimed = await claim_due(*args)
        if not claimed.more:
            claimed_all.set()
        return claimed

    monkeypatch.setattr(reminders, "claim_due", noting_the_last_claim)
    running = asyncio.create_task(fire_reminders(bot.app))
    await claimed_all.wait()  # nothing more due: without a second look it would end here
    later = await seed_schedules(bot.db, range(31_000, 31_050), now=now, due_at=now)
    chats(bot.emulator, later)
    assert await fire_reminders(bot.app) == 0  # joined the running fan-out
    assert not running.done()
    assert await running == len(first) + len(later)
    assert all(bot.emulator.sent_count(user) == 1 for user in first + later)
    assert {d.status for d in await deliveries(bot.db)} == {"sent"}
