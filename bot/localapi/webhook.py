"""Webhook delivery: POST queued updates to the bot, in order, one at a time.

Like Telegram, a non-2xx answer (or a connection failure) is retried with a
backoff and recorded in getWebhookInfo's ``last_error_*`` fields; a 2xx
confirms the update. Backoff here is short (50 ms doubling up to 1 s) so
tests of a flaky receiver stay fast.
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
        backoff = BACKOFF_START
        queue = self.world.updates
        while self.url:
            batch = queue.select(0, 1)
            if not batch:
                await self.world.signal.wait()
                continue
            entry = batch[0]
            if await self._post(entry.payload):
                entry.delivered = True
                queue.remove(entry)
                backoff = BACKOFF_START
                continue
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)

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
