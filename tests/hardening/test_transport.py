"""The coach's transport (`bot.retry.RetryingRequest`) against the emulator: what it sends
arrives intact, its timeouts are PTB's, and what never left is retried while what may
have arrived is not."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.localapi import BotApiEmulator, Fault
from bot.messaging import send_text
from bot.retry import NOT_SENT, RetryingRequest, RetryPolicy
from tests.harness import TEST_TOKEN

CHAT = 41
QUICK = RetryPolicy(attempts=3, backoff=0.05)


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def transport(attempts: list[str], **kwargs: Any) -> RetryingRequest:
    """A RetryingRequest that notes each attempt at a new message in `attempts`."""
    request = RetryingRequest(QUICK, **kwargs)
    request.on_message = lambda: attempts.append("attempt")
    return request


@pytest.fixture
async def chat(emulator: BotApiEmulator) -> AsyncIterator[BotApiEmulator]:
    emulator.world.ensure_chat(CHAT, "private", emulator.world.ensure_user(CHAT))
    yield emulator


async def test_json_calls_and_uploads_arrive_intact(chat: BotApiEmulator) -> None:
    bot = Bot(TEST_TOKEN, base_url=chat.base_url, request=RetryingRequest(read_timeout=2))
    keyboard = {"inline_keyboard": [[{"text": "Done ✓", "callback_data": "done"}]]}
    async with bot:
        await send_text(bot, CHAT, "Set 1: 100 kg × 7", keyboard)
        await bot.send_document(CHAT, b"set,reps\n1,7\n", filename="sets.csv")

    text, document = chat.messages(CHAT)
    assert (text.text, text.labels) == ("Set 1: 100 kg × 7", ["Done ✓"])
    assert (document.document, document.filename) == (b"set,reps\n1,7\n", "sets.csv")


async def test_a_long_poll_may_outlast_the_default_read_timeout(chat: BotApiEmulator) -> None:
    bot = Bot(TEST_TOKEN, base_url=chat.base_url, request=RetryingRequest(read_timeout=0.2))
    async with bot:
        assert await bot.get_updates(timeout=1) == ()


async def test_a_send_that_never_left_is_retried_and_says_so(chat: BotApiEmulator) -> None:
    attempts: list[str] = []
    nobody = f"http://127.0.0.1:{closed_port()}/bot"
    request = transport(attempts)
    bot = Bot(TEST_TOKEN, base_url=nobody, request=request)  # not initialized: no getMe
    try:
        with pytest.raises(NetworkError) as failure:
            await send_text(bot, CHAT, "hi", None)
    finally:
        await request.shutdown()
    assert isinstance(failure.value.__cause__, NOT_SENT)
    assert len(attempts) == QUICK.attempts


async def test_a_send_waiting_for_a_busy_connection_is_retried_not_lost(
    chat: BotApiEmulator,
) -> None:
    """One connection, held by a slow call: the send gives up waiting for it (it never
    left), is retried, and arrives once."""
    attempts: list[str] = []
    request = transport(
        attempts, connection_pool_size=1, pool_timeout=0.05, connect_timeout=0.05, read_timeout=2
    )
    bot = Bot(TEST_TOKEN, base_url=chat.base_url, request=request)
    async with bot:
        chat.add_fault(Fault(method="getMe", kind="timeout", delay=0.12, count=1))
        held = asyncio.ensure_future(bot.get_me())
        await asyncio.sleep(0.02)
        await send_text(bot, CHAT, "hi", None)
        await held
    assert len(attempts) > 1
    assert [m.text for m in chat.messages(CHAT)] == ["hi"]


async def test_a_send_answered_too_late_is_not_repeated(chat: BotApiEmulator) -> None:
    attempts: list[str] = []
    chat.add_fault(Fault(method="sendMessage", kind="slow", delay=0.5, count=1))
    bot = Bot(TEST_TOKEN, base_url=chat.base_url, request=transport(attempts, read_timeout=0.1))
    async with bot:
        with pytest.raises(TimedOut) as failure:
            await send_text(bot, CHAT, "hi", None)
    assert not isinstance(failure.value.__cause__, NOT_SENT)
    assert (len(attempts), chat.sent_count(CHAT)) == (1, 1)
