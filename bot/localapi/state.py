"""The emulated Telegram world: users, chats, messages, files, callback queries.

Messages are stored as the exact JSON Message objects Telegram returns, so
updates, method results and callback-query ``message`` fields all agree.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from bot.localapi.files import FileStore
from bot.localapi.models import BotMessage, Button
from bot.localapi.notifier import Signal
from bot.localapi.updates import UpdateQueue

BOT_FIRST_NAME = "Upper Back Coach"
BOT_USERNAME = "upper_back_coach_bot"
DEFAULT_BOT_ID = 7_000_000_001
CALLBACK_MEMORY = 100_000


@dataclass
class StoredMessage:
    """A message in a chat, as Telegram's JSON plus bookkeeping."""

    data: dict[str, Any]
    from_bot: bool
    edited: bool = False
    stored_at: float = field(default_factory=time.time)  # Unix time, for latency benchmarks


def now() -> int:
    """Telegram dates are Unix seconds."""
    return int(time.time())


class World:
    """Everything the emulated Telegram server remembers."""

    def __init__(self) -> None:
        self.signal = Signal()
        self.updates = UpdateQueue(self.signal)
        self.files = FileStore()
        self.bot_id = DEFAULT_BOT_ID
        self.bot_first_name = BOT_FIRST_NAME
        self.bot_username = BOT_USERNAME
        self._callback_counter = itertools.count(secrets.randbelow(10**12) * 1000 + 1)
        self.reset()

    def reset(self) -> None:
        """Forget chats, messages, files and queued updates (update ids keep rising)."""
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.messages: dict[int, OrderedDict[int, StoredMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self.sent: Counter[int] = Counter()
        self.sent_total = 0
        self.callbacks: OrderedDict[str, bool] = OrderedDict()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.last_commands: list[dict[str, Any]] = []
        self.profile: dict[str, str] = {}  # setMyName/Description/ShortDescription
        self.menu_buttons: dict[Any, dict[str, Any]] = {}
        self.files.clear()
        self.updates.clear()
        self.signal.notify()

    # -- identities ---------------------------------------------------------

    def bot_user(self, *, full: bool = False) -> dict[str, Any]:
        """The bot's User object; ``full`` adds the getMe-only fields."""
        user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }
        if full:
            user.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
        return user

    def ensure_user(
        self, user_id: int, *, first_name: str = "Lifter", is_bot: bool = False
    ) -> dict[str, Any]:
        """Register (or refresh) a user who writes to the bot."""
        user = {"id": user_id, "is_bot": is_bot, "first_name": first_name, "language_code": "en"}
        self.users[user_id] = user
        return user

    def ensure_chat(
        self, chat_id: int, chat_type: str, user: dict[str, Any], title: str | None = None
    ) -> dict[str, Any]:
        """Register the chat a user writes from; the bot may write there afterwards."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_type == "private":
                chat = {"id": chat_id, "first_name": user["first_name"], "type": "private"}
            else:
                chat = {"id": chat_id, "title": title or f"Group {abs(chat_id)}", "type": chat_type}
            self.chats[chat_id] = chat
            self.messages.setdefault(chat_id, OrderedDict())
        return chat

    def register_from_update(self, payload: dict[str, Any]) -> None:
        """Learn users/chats/callback ids from a raw pushed update."""
        for key in ("message", "edited_message", "channel_post", "callback_query"):
            body = payload.get(key)
            if not isinstance(body, dict):
                continue
            sender = body.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                self.users.setdefault(sender["id"], sender)
            message = body.get("message") if key == "callback_query" else body
            chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                self.chats.setdefault(chat["id"], chat)
                self.messages.setdefault(chat["id"], OrderedDict())
            if key == "callback_query" and isinstance(body.get("id"), str):
                self.remember_callback(body["id"])

    # -- messages -----------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        """Per-chat increasing message ids, shared by user and bot messages."""
        value = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = value + 1
        return value

    def store(self, chat_id: int, data: dict[str, Any], *, from_bot: bool) -> StoredMessage:
        """Keep a message; a bot message also counts as a send."""
        stored = StoredMessage(data=data, from_bot=from_bot)
        self.messages.setdefault(chat_id, OrderedDict())[data["message_id"]] = stored
        if from_bot:
            self.sent[chat_id] += 1
            self.sent_total += 1
        self.signal.notify()
        return stored

    def get_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """A stored message, if it exists (and was not deleted)."""
        chat = self.messages.get(chat_id)
        return chat.get(message_id) if chat is not None else None

    def delete_message(self, chat_id: int, message_id: int) -> bool:
        """Remove a message; False if it was not there."""
        chat = self.messages.get(chat_id)
        removed = chat.pop(message_id, None) if chat is not None else None
        if removed is not None:
            self.signal.notify()
        return removed is not None

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat as test-friendly dataclasses."""
        return [
            self.to_bot_message(chat_id, stored)
            for stored in self.messages.get(chat_id, {}).values()
            if stored.from_bot
        ]

    def to_bot_message(self, chat_id: int, stored: StoredMessage) -> BotMessage:
        """Convert stored JSON into a :class:`BotMessage`."""
        data = stored.data
        buttons: list[list[Button]] = []
        markup = data.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            buttons.append(
                [
                    Button(
                        label=button.get("text", ""),
                        data=button.get("callback_data"),
                        url=button.get("url"),
                    )
                    for button in row
                ]
            )
        photo: bytes | None = None
        if data.get("photo"):
            stored_photo = self.files.get(data["photo"][-1]["file_id"])
            photo = stored_photo.data if stored_photo else None
        document: bytes | None = None
        filename: str | None = None
        if data.get("document"):
            stored_doc = self.files.get(data["document"]["file_id"])
            document = stored_doc.data if stored_doc else None
            filename = data["document"].get("file_name")
        return BotMessage(
            message_id=data["message_id"],
            chat_id=chat_id,
            text=data.get("text"),
            buttons=buttons,
            photo=photo,
            document=document,
            filename=filename,
            caption=data.get("caption"),
            edited=stored.edited,
            sent_at=stored.stored_at,
        )

    # -- callback queries ---------------------------------------------------

    def new_callback_id(self) -> str:
        """A fresh callback query id (Telegram uses long decimal strings)."""
        query_id = str(next(self._callback_counter))
        self.remember_callback(query_id)
        return query_id

    def remember_callback(self, query_id: str) -> None:
        """Make a callback query answerable (bounded memory)."""
        self.callbacks[query_id] = False
        while len(self.callbacks) > CALLBACK_MEMORY:
            self.callbacks.popitem(last=False)

    def answer_callback(self, query_id: str) -> bool:
        """Mark answered; False if unknown or answered before."""
        if self.callbacks.get(query_id) is not False:
            return False
        self.callbacks[query_id] = True
        return True
