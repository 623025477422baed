"""Bot messages carry when the emulator received them, so benchmarks can time replies."""

from __future__ import annotations

import time

import httpx
from telegram import Bot

from bot.localapi import BotApiEmulator
from tests.localapi.conftest import USER


async def test_a_bot_message_says_when_it_arrived_in_process_and_over_http(
    emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    await emu.send_text(USER, "hi")
    before = time.time()
    await bot.send_message(USER, "first")
    await bot.send_message(USER, "second")
    after = time.time()

    first, second = emu.messages(USER)
    assert before <= first.sent_at <= second.sent_at <= after
    answer = (await http.get("/_emulator/messages", params={"chat_id": USER})).json()
    assert [m["sent_at"] for m in answer["messages"]] == [first.sent_at, second.sent_at]
