"""Webhook mode: deliveries to a small aiohttp receiver, retries, 409 on getUpdates."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from bot.localapi import BotApiEmulator
from bot.localapi.notifier import Signal
from bot.localapi.validation import Spec
from bot.localapi.webhook import _ChatLines
from tests.localapi.conftest import USER, assert_shape, call


@dataclass
class Receiver:
    """Collects webhook POSTs; answers with the queued statuses first, then 200."""

    url: str = ""
    received: asyncio.Queue[tuple[dict[str, Any], str | None]] = field(
        default_factory=asyncio.Queue
    )
    statuses: list[int] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        await self.received.put((body, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def next(self) -> tuple[dict[str, Any], str | None]:
        return await asyncio.wait_for(self.received.get(), 5)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield target
    await runner.cleanup()


async def test_webhook_delivers_with_secret(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver, spec: Spec
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-Token")
    first = await emu.send_text(USER, "/start")
    second = await emu.send_text(USER, "row 3x10")
    body, secret = await receiver.next()
    assert secret == "s3cr3t-Token" and body["update_id"] == first
    assert_shape(spec, "Update", body)
    body, _ = await receiver.next()
    assert body["update_id"] == second and body["message"]["text"] == "row 3x10"
    await emu.wait_confirmed(second)
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()


async def test_webhook_retries_non_2xx(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver, http: httpx.AsyncClient, spec: Spec
) -> None:
    receiver.statuses = [500, 502]
    await bot.set_webhook(receiver.url)
    update_id = await emu.send_text(USER, "hello")
    attempts = [await receiver.next() for _ in range(3)]
    assert {body["update_id"] for body, _ in attempts} == {update_id}
    await emu.wait_confirmed(update_id)
    raw = (await call(http, "getWebhookInfo")).json()["result"]
    assert_shape(spec, "WebhookInfo", raw)
    assert raw["last_error_message"] == "Wrong response from the webhook: 502 Bad Gateway"
    assert isinstance(raw["last_error_date"], int)


async def test_delete_webhook_returns_to_polling(
    emu: BotApiEmulator, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 1000  # the receiver keeps failing, so updates stay queued
    await bot.set_webhook(receiver.url)
    update_id = await emu.send_text(USER, "queued")
    await receiver.next()
    assert await bot.delete_webhook()
    [update] = await bot.get_updates()
    assert update.update_id == update_id
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def test_set_webhook_ends_a_parked_poll(
    emu: BotApiEmulator, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    poll = asyncio.create_task(call(http, "getUpdates", timeout=5))
    assert await emu.world.signal.wait_for(lambda: emu.methods.waiting_polls == 1, 5)
    assert (await call(http, "setWebhook", url=receiver.url)).json()["result"] is True
    reply = await asyncio.wait_for(poll, 2)
    assert reply.status_code == 409
    bad = await call(http, "setWebhook", url="ftp://example.com", secret_token="x")
    assert bad.json()["description"] == (
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    )
    bad_secret = await call(http, "setWebhook", url=receiver.url, secret_token="no spaces!")
    assert bad_secret.status_code == 400


@dataclass
class HoldingReceiver:
    """Answers each POST only when the test releases its update id."""

    url: str = ""
    arrived: list[int] = field(default_factory=list)
    released: dict[int, asyncio.Event] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def gate(self, update_id: int) -> asyncio.Event:
        return self.released.setdefault(update_id, asyncio.Event())

    async def handle(self, request: web.Request) -> web.Response:
        update_id = json.loads(await request.read())["update_id"]
        self.arrived.append(update_id)
        self.changed.set()
        await self.gate(update_id).wait()
        return web.Response()

    async def wait_arrived(self, count: int) -> list[int]:
        async with asyncio.timeout(5):
            while len(self.arrived) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.arrived


async def test_webhook_sends_each_chat_in_order_and_chats_at_once(
    emu: BotApiEmulator, bot: Bot
) -> None:
    """As Telegram: a chat's next update waits for the last one's answer; another
    chat's update does not wait for it."""
    target = HoldingReceiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
        first = await emu.send_text(USER, "6")
        second = await emu.send_text(USER, "2")
        other = await emu.send_text(USER + 1, "/workout")
        assert await target.wait_arrived(2) == [first, other]  # the other chat did not wait
        await asyncio.sleep(0.2)
        assert target.arrived == [first, other]  # the second "2" waits for the "6"'s answer
        target.gate(other).set()
        await emu.wait_confirmed(other)
        assert not emu.world.updates.is_confirmed(first)
        target.gate(first).set()
        assert await target.wait_arrived(3) == [first, other, second]
        target.gate(second).set()
        await emu.wait_confirmed(second)
        assert emu.stats()["confirmed_offset"] == other + 1  # all three confirmed
    finally:
        await runner.cleanup()


async def test_a_wait_of_no_time_still_gives_everyone_else_a_turn() -> None:
    """A loop that waits 0 s (a retry due now) must not hold the event loop: the
    emulator runs in the tests' process, and a frozen loop there hung a crash test."""
    others: list[str] = []

    async def other() -> None:
        others.append("ran")

    waiting = asyncio.create_task(other())
    assert await Signal().wait(0) is False
    assert others == ["ran"]
    await waiting


async def test_a_retry_with_nothing_left_to_deliver_is_forgotten() -> None:
    """A chat whose delivery failed and whose update is gone since (dropped) has nothing
    to retry: delivery must not count it as due for ever and spin."""
    async with BotApiEmulator() as emulator:
        lines = _ChatLines()
        lines.failed(USER)
        lines.retry_at[USER] = 0.0  # due long ago, and nothing queued for that chat
        assert emulator.webhook._ready(lines) == []
        assert lines.next_retry() is None
