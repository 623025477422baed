"""Answering a button press (the spinner) failing: a hang, a dropped connection, a long
flood wait. The press itself is still handled, every time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import WorkoutSet
from bot.localapi import Fault
from tests.hardening.conftest import BOT_API_TIMEOUT, FastTimeoutHarness, record_errors
from tests.harness import LIFTER, texts

pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)

STARTING_WEIGHTS = ["225", "135", "95", "50", "65"]  # the default plan's five exercises


async def test_every_press_is_handled_when_answering_it_fails(
    fast_bot: FastTimeoutHarness,
) -> None:
    bot = fast_bot
    errors = record_errors(bot.app)
    faults = [
        Fault(method="answerCallbackQuery", kind="429", retry_after=60, count=1),
        Fault(method="answerCallbackQuery", kind="drop", probability=0.4, seed=18),
        Fault(
            method="answerCallbackQuery",
            kind="timeout",
            delay=2 * BOT_API_TIMEOUT,
            probability=0.4,
            seed=81,
        ),
    ]
    for fault in faults:
        bot.emulator.add_fault(fault)

    await bot.say("/workout")
    for weight in STARTING_WEIGHTS:
        assert "Set 1 of 3" in texts(await bot.say(weight))
        for number in (1, 2, 3):
            assert "How many more reps" in texts(await bot.say("8"))
            assert f"Logged set {number}:" in texts(await bot.press("2")), (weight, number)

    async with bot.db.transaction() as session:
        query = select(WorkoutSet.rir).where(WorkoutSet.user_id == LIFTER)
        assert list(await session.scalars(query)) == [2] * 15
    assert [fault.fired > 0 for fault in faults] == [True, True, True]
    assert errors == []
