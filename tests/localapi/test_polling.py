"""getUpdates semantics and a real PTB Application polling the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Update
from telegram.error import Conflict
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.localapi import BotApiEmulator
from tests.localapi.conftest import TOKEN, USER, call

POLL_TIMEOUT = 5  # long enough that a prompt answer proves long-poll wake-up


@pytest.fixture
async def echo_app(emu: BotApiEmulator) -> AsyncIterator[tuple[Application, list[int]]]:
    """A real polling Application with one echo handler; yields it and seen update ids."""
    seen: list[int] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)
        message = update.effective_message
        assert message is not None and message.text is not None
        await message.reply_text(message.text)

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=POLL_TIMEOUT, poll_interval=0)
        yield app, seen
        await app.updater.stop()
        await app.stop()


async def parked(emu: BotApiEmulator, count: int = 1) -> None:
    """Wait (event-driven) until ``count`` long polls are parked in the emulator."""
    assert await emu.world.signal.wait_for(lambda: emu.methods.waiting_polls == count, 5)


async def test_echo_app_round_trip(
    emu: BotApiEmulator, echo_app: tuple[Application, list[int]]
) -> None:
    _, seen = echo_app
    await parked(emu)
    loop = asyncio.get_running_loop()
    started = loop.time()
    update_id = await emu.send_text(USER, "3x8 rows")
    [reply] = await emu.wait_for_messages(USER, 1, timeout=POLL_TIMEOUT)
    assert loop.time() - started < 1.0  # the parked long poll answered at once
    assert reply.text == "3x8 rows"
    await emu.wait_confirmed(update_id)
    assert seen == [update_id]
    assert len(emu.world.updates) == 0


async def test_many_users_in_parallel(
    emu: BotApiEmulator, echo_app: tuple[Application, list[int]]
) -> None:
    for user in range(1, 51):
        await emu.send_text(user, f"hello {user}")
    for user in range(1, 51):
        [reply] = await emu.wait_for_messages(user, 1)
        assert reply.text == f"hello {user}"
    assert emu.sent_count() == 50


async def test_redeliver_gives_same_update_id_twice(
    emu: BotApiEmulator, echo_app: tuple[Application, list[int]]
) -> None:
    _, seen = echo_app
    update_id = await emu.send_text(USER, "once")
    await emu.wait_for_messages(USER, 1)
    await emu.wait_confirmed(update_id)
    assert await emu.redeliver(update_id) == update_id
    messages = await emu.wait_for_messages(USER, 2)
    assert [m.text for m in messages] == ["once", "once"]
    assert seen == [update_id, update_id]
    await emu.wait_confirmed(update_id)
    later = await emu.send_text(USER, "next")
    await emu.wait_for_messages(USER, 3)
    assert seen == [update_id, update_id, later]


async def test_offset_confirms_and_forgets(emu: BotApiEmulator, http: httpx.AsyncClient) -> None:
    ids = [await emu.send_text(USER, f"m{i}") for i in range(5)]
    first = (await call(http, "getUpdates", limit=2)).json()["result"]
    assert [u["update_id"] for u in first] == ids[:2]
    again = (await call(http, "getUpdates")).json()["result"]
    assert [u["update_id"] for u in again] == ids  # nothing confirmed yet
    rest = (await call(http, "getUpdates", offset=ids[2])).json()["result"]
    assert [u["update_id"] for u in rest] == ids[2:]
    assert len(emu.world.updates) == 3
    await emu.wait_confirmed(ids[1], timeout=0.1)
    last = (await call(http, "getUpdates", offset=-1)).json()["result"]
    assert [u["update_id"] for u in last] == ids[-1:]
    assert len(emu.world.updates) == 1
    assert (await call(http, "getUpdates", offset=ids[-1] + 1)).json()["result"] == []
    assert len(emu.world.updates) == 0


async def test_allowed_updates_filter(emu: BotApiEmulator, http: httpx.AsyncClient) -> None:
    await emu.send_text(USER, "hi")
    sent = await call(
        http,
        "sendMessage",
        chat_id=USER,
        text="menu",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    await emu.press(USER, sent.json()["result"]["message_id"], "a")
    got = (await call(http, "getUpdates", allowed_updates=["callback_query"])).json()["result"]
    assert [("callback_query" in u) for u in got] == [True]


async def test_long_poll_returns_on_update_and_on_timeout(
    emu: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    poll = asyncio.create_task(call(http, "getUpdates", timeout=POLL_TIMEOUT))
    await parked(emu)
    update_id = await emu.send_text(USER, "wake up")
    result = (await asyncio.wait_for(poll, 2)).json()["result"]
    assert [u["update_id"] for u in result] == [update_id]
    loop = asyncio.get_running_loop()
    started = loop.time()
    empty = await call(http, "getUpdates", offset=update_id + 1, timeout=1)
    assert empty.json()["result"] == [] and loop.time() - started >= 0.9


async def test_second_poll_terminates_the_first(
    emu: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(call(http, "getUpdates", timeout=POLL_TIMEOUT))
    await parked(emu)
    second = await call(http, "getUpdates", timeout=0)
    assert second.json() == {"ok": True, "result": []}
    reply = await asyncio.wait_for(first, 2)
    assert reply.status_code == 409
    assert reply.json()["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running"
    )


async def test_ptb_sees_conflict(emu: BotApiEmulator, http: httpx.AsyncClient) -> None:
    from telegram import Bot

    async with Bot(TOKEN, base_url=emu.base_url) as bot:
        first = asyncio.create_task(bot.get_updates(timeout=POLL_TIMEOUT))
        await parked(emu)
        await call(http, "getUpdates")
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)


async def test_stop_releases_parked_polls() -> None:
    emulator = BotApiEmulator()
    await emulator.start()
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        poll = asyncio.create_task(call(client, "getUpdates", timeout=30))
        await parked(emulator)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await emulator.stop()
        reply = await asyncio.wait_for(poll, 3)
        assert reply.json() == {"ok": True, "result": []}
        assert loop.time() - started < 2


async def test_request_log_and_queue_stay_bounded() -> None:
    async with (
        BotApiEmulator(request_log_size=50) as emulator,
        httpx.AsyncClient(base_url=emulator.url) as client,
    ):
        for _ in range(3):
            for i in range(2000):
                await emulator.send_text(1 + i % 7, "x")
            got = (await call(client, "getUpdates")).json()["result"]
            await call(client, "getUpdates", offset=got[-1]["update_id"] + 1)
            assert len(emulator.world.updates) == 1900  # 100 per call, rest still pending
            await call(client, "getUpdates", offset=-1)
            await call(client, "getUpdates", offset=emulator.world.updates.next_id)
            assert len(emulator.world.updates) == 0
        for _ in range(60):
            await call(client, "getMe")
        assert len(emulator.requests) == 50
