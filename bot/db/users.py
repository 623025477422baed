"""Lifters and their settings. Repositories read and add; the caller's transaction commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User, UserSettings


async def ensure_user(
    session: AsyncSession, user_id: int, first_name: str, now: dt.datetime
) -> tuple[User, UserSettings, bool]:
    """The user and their settings, created on first contact; the bool says if they are new."""
    user = await session.get(User, user_id)
    created = user is None
    if user is None:
        user = User(id=user_id, first_name=first_name[:128], created_at=now)
        session.add(user)
        await session.flush()
    elif first_name and user.first_name != first_name[:128]:
        user.first_name = first_name[:128]
    settings = await session.get(UserSettings, user_id)
    if settings is None:
        settings = UserSettings(user_id=user_id)
        session.add(settings)
        await session.flush()
    return user, settings, created


async def get_settings(session: AsyncSession, user_id: int) -> UserSettings | None:
    """The user's settings, or None for someone who never wrote to the bot."""
    return await session.get(UserSettings, user_id)


async def all_user_ids(session: AsyncSession) -> list[int]:
    """Every lifter's id (for start-up jobs and tests)."""
    return list((await session.scalars(select(User.id))).all())
