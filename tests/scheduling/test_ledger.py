"""Claiming due reminders: once per local day, late or skipped, and never by two workers."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.db.engine import Database
from bot.db.models import Schedule, User
from bot.scheduling.reminders import (
    LEASE,
    REMINDER,
    SUMMARY,
    Claim,
    Delivered,
    Status,
    claim_due,
    record,
)
from tests.scheduling.seed import deliveries, schedule_of, seed_schedules

NOW = dt.datetime(2025, 1, 8, 7, 30, tzinfo=dt.UTC)  # a Wednesday
LIFTER = 501


async def test_a_due_reminder_is_claimed_once_and_the_schedule_moves_on(db: Database) -> None:
    await seed_schedules(db, [LIFTER], now=NOW, due_at=NOW - dt.timedelta(minutes=30))
    claimed = await claim_due(db, NOW, "a")
    assert [(c.user_id, c.kind) for c in claimed.deliveries] == [(LIFTER, REMINDER)]
    assert claimed.wake == {LIFTER: dt.datetime(2025, 1, 9, 7, tzinfo=dt.UTC)}
    assert (await claim_due(db, NOW, "b")).deliveries == []
    [row] = await deliveries(db)
    assert (row.status, row.local_day, row.claimed_by) == ("claimed", dt.date(2025, 1, 8), "a")


async def test_a_reminder_more_than_two_hours_late_is_recorded_as_skipped(db: Database) -> None:
    await seed_schedules(db, [LIFTER], now=NOW, due_at=NOW - dt.timedelta(hours=2, minutes=1))
    assert (await claim_due(db, NOW, "a")).deliveries == []
    [row] = await deliveries(db)
    assert row.status == "skipped"
    schedule = await schedule_of(db, LIFTER)
    assert schedule is not None and schedule.next_due_at == dt.datetime(
        2025, 1, 9, 7, tzinfo=dt.UTC
    )


async def test_the_ledger_refuses_a_second_reminder_for_the_same_local_day(db: Database) -> None:
    # Berlin, 2025-10-26: 02:30 happens at 00:30 and again at 01:30 UTC.
    first, second = (dt.datetime(2025, 10, 26, h, 30, tzinfo=dt.UTC) for h in (0, 1))
    await seed_schedules(
        db, [LIFTER], now=first, due_at=first, at=dt.time(2, 30), zone="Europe/Berlin"
    )
    [claim] = (await claim_due(db, first, "a")).deliveries
    await record(db, [Delivered(claim, Status.SENT, 1)], first)
    async with db.transaction() as session:  # as if the arithmetic had produced the repeat
        await session.execute(update(Schedule).values(next_due_at=second))
    assert (await claim_due(db, second, "a")).deliveries == []
    assert [r.local_day for r in await deliveries(db)] == [dt.date(2025, 10, 26)]


async def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(db: Database) -> None:
    await seed_schedules(db, [LIFTER], now=NOW, due_at=NOW)
    [claim] = (await claim_due(db, NOW, "dead")).deliveries
    assert (await claim_due(db, NOW + LEASE / 2, "alive")).deliveries == []
    later = NOW + LEASE + dt.timedelta(seconds=1)
    assert (await claim_due(db, later, "alive")).deliveries == [claim]
    assert (await deliveries(db))[0].claimed_by == "alive"


async def test_a_dead_claim_past_the_late_limit_is_skipped(db: Database) -> None:
    await seed_schedules(db, [LIFTER], now=NOW, due_at=NOW)
    await claim_due(db, NOW, "dead")
    assert (await claim_due(db, NOW + dt.timedelta(hours=3), "alive")).deliveries == []
    assert [r.status for r in await deliveries(db)] == ["skipped"]


async def test_a_due_summary_is_claimed_and_comes_back_a_week_later(db: Database) -> None:
    sunday = dt.datetime(2025, 1, 12, 19, tzinfo=dt.UTC)
    await seed_schedules(db, [LIFTER], now=sunday, summary_at=sunday)
    claimed = await claim_due(db, sunday, "a")
    assert [c.kind for c in claimed.deliveries] == [SUMMARY]
    assert claimed.wake[LIFTER] == sunday + dt.timedelta(days=7)


async def test_a_block_turns_the_lifters_messages_off(db: Database) -> None:
    await seed_schedules(db, [LIFTER], now=NOW, due_at=NOW, summary_at=NOW + dt.timedelta(days=3))
    [claim] = (await claim_due(db, NOW, "a")).deliveries
    await record(db, [Delivered(claim, Status.BLOCKED, 1)], NOW)
    schedule = await schedule_of(db, LIFTER)
    assert schedule is not None and not schedule.enabled
    assert schedule.next_due_at is None and schedule.next_summary_at is None
    async with db.transaction() as session:
        user = await session.get(User, LIFTER)
        assert user is not None and user.blocked_at == NOW
    assert [(r.status, r.attempts) for r in await deliveries(db)] == [("blocked", 1)]
    assert (await claim_due(db, NOW + dt.timedelta(days=1), "a")).deliveries == []


async def test_two_workers_claiming_at_once_share_the_work_without_overlap(db: Database) -> None:
    users = await seed_schedules(db, range(1000, 1500), now=NOW, due_at=NOW)

    async def worker(name: str) -> list[Claim]:
        mine: list[Claim] = []
        while True:
            claimed = await claim_due(db, NOW, name)
            mine += claimed.deliveries
            if not claimed.more:
                return mine

    first, second = await asyncio.gather(worker("a"), worker("b"))
    ids = [c.user_id for c in first + second]
    assert sorted(ids) == users


async def test_schedules_another_worker_is_claiming_are_skipped_not_waited_for(
    db: Database,
) -> None:
    """While one worker's claim holds some due schedules, another claims the rest at once
    (SKIP LOCKED), and the held ones stay for their holder."""
    if db.is_sqlite:
        pytest.skip("SQLite has one writer: a second claim waits for the first to commit")
    users = await seed_schedules(db, range(1000, 1010), now=NOW, due_at=NOW)
    held = users[:4]
    async with db.transaction() as holder:
        await holder.execute(
            select(Schedule.user_id).where(Schedule.user_id.in_(held)).with_for_update()
        )
        async with asyncio.timeout(5):  # a claim that waited for the lock would hang here
            claimed = await claim_due(db, NOW, "b")
    assert sorted(c.user_id for c in claimed.deliveries) == users[4:]
    assert sorted(c.user_id for c in (await claim_due(db, NOW, "a")).deliveries) == held
