"""First contact: greeting, help, units, unknown input."""

from __future__ import annotations

from tests.harness import BotHarness, texts


async def test_start_greets_and_remembers_the_lifter(bot: BotHarness) -> None:
    first = texts(await bot.say("/start"))
    assert "upper-back coach" in first and "/workout" in first
    again = texts(await bot.say("/start"))
    assert "Welcome back" in again


async def test_help_lists_every_command(bot: BotHarness) -> None:
    reply = texts(await bot.say("/help"))
    for command in ("/workout", "/howto", "/schedule", "/history", "/export", "/cancel"):
        assert command in reply


async def test_command_menu_is_registered_at_start_up(bot: BotHarness) -> None:
    names = [c["command"] for c in bot.emulator.commands or []]
    assert "workout" in names and "help" in names


async def test_unknown_command_and_stray_text_get_pointers(bot: BotHarness) -> None:
    assert "/help" in texts(await bot.say("/frobnicate"))
    assert "/workout" in texts(await bot.say("hello there"))


async def test_units_switch_and_usage(bot: BotHarness) -> None:
    assert "kg" in texts(await bot.say("/units kg"))
    assert "You're on kg" in texts(await bot.say("/units"))
    assert "lb" in texts(await bot.say("/units lb"))
