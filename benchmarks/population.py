"""Many lifters with reminder schedules, written straight into the tables before a bot starts.

Core INSERT with many parameter sets per statement (SQLAlchemy's executemany, batched
into multi-row VALUES on both drivers): 100,000 lifters take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert

from benchmarks.databases import BenchDatabase
from benchmarks.lifting import users
from bot.coach.timing import mask_of, next_due
from bot.db.models import Schedule, User, UserSettings

CHUNK = 5_000
ScheduleRow = Callable[[int], dict[str, Any]]


async def insert_lifters(database: BenchDatabase, count: int, schedule: ScheduleRow) -> None:
    """`count` lifters, their settings, and the schedule row `schedule(user_id)` gives."""
    now = dt.datetime.now(dt.UTC)
    lifters = users(count)
    db = database.open()
    try:
        for start in range(0, count, CHUNK):
            chunk = lifters[start : start + CHUNK]
            async with db.engine.begin() as connection:
                await connection.execute(
                    insert(User),
                    [{"id": u, "first_name": "Lifter", "created_at": now} for u in chunk],
                )
                await connection.execute(insert(UserSettings), [{"user_id": u} for u in chunk])
                await connection.execute(insert(Schedule), [schedule(u) for u in chunk])
    finally:
        await db.dispose()


def due_at(instant: dt.datetime) -> ScheduleRow:
    """Every day at `instant`'s minute (UTC), next due exactly then: all due together."""
    minute = instant.replace(second=0, microsecond=0)

    def row(user_id: int) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "days": mask_of(frozenset(range(7))),
            "local_time": minute.time(),
            "time_zone": "UTC",
            "enabled": True,
            "next_due_at": minute,
            "next_summary_at": None,
        }

    return row


def spread_over_the_week(now: dt.datetime, seed: int = 1) -> ScheduleRow:
    """Random training days and times, next reminder and weekly summary in the future."""
    rng = random.Random(seed)
    utc = dt.UTC
    sunday_evening = next_due(days=frozenset({6}), at=dt.time(19, 0), zone=utc, now=now)

    def row(user_id: int) -> dict[str, Any]:
        days = frozenset(rng.sample(range(7), rng.randint(2, 4)))
        at = dt.time(rng.randint(5, 21), rng.choice((0, 15, 30, 45)))
        return {
            "user_id": user_id,
            "days": mask_of(days),
            "local_time": at,
            "time_zone": "UTC",
            "enabled": True,
            "next_due_at": next_due(days=days, at=at, zone=utc, now=now),
            "next_summary_at": sunday_evening,
        }

    return row
