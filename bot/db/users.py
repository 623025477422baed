"""Lifters and their settings. Repositories read and add; the caller's transaction commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert
from bot.db.models import User, UserSettings

NAME_LENGTH = 128


def refresh_name(user: User, first_name: str) -> None:
    """Keep the name Telegram last gave us (it only appears in greetings)."""
    if first_name and user.first_name != first_name[:NAME_LENGTH]:
        user.first_name = first_name[:NAME_LENGTH]


async def ensure_user(
    session: AsyncSession, user_id: int, first_name: str, now: dt.datetime
) -> tuple[User, UserSettings, bool]:
    """The user and their settings, created on first contact; the bool says if they are new.

    Creating inserts "or ignore": two first messages of a new lifter handled at once (two
    workers, or a processor without per-chat order) must not fail on the primary key.
    """
    query = select(User, UserSettings).join(UserSettings).where(User.id == user_id)
    found = (await session.execute(query)).first()
    created = False
    if found is None:
        row = {"id": user_id, "first_name": first_name[:NAME_LENGTH], "created_at": now}
        result = await session.execute(insert(session, User).values(row).on_conflict_do_nothing())
        created = bool(result.rowcount)  # type: ignore[attr-defined]
        await session.execute(
            insert(session, UserSettings).values(user_id=user_id).on_conflict_do_nothing()
        )
        found = (await session.execute(query)).one()
    user, settings = found
    refresh_name(user, first_name)
    return user, settings, created


async def get_settings(session: AsyncSession, user_id: int) -> UserSettings | None:
    """The user's settings, or None for someone who never wrote to the bot."""
    return await session.get(UserSettings, user_id)


async def all_user_ids(session: AsyncSession) -> list[int]:
    """Every lifter's id (for start-up jobs and tests)."""
    return list((await session.scalars(select(User.id))).all())
