"""Creating a lifter on first contact."""

from __future__ import annotations

import datetime as dt

from bot.db.engine import Database
from bot.db.users import create_user

NOW = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


async def test_a_new_lifter_is_created_once_and_found_after(db: Database) -> None:
    async with db.transaction() as session:
        user, settings, created = await create_user(session, 77, "Ann\x00", NOW)
        assert created and user.first_name == "Ann" and settings.user_id == 77
    # A second first message that lost the race: the lifter is there, nothing fails.
    async with db.transaction() as session:
        user, settings, created = await create_user(session, 77, "Anna", NOW)
        assert not created and user.first_name == "Anna" and settings.unit == "lb"
    async with db.transaction() as session:
        user, _, created = await create_user(session, 78, "Bo", NOW)
        assert created and user.id == 78
