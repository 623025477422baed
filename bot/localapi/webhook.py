"""Webhook delivery: POST queued updates to the bot as Telegram does.

Each chat's updates go one at a time and in order: the next only once the last was
answered 2xx. Different chats' updates go at once, up to the webhook's
``max_connections`` requests in flight (40 unless set). A bot that answers only after
storing an update is therefore never sent a chat's next update before it has the last.

Like Telegram, a non-2xx answer (or a connection failure) is retried with a backoff,
the chat's later updates waiting behind it, and recorded in getWebhookInfo's
``last_error_*`` fields; a 2xx confirms the update. Backoff here is short (50 ms
doubling up to 1 s) so tests of a flaky receiver stay fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from http import HTTPStatus
from typing import Any

import aiohttp

from bot.localapi.state import World
from bot.localapi.updates import QueuedUpdate, update_type

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BACKOFF_START = 0.05
BACKOFF_MAX = 1.0
DELIVERY_TIMEOUT = 10.0


class WebhookDelivery:
    """The webhook configuration and its delivery task."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.ip_address: str | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        """Whether a webhook is set (getUpdates then answers 409)."""
        return bool(self.url)

    def configure(
        self,
        url: str,
        secret_token: str | None,
        max_connections: int,
        ip_address: str | None,
    ) -> None:
        """Set (or replace) the webhook and (re)start delivery."""
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        self.ip_address = ip_address
        self.last_error_date = None
        self.last_error_message = None
        self._restart()

    def remove(self) -> None:
        """Delete the webhook; updates stay queued for getUpdates."""
        self.url = ""
        self.secret_token = None
        self._cancel()
        self.world.signal.notify()

    def info(self) -> dict[str, Any]:
        """The WebhookInfo object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.ip_address:
                info["ip_address"] = self.ip_address
            if self.world.updates.allowed is not None:
                info["allowed_updates"] = sorted(self.world.updates.allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    def _restart(self) -> None:
        self._cancel()
        self._task = asyncio.get_running_loop().create_task(
            self._deliver_forever(), name="localapi-webhook"
        )
        self.world.signal.notify()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def close(self) -> None:
        """Stop delivering and close the HTTP client."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _deliver_forever(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)
            )
        lines = _ChatLines()
        try:
            while self.url:
                for entry, chat in self._ready(lines):
                    lines.busy[chat] = asyncio.get_running_loop().create_task(
                        self._deliver(entry, chat, lines)
                    )
                await self.world.signal.wait(lines.next_retry())
        finally:
            for task in lines.busy.values():
                task.cancel()

    def _ready(self, lines: _ChatLines) -> list[tuple[QueuedUpdate, object]]:
        """The first queued update of each chat with none in flight and no retry
        pending, oldest first, up to the free connections."""
        free = self.max_connections - len(lines.busy)
        ready: list[tuple[QueuedUpdate, object]] = []
        seen: set[object] = set()
        now = time.monotonic()
        for entry in self.world.updates.select(0, len(self.world.updates)):
            if len(ready) >= free:
                break
            chat = chat_of(entry.payload)
            if chat in seen:
                continue  # behind its chat's first update
            seen.add(chat)
            if chat not in lines.busy and lines.retry_at.get(chat, 0.0) <= now:
                ready.append((entry, chat))
        else:
            lines.forget_due(now, keep=seen)
        return ready

    async def _deliver(self, entry: QueuedUpdate, chat: object, lines: _ChatLines) -> None:
        try:
            if await self._post(entry.payload):
                entry.delivered = True
                self.world.updates.remove(entry)
                lines.succeeded(chat)
            else:
                lines.failed(chat)
        finally:
            del lines.busy[chat]
            self.world.signal.notify()

    async def _post(self, payload: dict[str, Any]) -> bool:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers[SECRET_HEADER] = self.secret_token
        try:
            async with self._session.post(
                self.url, data=json.dumps(payload), headers=headers
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return True
                try:
                    phrase = HTTPStatus(response.status).phrase
                except ValueError:
                    phrase = "Unknown"
                self._error(f"Wrong response from the webhook: {response.status} {phrase}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._error(f"Connection failed: {exc.__class__.__name__}")
        return False

    def _error(self, message: str) -> None:
        self.last_error_date = int(time.time())
        self.last_error_message = message


def chat_of(payload: dict[str, Any]) -> object:
    """Whose line an update waits in: its chat, else its sender; None for neither."""
    body = payload.get(update_type(payload))
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    chat = body.get("chat") or (message.get("chat") if isinstance(message, dict) else None)
    if isinstance(chat, dict) and "id" in chat:
        return chat["id"]
    sender = body.get("from")
    return ("user", sender["id"]) if isinstance(sender, dict) and "id" in sender else None


class _ChatLines:
    """Per chat: the delivery in flight, and the backoff after failed ones."""

    def __init__(self) -> None:
        self.busy: dict[object, asyncio.Task[None]] = {}
        self.retry_at: dict[object, float] = {}
        self._backoff: dict[object, float] = {}

    def succeeded(self, chat: object) -> None:
        self.retry_at.pop(chat, None)
        self._backoff.pop(chat, None)

    def failed(self, chat: object) -> None:
        backoff = self._backoff.get(chat, BACKOFF_START)
        self.retry_at[chat] = time.monotonic() + backoff
        self._backoff[chat] = min(backoff * 2, BACKOFF_MAX)

    def forget_due(self, now: float, *, keep: set[object]) -> None:
        """Forget the retries due by `now` of chats with nothing queued (`keep` are the
        chats with updates): a retry waiting for nothing would be due forever."""
        for chat in [c for c, at in self.retry_at.items() if at <= now and c not in keep]:
            if chat not in self.busy:
                del self.retry_at[chat]

    def next_retry(self) -> float | None:
        """Seconds until the earliest pending retry, None if there is none."""
        waiting = [at for chat, at in self.retry_at.items() if chat not in self.busy]
        return max(0.0, min(waiting) - time.monotonic()) if waiting else None
