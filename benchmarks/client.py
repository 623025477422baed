"""The user side of a benchmark: the emulator's `/_emulator/...` control endpoints over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from benchmarks.processes import Child

POLL = 0.01  # seconds between looks at the emulator's counters while waiting
PUSH_CONCURRENCY = 32


class EmulatorError(RuntimeError):
    """A control endpoint answered with an error."""


class EmulatorClient:
    """Plays the users and reads the emulator's counters, from another process."""

    def __init__(self, url: str, process: Child) -> None:
        self.url = url
        self.process = process
        self._http: aiohttp.ClientSession | None = None

    @property
    def bot_api_url(self) -> str:
        """What a bot's BOT_API_URL must be."""
        return f"{self.url}/bot"

    async def __aenter__(self) -> EmulatorClient:
        connector = aiohttp.TCPConnector(limit=PUSH_CONCURRENCY * 2)
        self._http = aiohttp.ClientSession(
            self.url, connector=connector, timeout=aiohttp.ClientTimeout(total=120)
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._http is not None:
            await self._http.close()

    async def _call(self, verb: str, name: str, **kwargs: Any) -> dict[str, Any]:
        assert self._http is not None, "use the client as an async context manager"
        async with self._http.request(verb, f"/_emulator/{name}", **kwargs) as response:
            body: dict[str, Any] = await response.json()
        if not body.get("ok"):
            raise EmulatorError(f"{name}: {body.get('error')}")
        return body

    # -- users -------------------------------------------------------------------------

    async def send_text(self, user_id: int, text: str) -> int:
        """A lifter sends `text`; the update id it was queued under."""
        body = await self._call("POST", "send_text", json={"user_id": user_id, "text": text})
        return int(body["update_id"])

    async def press_label(self, user_id: int, label: str) -> int:
        """A lifter presses the button labelled `label` on the bot's latest keyboard."""
        body = await self._call("POST", "press_label", json={"user_id": user_id, "label": label})
        return int(body["update_id"])

    async def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (with its own `update_id`, if it has one); the id used."""
        body = await self._call("POST", "push_update", json={"update": update})
        return int(body["update_id"])

    async def push_all(self, messages: Iterable[tuple[int, str]]) -> int:
        """Queue every (user, text) as fast as possible, each user's in the given order.

        Returns the highest update id queued.
        """
        by_user: dict[int, list[str]] = defaultdict(list)
        for user_id, text in messages:
            by_user[user_id].append(text)
        gate = asyncio.Semaphore(PUSH_CONCURRENCY)
        highest = 0

        async def one_user(user_id: int, texts: list[str]) -> None:
            nonlocal highest
            for text in texts:
                async with gate:
                    highest = max(highest, await self.send_text(user_id, text))

        await asyncio.gather(*(one_user(u, t) for u, t in by_user.items()))
        return highest

    async def introduce(self, user_ids: Iterable[int], token: str) -> None:
        """Lifters who wrote to the bot before: their chats exist, nothing is left pending.

        Telegram only delivers to chats whose user has started the bot. Each lifter sends
        /start, and the updates are confirmed at once through getUpdates, as a bot that
        handled them long ago would have.
        """
        last = await self.push_all((user_id, "/start") for user_id in user_ids)
        assert self._http is not None
        async with self._http.post(
            f"/bot{token}/getUpdates", json={"offset": last + 1, "timeout": 0}
        ) as response:
            if response.status != 200:
                raise EmulatorError(f"getUpdates: HTTP {response.status}")

    # -- configuration -----------------------------------------------------------------

    async def rate_limit(self, **limit: float) -> None:
        """Enforce Telegram's send limits (see `bot.localapi.RateLimit`)."""
        await self._call("POST", "rate_limit", json=limit)

    async def add_fault(self, **fault: Any) -> None:
        """Inject a fault (see `bot.localapi.Fault`)."""
        await self._call("POST", "faults", json=fault)

    # -- inspection --------------------------------------------------------------------

    async def stats(self) -> dict[str, Any]:
        """Counters: messages sent (total and by chat), 429s, pending updates..."""
        return await self._call("GET", "stats")

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat, oldest first, each with its `sent_at`."""
        body = await self._call("GET", "messages", params={"chat_id": str(chat_id)})
        return list(body["messages"])

    async def all_messages(self, chat_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """`messages` of many chats."""
        gate = asyncio.Semaphore(PUSH_CONCURRENCY)

        async def one(chat_id: int) -> list[dict[str, Any]]:
            async with gate:
                return await self.messages(chat_id)

        ids = list(chat_ids)
        return dict(zip(ids, await asyncio.gather(*(one(c) for c in ids)), strict=True))

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """The chat's messages once it has at least `count`; EmulatorError if it times out."""
        body = await self._call(
            "POST",
            "wait_for_messages",
            json={"chat_id": chat_id, "count": count, "timeout": timeout},
        )
        return list(body["messages"])

    async def methods_called(self, limit: int = 100) -> list[str]:
        """Bot API methods of the latest requests, oldest first."""
        body = await self._call("GET", "requests", params={"limit": str(limit)})
        return [request["method"] for request in body["requests"]]

    # -- waiting -----------------------------------------------------------------------

    async def wait_for_polling(self, bot: Child, timeout: float = 60.0) -> float:  # noqa: ASYNC109
        """Wait for the bot's first getUpdates; the wall-clock time it was seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "getUpdates" in await self.methods_called():
                return time.time()
            bot.check_alive()
            await asyncio.sleep(POLL)
        raise TimeoutError(f"{bot.name} did not poll within {timeout} s")

    async def wait_until_quiet(
        self,
        *,
        sent_at_least: int,
        confirmed_past: int,
        quiet: float = 0.3,
        timeout: float = 600.0,  # noqa: ASYNC109
        bot: Child | None = None,
        poll: float = POLL,
    ) -> tuple[float, dict[str, Any]]:
        """Wait until the bot took every update up to `confirmed_past`, sent at least
        `sent_at_least` messages in all, and then sent nothing more for `quiet` seconds.

        Returns when (wall clock) the last message was seen (within `poll` seconds), and
        the final stats. The stats hold a counter per chat: with thousands of chats, poll
        slowly, or the emulator spends its time encoding them.
        """
        deadline = time.monotonic() + timeout
        last_sent, last_change = -1, time.time()
        while time.monotonic() < deadline:
            stats = await self.stats()
            now = time.time()
            if stats["sent"] != last_sent:
                last_sent, last_change = stats["sent"], now
            done = stats["sent"] >= sent_at_least and stats["confirmed_offset"] > confirmed_past
            if done and now - last_change >= quiet:
                return last_change, stats
            if bot is not None:
                bot.check_alive()
            await asyncio.sleep(poll)
        raise TimeoutError(
            f"the bot did not finish within {timeout} s: {last_sent} sent, "
            f"{sent_at_least} expected at least"
        )
