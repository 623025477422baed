"""Retry Bot API calls when, and only when, a retry cannot make anything happen twice.

A call is repeated when Telegram certainly did not act on it: a 429 (after the
`retry_after` it asks for), a 500/502/503 from its front end, or a request that never
left (no connection, no free connection in the pool, the upload stalled). A read
timeout or a connection dropped before the answer is different: Telegram may have
sent the message already, and the lifter must never see a confirmation twice. Then
only calls that are safe to repeat (reads such as getUpdates, and settings such as
setMyCommands) are retried; a send is given up and logged. Its set is stored either
way, and the rest timer still brings the next target.

The policy sits in the transport, `HTTPXRequest.do_request`, python-telegram-bot's
documented extension point, so every call gets it: handlers, jobs and start-up alike.
One exception: calls made inside `paced()` are tried once and every failure handed back.
Their caller spaces its sends and retries itself (`bot.scheduling.sender`), so retries
happen in one place: a repeat from here would skip that spacing, and both repeating
made up to 16 requests of one reminder.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx
from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503})
# httpx failures that mean the request never reached Telegram.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout)
# Methods whose repetition changes nothing (lower case); everything named get* as well.
REPEATABLE = frozenset({"setmycommands", "deletemycommands", "setwebhook", "deletewebhook"})

_PACED: ContextVar[bool] = ContextVar("paced", default=False)
_LOST: ContextVar[list[str] | None] = ContextVar("lost", default=None)
# Methods that say something to a lifter; one that fails leaves them without an answer.
SAYING = ("send", "edit", "copy", "forward")


@contextmanager
def paced() -> Iterator[None]:
    """Calls made inside are tried once: the caller retries in its own pacing."""
    token = _PACED.set(True)
    try:
        yield
    finally:
        _PACED.reset(token)


@contextmanager
def watching_sends() -> Iterator[list[str]]:
    """Collect, in the list yielded, the methods that said something and failed for good
    inside (a 5xx, a 429, no answer): the update processor then owes the lifter an answer."""
    lost: list[str] = []
    token = _LOST.set(lost)
    try:
        yield lost
    finally:
        _LOST.reset(token)


def _note_lost(endpoint: str) -> None:
    lost = _LOST.get()
    if lost is not None and endpoint.lower().startswith(SAYING):
        lost.append(endpoint)


def repeatable(method: str) -> bool:
    """Whether calling this Bot API method twice has the same effect as calling it once."""
    method = method.lower()
    return method.startswith("get") or method in REPEATABLE


def retry_after(payload: bytes) -> float | None:
    """The `parameters.retry_after` of a 429 answer, if it has one."""
    try:
        value = json.loads(payload)["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry."""

    attempts: int = 4  # in all, the first one included
    backoff: float = 0.25  # pause after the first 5xx or lost connection, doubled each time
    max_retry_after: float = 30.0  # a longer flood wait fails the call instead of stalling

    def pause(self, attempt: int) -> float:
        """The pause before attempt `attempt + 1` after a failure that named no wait."""
        return self.backoff * 2 ** (attempt - 1)


class RetryingRequest(HTTPXRequest):
    """PTB's HTTPX transport with the retry policy above."""

    def __init__(self, policy: RetryPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy or RetryPolicy()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the method name; the URL itself holds the token
        attempts = 1 if _PACED.get() else self.policy.attempts
        attempt = 1
        while True:
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except NetworkError as error:
                cause = error.__cause__
                if attempt >= attempts or not (isinstance(cause, NOT_SENT) or repeatable(endpoint)):
                    _note_lost(endpoint)
                    raise
                pause, reason = self.policy.pause(attempt), type(cause or error).__name__
            else:
                if code not in RETRY_STATUSES or attempt >= attempts:
                    if code == 429 or code >= 500:
                        _note_lost(endpoint)
                    return code, payload
                pause = self.policy.pause(attempt)
                if code == 429:
                    wait = retry_after(payload)
                    if wait is None or wait > self.policy.max_retry_after:
                        _note_lost(endpoint)
                        return code, payload
                    pause = wait
                reason = f"HTTP {code}"
            log.warning(
                "Bot API %s failed (%s), attempt %d of %d; retrying in %.2f s",
                endpoint,
                reason,
                attempt,
                attempts,
                pause,
            )
            await asyncio.sleep(pause)
            attempt += 1
