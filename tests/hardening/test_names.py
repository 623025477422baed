"""Telegram first names hold whatever a person typed into their profile: a NUL (which
PostgreSQL refuses in text), escape sequences, C1 controls. None of that may stop
the lifter's updates; the name is stored and greeted without it. (A lone surrogate
can't arrive: Telegram's JSON is UTF-8.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import User
from bot.db.users import NAME_LENGTH
from tests.hardening.conftest import record_errors, wait_handled
from tests.harness import BotHarness, texts

NAMES = [  # (name in the profile, name as stored)
    ("Ann\x00", "Ann"),
    ("\x00Bo\x00b", "Bob"),
    ("Cy\x1b[31m", "Cy[31m"),
    ("D\u0085e\u009b", "De"),  # C1 controls
    ("\u05e9\u05e8\u05d4\u200f", "\u05e9\u05e8\u05d4\u200f"),  # Hebrew with its RTL mark: kept
    ("F" * 200 + "\x00", "F" * NAME_LENGTH),
]


async def say_as(bot: BotHarness, user: int, name: str, text: str) -> str:
    """Send `text` as a lifter with this profile name; the bot's answer."""
    await wait_handled(bot, await bot.emulator.send_text(user, text, first_name=name))
    return texts(bot.new_messages(user))


@pytest.mark.parametrize(("name", "stored"), NAMES)
async def test_a_control_character_in_a_first_name_stops_nothing(
    bot: BotHarness, name: str, stored: str
) -> None:
    errors = record_errors(bot.app)
    user = 7000 + NAMES.index((name, stored))
    assert f"Hi {stored}, I'm your upper-back coach." in await say_as(bot, user, name, "/start")
    assert "What weight" in await say_as(bot, user, name, "/workout")
    assert "Set 1 of 3" in await say_as(bot, user, name, "225")

    async with bot.db.transaction() as session:
        assert await session.scalar(select(User.first_name).where(User.id == user)) == stored
    assert errors == []


async def test_a_name_changed_mid_workout_is_the_one_kept(bot: BotHarness) -> None:
    user = 7100
    await say_as(bot, user, "Sam", "/workout")
    await say_as(bot, user, "Sam", "225")
    assert "Logged set 1" in await say_as(bot, user, "Samira\x07", "225x6 @2")
    async with bot.db.transaction() as session:
        assert await session.scalar(select(User.first_name).where(User.id == user)) == "Samira"
