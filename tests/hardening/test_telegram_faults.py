"""Telegram's bad days during a workout: every set is stored once, confirmed at most once,
and the bot keeps polling. The emulator injects the faults before the method acts,
except `slow`, which acts and then answers too late (as Telegram under load may)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.db.models import WorkoutSet
from bot.localapi import Fault
from tests.hardening.conftest import BOT_API_TIMEOUT, FastTimeoutHarness, record_errors
from tests.harness import LIFTER, texts

# The transport is the same whatever the database; PostgreSQL has its own fault tests.
pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


async def stored_sets(bot: FastTimeoutHarness) -> list[tuple[int, int, int | None]]:
    async with bot.db.transaction() as session:
        query = select(WorkoutSet).where(WorkoutSet.user_id == LIFTER).order_by(WorkoutSet.id)
        return [(s.set_number, s.reps, s.rir) for s in (await session.scalars(query)).all()]


def confirmations(bot: FastTimeoutHarness, number: int) -> int:
    """How many times the lifter was told set `number` of the first exercise was logged."""
    return sum(f"Logged set {number}:" in (m.text or "") for m in bot.emulator.messages(LIFTER))


async def start_deadlift(bot: FastTimeoutHarness) -> None:
    await bot.say("/workout")
    assert "Set 1 of 3: 225 lb" in texts(await bot.say("225"))


async def test_a_429_storm_is_waited_out_as_told_and_each_set_confirmed_once(
    fast_bot: FastTimeoutHarness,
) -> None:
    bot = fast_bot
    errors = record_errors(bot.app)
    await start_deadlift(bot)
    bot.emulator.add_fault(Fault(method="sendMessage", kind="429", count=2, retry_after=1))
    started = time.monotonic()
    assert "Logged set 1: 225 lb x 6 (2 left)" in texts(await bot.say("6 2"))
    assert time.monotonic() - started >= 2  # retry_after honoured, twice
    bot.emulator.add_fault(Fault(method="getUpdates", kind="429", count=1, retry_after=1))
    bot.emulator.add_fault(Fault(method="answerCallbackQuery", kind="429", count=1))
    assert "How many more reps" in texts(await bot.say("5"))
    assert "Logged set 2: 235 lb x 5 (2 left)" in texts(await bot.press("2"))
    assert "Logged set 3:" in texts(await bot.say("6 1"))

    assert bot.emulator.faults.active == []
    assert await stored_sets(bot) == [(1, 6, 2), (2, 5, 2), (3, 6, 1)]
    assert [confirmations(bot, n) for n in (1, 2, 3)] == [1, 1, 1]
    assert errors == []


async def test_5xx_and_dropped_connections_are_retried_on_sends_and_polls(
    fast_bot: FastTimeoutHarness,
) -> None:
    bot = fast_bot
    errors = record_errors(bot.app)
    await start_deadlift(bot)
    bot.emulator.add_fault(Fault(method="sendMessage", kind="500", count=2))
    bot.emulator.add_fault(Fault(method="getUpdates", kind="502", count=2))
    assert "Logged set 1:" in texts(await bot.say("6 2"))
    bot.emulator.add_fault(Fault(method="sendMessage", kind="502", count=1))
    bot.emulator.add_fault(Fault(method="getUpdates", kind="drop", count=2))
    bot.emulator.add_fault(Fault(method="getUpdates", kind="500", count=1))
    assert "Logged set 2:" in texts(await bot.say("5 2"))
    assert "Logged set 3:" in texts(await bot.say("6 1"))

    assert bot.emulator.faults.active == []  # every fault fired
    assert await stored_sets(bot) == [(1, 6, 2), (2, 5, 2), (3, 6, 1)]
    assert [confirmations(bot, n) for n in (1, 2, 3)] == [1, 1, 1]
    assert errors == []


async def test_hung_and_half_answered_polls_lose_no_update(fast_bot: FastTimeoutHarness) -> None:
    bot = fast_bot
    await start_deadlift(bot)
    hang = 2 * BOT_API_TIMEOUT + 1  # longer than a poll may take: the bot gives up
    # `timeout`: held, then given up on; `slow`: the updates were picked, the answer lost.
    bot.emulator.add_fault(Fault(method="getUpdates", kind="timeout", delay=hang, count=1))
    bot.emulator.add_fault(Fault(method="getUpdates", kind="slow", delay=hang, count=1))
    assert "Logged set 1:" in texts(await bot.say("6 2"))
    assert "Logged set 2:" in texts(await bot.say("5 2"))

    assert bot.emulator.faults.active == []
    assert await stored_sets(bot) == [(1, 6, 2), (2, 5, 2)]
    assert [confirmations(bot, n) for n in (1, 2)] == [1, 1]


async def test_a_send_slower_than_the_timeout_but_done_is_not_sent_twice(
    fast_bot: FastTimeoutHarness,
) -> None:
    bot = fast_bot
    await start_deadlift(bot)
    bot.emulator.add_fault(
        Fault(method="sendMessage", kind="slow", delay=3 * BOT_API_TIMEOUT, count=1)
    )
    assert "Logged set 1:" in texts(await bot.say("6 2"))  # it reached Telegram: shown once
    assert "Logged set 2:" in texts(await bot.say("5 2"))

    assert await stored_sets(bot) == [(1, 6, 2), (2, 5, 2)]
    assert [confirmations(bot, n) for n in (1, 2)] == [1, 1]


async def test_a_send_that_may_not_have_arrived_is_not_guessed_at(
    fast_bot: FastTimeoutHarness,
) -> None:
    """A hung or cut send is ambiguous: the set is stored, the workout goes on, and the
    confirmation is not repeated (if it did arrive, the lifter would see it twice)."""
    bot = fast_bot
    await start_deadlift(bot)
    hang = 3 * BOT_API_TIMEOUT
    bot.emulator.add_fault(Fault(method="sendMessage", kind="timeout", delay=hang, count=1))
    bot.emulator.add_fault(Fault(method="sendMessage", kind="drop", count=1))
    assert await bot.say("6 2") == []
    assert await bot.say("5 2") == []
    assert "Logged set 3:" in texts(await bot.say("6 1"))

    assert await stored_sets(bot) == [(1, 6, 2), (2, 5, 2), (3, 6, 1)]
    assert [confirmations(bot, n) for n in (1, 2, 3)] == [0, 0, 1]


async def test_a_short_hang_is_waited_for(fast_bot: FastTimeoutHarness) -> None:
    bot = fast_bot
    await start_deadlift(bot)
    short = BOT_API_TIMEOUT / 4
    bot.emulator.add_fault(Fault(method="sendMessage", kind="timeout", delay=short, count=1))
    bot.emulator.add_fault(Fault(method="getUpdates", kind="timeout", delay=short, count=1))
    assert "Logged set 1:" in texts(await bot.say("6 2"))
    assert "Logged set 2:" in texts(await bot.say("5 2"))
    assert [confirmations(bot, n) for n in (1, 2)] == [1, 1]
