"""The local Telegram Bot API emulator: one object, a real HTTP server, a user side.

The real PTB ``Application`` talks to it over HTTP exactly as to
api.telegram.org; tests, benchmarks and ``coach chat`` play the users through
the async methods below (or the HTTP control endpoints) and inspect what the
bot sent.
"""

from __future__ import annotations

import asyncio
import copy
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.localapi.faults import Fault, FaultInjector, RateLimit, RateLimiter, RateStats
from bot.localapi.formatting import command_entities
from bot.localapi.methods import BotMethods
from bot.localapi.models import BotMessage
from bot.localapi.server import build_app
from bot.localapi.state import World, now
from bot.localapi.validation import Spec
from bot.localapi.webhook import WebhookDelivery

REQUEST_LOG_SIZE = 10_000
SHUTDOWN_TIMEOUT = 1.0


class BotApiEmulator:
    """A Telegram Bot API server on 127.0.0.1 plus in-process user controls.

    ``token_check``: reject tokens not shaped ``<digits>:<10+ chars>`` with 401.
    ``revoked_tokens``: tokens answered with 401 Unauthorized, as Telegram answers a
    token revoked in BotFather (add to it at any time).
    ``rate_limit``: enforce Telegram's send limits (None = unlimited).
    ``spec_path``: the Bot API reference JSON; default searches upward from the cwd
    and this package for ``shared/telegram-bot-api-spec/api.min.json`` and skips
    spec checks if there is none.
    ``first_update_id``: where update ids start. A bot that keeps a ledger of handled
    ids across runs (``coach chat --db``) needs a fresh emulator to continue above them.
    """

    def __init__(
        self,
        token_check: bool = True,
        rate_limit: RateLimit | None = None,
        spec_path: Path | None = None,
        *,
        request_log_size: int = REQUEST_LOG_SIZE,
        first_update_id: int = 1,
    ) -> None:
        self.token_check = token_check
        self.revoked_tokens: set[str] = set()
        self.world = World()
        self.world.updates.next_id = first_update_id
        self.spec = Spec(spec_path)
        self.rate_stats = RateStats()
        self.limiter = RateLimiter(rate_limit, self.rate_stats)
        self.faults = FaultInjector()
        self.webhook = WebhookDelivery(self.world)
        self.methods = BotMethods(self.world, self.spec, self.limiter, self.webhook)
        self.requests: deque[tuple[str, dict[str, Any]]] = deque(maxlen=request_log_size)
        self.in_flight = 0  # Bot API requests being handled right now
        self.host = "127.0.0.1"
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host:port`` (port 0 picks a free one, see :attr:`port`)."""
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        self.methods.closing = False
        runner = web.AppRunner(
            build_app(self),
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.host = host
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving; waiting long polls return at once."""
        self.methods.closing = True
        self.world.signal.notify()
        await self.webhook.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` of the running server."""
        if self.port is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    # -- configuration ----------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        """The active send limits (assignable at runtime)."""
        return self.limiter.limit

    @rate_limit.setter
    def rate_limit(self, limit: RateLimit | None) -> None:
        self.limiter.limit = limit
        self.limiter.reset()

    def add_fault(self, fault: Fault) -> Fault:
        """Inject a fault (see :class:`Fault`)."""
        return self.faults.add(fault)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def reset(self) -> None:
        """Back to an empty world: no chats, messages, updates, faults or webhook."""
        self.webhook.remove()
        self.world.reset()
        self.faults.clear()
        self.limiter.reset()
        self.rate_stats.clear()
        self.methods.callback_answers.clear()
        self.requests.clear()

    # -- user side ----------------------------------------------------------------

    def _private_or_group(
        self, user_id: int, chat_id: int | None, chat_type: str, first_name: str, is_bot: bool
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if user_id <= 0:
            raise ValueError(f"user ids are positive on Telegram, got {user_id}")
        target = user_id if chat_id is None else chat_id
        if chat_type == "private" and target != user_id:
            if target > 0:
                raise ValueError("a private chat's id is the user's id; groups have negative ids")
            chat_type = "group"
        user = self.world.ensure_user(user_id, first_name=first_name, is_bot=is_bot)
        chat = self.world.ensure_chat(target, chat_type, user)
        return user, chat

    def _user(self, user_id: int) -> dict[str, Any]:
        return self.world.users.get(user_id) or self.world.ensure_user(user_id)

    def _new_user_message(
        self, user: dict[str, Any], chat: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.world.next_message_id(chat["id"]),
            "from": dict(user),
            "chat": dict(chat),
            "date": now(),
            **content,
        }
        self.world.store(chat["id"], message, from_bot=False)
        return message

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Lifter",
        is_bot: bool = False,
    ) -> int:
        """A user writes ``text``; returns the queued update_id.

        Texts with commands get ``bot_command`` entities as Telegram adds them.
        A negative ``chat_id`` means a group chat.
        """
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        user, chat = self._private_or_group(user_id, chat_id, chat_type, first_name, is_bot)
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        message = self._new_user_message(user, chat, content)
        return self.world.updates.push({"message": copy.deepcopy(message)})

    async def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> int:
        """The user edits their earlier message: an ``edited_message`` update."""
        target = user_id if chat_id is None else chat_id
        stored = self.world.get_message(target, message_id)
        if stored is None or stored.from_bot or stored.data["from"]["id"] != user_id:
            raise LookupError(f"user {user_id} has no message {message_id} in chat {target}")
        data = stored.data
        data["text"] = text
        entities = command_entities(text)
        if entities:
            data["entities"] = entities
        else:
            data.pop("entities", None)
        data["edit_date"] = now()
        stored.edited = True
        return self.world.updates.push({"edited_message": copy.deepcopy(data)})

    async def press(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> int:
        """The user taps a button with ``data`` (need not be on the message: forgeries)."""
        target = user_id if chat_id is None else chat_id
        stored = self.world.get_message(target, message_id)
        if stored is None:
            raise LookupError(f"there is no message {message_id} in chat {target}")
        query = {
            "id": self.world.new_callback_id(),
            "from": dict(self._user(user_id)),
            "message": copy.deepcopy(stored.data),
            "chat_instance": str(abs(target) * 7919 + 4_611_686_018_427_387),
            "data": data,
        }
        return self.world.updates.push({"callback_query": query})

    async def press_label(self, user_id: int, label: str, *, chat_id: int | None = None) -> int:
        """Tap the button labelled ``label`` on the latest bot message that has it.

        An exact label wins over a case-insensitive one; a person scrolls up to the
        newest message showing that button, as `coach chat` scripts expect.
        """
        target = user_id if chat_id is None else chat_id
        keyboards = [
            self.world.to_bot_message(target, stored)
            for stored in reversed(self.world.messages.get(target, {}).values())
            if stored.from_bot and (stored.data.get("reply_markup") or {}).get("inline_keyboard")
        ]
        if not keyboards:
            raise LookupError(f"no bot message with an inline keyboard in chat {target}")
        for same in (str.__eq__, lambda a, b: a.casefold() == b.casefold()):
            for message in keyboards:
                chosen = next(
                    (b for row in message.buttons for b in row if same(b.label, label)), None
                )
                if chosen is None:
                    continue
                if chosen.data is None:
                    raise LookupError(
                        f"button {chosen.label!r} has no callback_data (url={chosen.url!r}); "
                        "pressing it sends nothing to the bot"
                    )
                return await self.press(user_id, message.message_id, chosen.data, chat_id=target)
        raise LookupError(
            f"no button labelled {label!r} in chat {target}; "
            f"the latest keyboard has {keyboards[0].labels!r}"
        )

    async def send_photo(
        self,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """The user sends a picture (compressed, as Telegram's photo button does)."""
        user, chat = self._private_or_group(user_id, chat_id, "private", "Lifter", False)
        body: dict[str, Any] = {"photo": self.world.files.add_photo(content)}
        if caption:
            body["caption"] = caption
        message = self._new_user_message(user, chat, body)
        return self.world.updates.push({"message": copy.deepcopy(message)})

    async def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        *,
        mime_type: str = "text/csv",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """The user sends a file; getFile + download then return ``content``."""
        user, chat = self._private_or_group(user_id, chat_id, "private", "Lifter", False)
        stored = self.world.files.add(content, "document", file_name=filename, mime_type=mime_type)
        body: dict[str, Any] = {"document": stored.document_object()}
        if caption:
            body["caption"] = caption
            entities = command_entities(caption)
            if entities:
                body["caption_entities"] = entities
        message = self._new_user_message(user, chat, body)
        return self.world.updates.push({"message": copy.deepcopy(message)})

    async def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (``update_id`` assigned if missing)."""
        self.world.register_from_update(update)
        return self.world.updates.push(copy.deepcopy(update))

    async def redeliver(self, update_id: int) -> int:
        """Queue an exact duplicate of an earlier update, same ``update_id``."""
        return self.world.updates.redeliver(update_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to their chat answer 403."""
        self.world.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self.world.blocked.discard(user_id)

    # -- inspection ---------------------------------------------------------------

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat now, oldest first."""
        return self.world.bot_messages(chat_id)

    def sent_count(self, chat_id: int | None = None) -> int:
        """Successful sendMessage/sendPhoto/sendDocument calls, total or per chat."""
        if chat_id is None:
            return self.world.sent_total
        return self.world.sent[chat_id]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """Parameters of every answerCallbackQuery (the last 5,000-10,000 kept)."""
        return self.methods.callback_answers

    @property
    def commands(self) -> list[dict[str, Any]]:
        """The command list of the last setMyCommands call."""
        return self.world.last_commands

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - public API, documented per call
    ) -> list[BotMessage]:
        """Wait until the bot has sent ``count`` messages to the chat in total."""
        reached = await self.world.signal.wait_for(
            lambda: self.world.sent[chat_id] >= count, timeout
        )
        if not reached:
            shown = [m.text if m.text is not None else m.caption for m in self.messages(chat_id)]
            raise TimeoutError(
                f"waited {timeout}s for {count} bot message(s) in chat {chat_id}; "
                f"{self.world.sent[chat_id]} sent, now in chat: {shown!r}; "
                f"{len(self.world.updates)} update(s) still unconfirmed"
            )
        return self.messages(chat_id)

    async def wait_confirmed(
        self,
        update_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - public API, documented per call
    ) -> None:
        """Wait until the bot confirmed the update (getUpdates offset or webhook 2xx)."""
        queue = self.world.updates
        if not await self.world.signal.wait_for(lambda: queue.is_confirmed(update_id), timeout):
            raise TimeoutError(
                f"update {update_id} not confirmed within {timeout}s; "
                f"pending: {queue.pending_ids()[:20]!r}"
            )

    def stats(self) -> dict[str, Any]:
        """Counters for benchmarks and the control endpoint."""
        return {
            "sent": self.world.sent_total,
            "sent_by_chat": {str(k): v for k, v in self.world.sent.items()},
            "rate": {**self.rate_stats.as_dict(), "window": self.limiter.window},
            "pending_updates": len(self.world.updates),
            "confirmed_offset": self.world.updates.confirmed_upto,
            "next_update_id": self.world.updates.next_id,
            "webhook": self.webhook.url,
            "requests_logged": len(self.requests),
            "faults_active": len(self.faults.active),
        }


async def serve(port: int, host: str = "127.0.0.1") -> None:
    """Run a standalone emulator until cancelled (``coach emulator --port N``)."""
    emulator = BotApiEmulator()
    await emulator.start(host=host, port=port)
    print(
        f"Bot API emulator on {emulator.url} (use BOT_API_URL={emulator.base_url})",
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()
