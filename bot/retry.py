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
made up to 16 requests of one reminder. Every other attempt to put a message in a chat
is told to `on_message`, so the reminders' pacer leaves it room (`bot.scheduling.budget`).

Calls without files go over aiohttp as JSON, not over PTB's httpx client: measured in
one process against the emulator (`python -m benchmarks.reply_cost`), a sendMessage
cost about 1.5 ms of CPU through httpx (httpcore, h11 and anyio underneath), whatever
the pool size or the number in flight, and about a fifth of that through aiohttp. Uploads
keep httpx, which has the write timeout (an upload that stalls never left). Both raise
PTB's errors with the client's own exception as the cause, which says whether the
request left (`NOT_SENT`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503})


class NotSent(Exception):
    """aiohttp's failure (the cause) left nothing with Telegram: no connection could be
    made, or none was free in time."""


# Client failures that mean the request never reached Telegram.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteTimeout,
    NotSent,
)
JSON = {"Content-Type": "application/json"}
# Methods whose repetition changes nothing (lower case); everything named get* as well.
REPEATABLE = frozenset({"setmycommands", "deletemycommands", "setwebhook", "deletewebhook"})

_PACED: ContextVar[bool] = ContextVar("paced", default=False)
_LOST: ContextVar[list[str] | None] = ContextVar("lost", default=None)
# Methods that say something to a lifter; one that fails leaves them without an answer.
SAYING = ("send", "edit", "copy", "forward")
# Those that put a new message in a chat: Telegram's 30 a second counts them.
NEW_MESSAGE = ("send", "copy", "forward")


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


def new_message(method: str) -> bool:
    """Whether this Bot API method puts a new message in a chat."""
    method = method.lower()
    return method.startswith(NEW_MESSAGE) and method != "sendchataction"


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


Timeout = float | None | DefaultValue[None]


def _cause(error: aiohttp.ClientError) -> BaseException:
    """The cause to give PTB's error: `NotSent` (caused by `error`) if nothing left."""
    import aiohttp

    if not isinstance(error, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return error
    not_sent = NotSent(str(error))
    not_sent.__cause__ = error
    return not_sent


def _given(value: Timeout, default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


class RetryingRequest(HTTPXRequest):
    """PTB's transport with the retry policy above: JSON calls over aiohttp, uploads over
    PTB's httpx client; both take PTB's timeouts and pool size."""

    def __init__(
        self, policy: RetryPolicy | None = None, *, connection_pool_size: int = 256, **kwargs: Any
    ) -> None:
        super().__init__(connection_pool_size=connection_pool_size, **kwargs)
        self.policy = policy or RetryPolicy()
        # Told before each attempt of a new message outside `paced()` (the send budget).
        self.on_message: Callable[[], None] | None = None
        self._pool_size = connection_pool_size
        self._http: aiohttp.ClientSession | None = None  # made in the loop that first calls

    def _session(self) -> aiohttp.ClientSession:
        import aiohttp  # on the first call, not at start-up (tests/test_startup_imports.py)

        if self._http is None or self._http.closed:
            # httpx's certificates (certifi), not the system's: the trust PTB's client had.
            tls = httpx.create_ssl_context()
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._http

    async def shutdown(self) -> None:
        """Close both clients."""
        if self._http is not None:
            await self._http.close()
        await super().shutdown()

    def _timeout(self, read: Timeout, connect: Timeout, pool: Timeout) -> aiohttp.ClientTimeout:
        """PTB's timeouts as aiohttp's: `connect` there is the wait for a free connection
        and the connecting together; `sock_read`, as httpx's read, each wait for data."""
        import aiohttp

        defaults = self._client.timeout
        read_s = _given(read, defaults.read)
        connect_s = _given(connect, defaults.connect)
        pool_s = _given(pool, defaults.pool)
        both = None if connect_s is None or pool_s is None else connect_s + pool_s
        return aiohttp.ClientTimeout(connect=both, sock_connect=connect_s, sock_read=read_s)

    async def _send_json(
        self, url: str, method: str, request_data: RequestData | None, waits: aiohttp.ClientTimeout
    ) -> tuple[int, bytes]:
        """One call over aiohttp, its failures as PTB's (`TimedOut` for every timeout)."""
        import aiohttp

        body = None if request_data is None else json.dumps(request_data.parameters)
        try:
            async with self._session().request(
                method, url, data=body, headers=JSON, timeout=waits, allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except aiohttp.ClientError as error:
            kind = TimedOut if isinstance(error, aiohttp.ServerTimeoutError) else NetworkError
            raise kind(f"aiohttp.{type(error).__name__}: {error}") from _cause(error)

    async def _attempt(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        timeouts: tuple[Timeout, Timeout, Timeout, Timeout],  # read, write, connect, pool
    ) -> tuple[int, bytes]:
        read, write, connect, pool = timeouts
        if request_data is not None and request_data.contains_files:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read,
                write_timeout=write,
                connect_timeout=connect,
                pool_timeout=pool,
            )
        # A JSON body goes out in one write: no write timeout to apply.
        return await self._send_json(url, method, request_data, self._timeout(read, connect, pool))

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
        own_pace = _PACED.get()
        attempts = 1 if own_pace else self.policy.attempts
        on_message = None if own_pace or not new_message(endpoint) else self.on_message
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        attempt = 1
        while True:
            if on_message is not None:
                on_message()
            try:
                code, payload = await self._attempt(url, method, request_data, timeouts)
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
