"""How the sender handles each of Telegram's answers, against the emulator.

The Bot here uses PTB's plain transport (no retries of its own), so every answer
reaches the sender as Telegram gave it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.localapi import BotApiEmulator, Fault
from bot.replies import Reply
from bot.scheduling.reminders import Status
from bot.scheduling.sender import Pacer, Sender
from tests.harness import TEST_TOKEN

CHAT = 31


@pytest.fixture
async def sender(emulator: BotApiEmulator) -> AsyncIterator[Sender]:
    emulator.world.ensure_chat(CHAT, "private", emulator.world.ensure_user(CHAT))
    bot = Bot(TEST_TOKEN, base_url=emulator.base_url, request=HTTPXRequest(read_timeout=0.3))
    async with bot:
        yield Sender(bot, Pacer(time_scale=0.01), backoff=0.01)


async def test_a_flood_wait_is_waited_out_then_the_message_goes(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.add_fault(Fault(method="sendMessage", kind="429", count=1, retry_after=1))
    assert await sender.send(CHAT, Reply("hi")) == (Status.SENT, 2)
    assert emulator.sent_count(CHAT) == 1


async def test_server_errors_are_retried_with_backoff(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.add_fault(Fault(method="sendMessage", kind="500", count=2))
    assert await sender.send(CHAT, Reply("hi")) == (Status.SENT, 3)
    emulator.add_fault(Fault(method="sendMessage", kind="500", count=10))
    assert await sender.send(CHAT, Reply("hi")) == (Status.FAILED, 4)
    assert emulator.sent_count(CHAT) == 1


async def test_a_blocked_bot_is_reported_not_retried(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.block(CHAT)
    assert await sender.send(CHAT, Reply("hi")) == (Status.BLOCKED, 1)


async def test_an_unanswered_send_is_never_repeated(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.add_fault(Fault(method="sendMessage", kind="slow", count=1, delay=1.0))
    assert await sender.send(CHAT, Reply("hi")) == (Status.UNCONFIRMED, 1)
    assert emulator.sent_count(CHAT) == 1  # it did arrive: a retry would have doubled it


async def test_a_refused_message_fails_at_once(sender: Sender) -> None:
    assert await sender.send(404, Reply("hi")) == (Status.FAILED, 1)  # chat not found
