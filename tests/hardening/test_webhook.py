"""Webhook mode: only Telegram (who knows the secret) gets updates in; the platform's
health check answers on the same port."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import build_application
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import InboxUpdate
from bot.localapi import BotApiEmulator
from bot.logs import RateLimitedWarning
from bot.webhook import SECRET_HEADER, Webhook, WebhookServer
from tests.hardening.conftest import COACH_VARIABLES, free_port, rows_of, wait_handled
from tests.harness import LIFTER, TEST_TOKEN, BotHarness, texts

SECRET = "s3cret-only-telegram-knows"


@dataclass
class Hooked:
    """The coach behind its webhook server, and the URL Telegram posts to."""

    bot: BotHarness
    url: str


@pytest.fixture
async def hooked(emulator: BotApiEmulator, db: Database) -> AsyncIterator[Hooked]:
    """The coach behind its webhook server; the emulator posts updates to it."""
    harness = BotHarness(emulator=emulator, db=db)
    port = free_port()
    settings = harness.settings().model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}",
            "webhook_secret": SecretStr(SECRET),
            "webhook_listen": "127.0.0.1",
            "port": port,
        }
    )
    harness.app = build_application(settings, db=db, clock=harness.clock)
    server = WebhookServer(harness.app, Webhook.from_settings(settings))
    await server.start()
    yield Hooked(harness, server.webhook.url)
    await server.stop()
    harness.app = None


def forged(update_id: int, text: str, user: int = LIFTER) -> dict[str, Any]:
    """An update as Telegram would post it, from the lifter."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": user, "is_bot": False, "first_name": "Lifter"},
            "chat": {"id": user, "type": "private", "first_name": "Lifter"},
            "date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_only_requests_with_the_secret_get_in(hooked: Hooked) -> None:
    bot, url = hooked.bot, hooked.url
    assert "I'm your upper-back coach" in texts(await bot.say("/start"))  # via Telegram
    assert bot.emulator.webhook.url == url and bot.emulator.webhook.secret_token == SECRET
    before = await rows_of(bot.db, LIFTER)

    async with httpx.AsyncClient() as client:
        for headers in ({}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: SECRET + "x"}):
            response = await client.post(url, json=forged(90_001, "/workout"), headers=headers)
            assert response.status_code == 403
        assert await rows_of(bot.db, LIFTER) == before
        assert bot.new_messages() == []

        right = {SECRET_HEADER: SECRET}
        assert (await client.post(url, content=b"not json", headers=right)).status_code == 400
        response = await client.post(url, json=forged(90_002, "/workout"), headers=right)
        assert response.status_code == 200
    await wait_handled(bot, 90_002)
    assert "Deadlift (1 of 5)" in texts(bot.new_messages())
    assert await rows_of(bot.db, LIFTER) != before


async def test_updates_posted_at_once_are_each_answered_once(
    hooked: Hooked,
) -> None:
    """Telegram posts different chats' updates at once: each is answered, and an update
    posted twice at once is answered once."""
    bot, url = hooked.bot, hooked.url
    lifters = [LIFTER + n for n in range(6)]
    for lifter in lifters:
        await bot.say("/start", user=lifter)
    updates = [forged(91_000 + n, "/help", lifter) for n, lifter in enumerate(lifters)]
    async with httpx.AsyncClient() as client:
        answers = await asyncio.gather(
            *(client.post(url, json=u, headers={SECRET_HEADER: SECRET}) for u in updates),
            client.post(url, json=updates[0], headers={SECRET_HEADER: SECRET}),
        )
    assert [answer.status_code for answer in answers] == [200] * (len(updates) + 1)
    for update in updates:
        await wait_handled(bot, update["update_id"])
    for lifter in lifters:
        assert "/workout" in texts(bot.new_messages(lifter))
    assert [len(bot.new_messages(lifter)) for lifter in lifters] == [0] * len(lifters)


async def test_a_posted_update_is_stored_as_its_json_compact(hooked: Hooked) -> None:
    """The inbox keeps the body Telegram posted (not PTB's rewrite of the Update), in the
    same compact form as polled updates, whatever spacing the body had."""
    bot, url = hooked.bot, hooked.url
    update = forged(92_000, "/help Жим 💪")
    body = json.dumps(update, indent=2, ensure_ascii=False).encode()
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, content=body, headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200
    await wait_handled(bot, update["update_id"])
    async with bot.db.transaction() as session:
        query = select(InboxUpdate.payload).where(InboxUpdate.update_id == 92_000)
        stored = await session.scalar(query)
    assert stored == json.dumps(update, separators=(",", ":"))


async def test_health_endpoint_answers_on_the_same_port(hooked: Hooked) -> None:
    base = hooked.url.removesuffix("/telegram")
    async with httpx.AsyncClient(base_url=base) as client:
        health = await client.get("/healthz")
        assert (health.status_code, health.text) == (200, "ok")
        assert (await client.get("/telegram")).status_code == 405
        assert (await client.get("/anything-else")).status_code == 404


@pytest.mark.parametrize(
    ("url", "secret", "problem"),
    [
        ("https://coach.example.com", None, "WEBHOOK_SECRET"),
        ("https://coach.example.com", "no spaces allowed", "WEBHOOK_SECRET"),
        (None, SECRET, "WEBHOOK_URL"),
    ],
)
def test_webhook_settings_name_what_is_missing(
    url: str | None, secret: str | None, problem: str
) -> None:
    settings = Settings(webhook_url=url, webhook_secret=secret)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=problem):
        Webhook.from_settings(settings)


@pytest.mark.parametrize(
    ("given", "url", "path"),
    [
        ("https://coach.example.com", "https://coach.example.com/telegram", "/telegram"),
        ("https://coach.example.com/", "https://coach.example.com/telegram", "/telegram"),
        (
            "https://coach.example.com/hook/7f3a",
            "https://coach.example.com/hook/7f3a",
            "/hook/7f3a",
        ),
    ],
)
def test_a_bare_host_gets_the_default_path(given: str, url: str, path: str) -> None:
    hook = Webhook.from_settings(Settings(webhook_url=given, webhook_secret=SECRET))  # type: ignore[arg-type]
    assert (hook.url, hook.path) == (url, path)


@pytest.mark.slow
def test_webhook_mode_without_a_secret_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in COACH_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        env={**environment, "BOT_TOKEN": TEST_TOKEN, "WEBHOOK_URL": "https://coach.example.com"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "coach.db").exists()  # refused before touching anything


async def test_a_flood_of_forged_requests_writes_one_warning(
    hooked: Hooked, caplog: pytest.LogCaptureFixture
) -> None:
    """Anyone can post to the webhook; a forger's flood must not flood the log too."""
    caplog.set_level(logging.WARNING, logger="bot.webhook")
    async with httpx.AsyncClient() as client:
        for update_id in range(90_100, 90_200):
            wrong = {SECRET_HEADER: f"guess-{update_id}"}
            response = await client.post(hooked.url, json=forged(update_id, "/x"), headers=wrong)
            assert response.status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.webhook"]
    assert lines == ["refused webhook requests without the secret"]


def test_a_rate_limited_warning_says_how_many_it_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    warn = RateLimitedWarning(logging.getLogger("flood"), "refused", 60, clock=lambda: now[0])
    for second in range(150):
        now[0] = float(second)
        warn()
    lines = [r.getMessage() for r in caplog.records if r.name == "flood"]
    assert lines == ["refused", "refused (59 more not logged)", "refused (59 more not logged)"]
