"""Lifters with schedules written straight to the database, for tests with many of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select

from bot.db.engine import Database
from bot.db.models import Delivery, Schedule, User, UserSettings

EVERY_DAY = 0b111_1111


async def seed_schedules(
    db: Database,
    user_ids: Iterable[int],
    *,
    now: dt.datetime,
    due_at: dt.datetime | None = None,
    summary_at: dt.datetime | None = None,
    at: dt.time = dt.time(7),
    zone: str = "UTC",
) -> list[int]:
    """Every-day schedules whose next reminder (and summary, if given) is due as given."""
    ids = list(user_ids)
    async with db.transaction() as session:
        await session.execute(
            insert(User), [{"id": i, "first_name": "Lifter", "created_at": now} for i in ids]
        )
        await session.execute(
            insert(UserSettings),
            [
                {"user_id": i, "time_zone": zone, "weekly_summary": summary_at is not None}
                for i in ids
            ],
        )
        await session.execute(
            insert(Schedule),
            [
                {
                    "user_id": i,
                    "days": EVERY_DAY,
                    "local_time": at,
                    "time_zone": zone,
                    "enabled": True,
                    "next_due_at": due_at,
                    "next_summary_at": summary_at,
                }
                for i in ids
            ],
        )
    return ids


async def deliveries(db: Database, user_id: int | None = None) -> list[Delivery]:
    """Ledger rows, oldest first (all users, or one)."""
    async with db.transaction() as session:
        query = select(Delivery).order_by(Delivery.id)
        if user_id is not None:
            query = query.where(Delivery.user_id == user_id)
        return list((await session.scalars(query)).all())


async def schedule_of(db: Database, user_id: int) -> Schedule | None:
    async with db.transaction() as session:
        return await session.get(Schedule, user_id)
