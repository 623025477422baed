"""Lifters and their settings. Repositories read and add; the caller's transaction commits."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.db.dialect import insert
from bot.db.models import User, UserSettings

NAME_LENGTH = 128


def clean_name(first_name: str) -> str:
    """A Telegram first name as stored: anyone can put a NUL in theirs, PostgreSQL
    refuses it in text (every update of that lifter would fail), and no control
    character has a place in a greeting either."""
    kept = "".join(c for c in first_name if unicodedata.category(c) != "Cc")
    return kept[:NAME_LENGTH]


def fresh_name(stored: str, first_name: str) -> str | None:
    """The name to keep instead of `stored`, if Telegram gave us another one (it only
    appears in greetings)."""
    name = clean_name(first_name)
    return name if name and name != stored else None


def refresh_name(user: User, first_name: str) -> None:
    """Keep the name Telegram last gave us, on a user entity."""
    name = fresh_name(user.first_name, first_name)
    if name is not None:
        user.first_name = name


_RENAME = update(User).where(User.id == bindparam("user_id"))
# The columns to set come from the parameters, as in `bot.db.workouts.save_changes`.
_SAVE_SETTINGS = update(UserSettings).where(UserSettings.user_id == bindparam("row_id"))


async def rename(connection: AsyncConnection, user_id: int, first_name: str) -> None:
    """Store a lifter's new name (see `fresh_name`), in Core."""
    await connection.execute(_RENAME, {"user_id": user_id, "first_name": first_name})


async def save_settings(connection: AsyncConnection, user_id: int, **columns: Any) -> None:
    """Set some of a lifter's settings columns, in Core."""
    await connection.execute(_SAVE_SETTINGS, {"row_id": user_id, **columns})


def _user_and_settings(user_id: int) -> Select[User, UserSettings]:
    return select(User, UserSettings).join(UserSettings).where(User.id == user_id)


async def user_and_settings(session: AsyncSession, user_id: int) -> tuple[User, UserSettings]:
    """A known lifter and their settings, as entities the session will store changes of."""
    user, settings = (await session.execute(_user_and_settings(user_id))).one()
    return user, settings


async def ensure_user(
    session: AsyncSession, user_id: int, first_name: str, now: dt.datetime
) -> tuple[User, UserSettings, bool]:
    """The user and their settings, created on first contact; the bool says if they are new."""
    found = (await session.execute(_user_and_settings(user_id))).first()
    if found is None:
        return await create_user(session, user_id, first_name, now)
    user, settings = found
    refresh_name(user, first_name)
    return user, settings, False


async def create_user(
    session: AsyncSession, user_id: int, first_name: str, now: dt.datetime
) -> tuple[User, UserSettings, bool]:
    """`ensure_user` for someone just looked up and not found.

    It inserts "or ignore": two first messages of a new lifter handled at once (two
    workers, or a processor without per-chat order) must not fail on the primary key;
    the bool says whether this call created them. The new rows come back from the
    INSERTs; only after losing that race are they read.
    """
    row = {"id": user_id, "first_name": clean_name(first_name), "created_at": now}
    new_user = insert(session, User).values(row).on_conflict_do_nothing().returning(User)
    user = (await session.scalars(new_user)).one_or_none()
    new_settings = (
        insert(session, UserSettings)
        .values(user_id=user_id)
        .on_conflict_do_nothing()
        .returning(UserSettings)
    )
    settings = (await session.scalars(new_settings)).one_or_none()
    created = user is not None
    if user is None or settings is None:
        user, settings = (await session.execute(_user_and_settings(user_id))).one()
    refresh_name(user, first_name)
    return user, settings, created


async def get_settings(session: AsyncSession, user_id: int) -> UserSettings | None:
    """The user's settings, or None for someone who never wrote to the bot."""
    return await session.get(UserSettings, user_id)
