"""The Bot API methods, acting on the emulated world with Telegram's rules.

Each handler validates in the order the real Bot API server does (content
first, then the chat), raises :class:`ApiError` with Telegram's wording, and
only then changes state, so a rejected call leaves no trace.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import mimetypes
import re
from collections.abc import Callable
from typing import Any

from bot.localapi import errors as e
from bot.localapi.errors import ApiError, bad_request, conflict, forbidden, parameter_required
from bot.localapi.faults import SEND_METHODS, RateLimiter
from bot.localapi.files import StoredFile
from bot.localapi.formatting import format_text, utf16_len
from bot.localapi.params import Upload
from bot.localapi.state import StoredMessage, World, now
from bot.localapi.validation import Spec
from bot.localapi.webhook import WebhookDelivery

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_COMMANDS = 100
MAX_POLL_TIMEOUT = 3600
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
BUTTON_ACTIONS = (
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# How Telegram words a missing required parameter, where it is not the generic one.
MISSING_PARAM: dict[str, str] = {
    "chat_id": e.CHAT_ID_EMPTY,
    "text": e.MESSAGE_TEXT_EMPTY,
    "photo": e.NO_PHOTO,
    "document": e.NO_DOCUMENT,
    "message_id": e.MESSAGE_ID_NOT_SPECIFIED,
    "action": e.WRONG_CHAT_ACTION,
    "file_id": e.INVALID_FILE_ID,
    "callback_query_id": e.QUERY_TOO_OLD,
}
# Parameters the spec marks required but Telegram defaults when absent.
OPTIONAL_IN_PRACTICE = frozenset({("setMyCommands", "commands"), ("setWebhook", "url")})

Handler = Callable[[dict[str, Any]], Any]


def _missing(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is None or value == ""


def missing_error(name: str) -> ApiError:
    """Telegram's answer when a required parameter is absent or empty."""
    detail = MISSING_PARAM.get(name)
    return bad_request(detail) if detail else parameter_required(name)


class BotMethods:
    """Dispatch table plus the implementation of every emulated method."""

    def __init__(
        self,
        world: World,
        spec: Spec,
        limiter: RateLimiter,
        webhook: WebhookDelivery,
    ) -> None:
        self.world = world
        self.spec = spec
        self.limiter = limiter
        self.webhook = webhook
        self.callback_answers: list[dict[str, Any]] = []
        self.closing = False
        self.waiting_polls = 0  # long polls currently parked (lets tests sync without sleeps)
        self._poll_generation = 0
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name in (
            "getMe",
            "getUpdates",
            "sendMessage",
            "editMessageText",
            "editMessageReplyMarkup",
            "editMessageCaption",
            "answerCallbackQuery",
            "deleteMessage",
            "sendPhoto",
            "sendDocument",
            "getFile",
            "sendChatAction",
            "setMyCommands",
            "getMyCommands",
            "deleteMyCommands",
            "setWebhook",
            "deleteWebhook",
            "getWebhookInfo",
            "close",
            "logOut",
            "getChat",
            "deleteMessages",
            "pinChatMessage",
            "unpinChatMessage",
            "unpinAllChatMessages",
            "setMessageReaction",
            "setMyName",
            "getMyName",
            "setMyDescription",
            "getMyDescription",
            "setMyShortDescription",
            "getMyShortDescription",
            "setChatMenuButton",
            "getChatMenuButton",
        ):
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
            self._handlers[name.lower()] = (name, getattr(self, f"m_{snake}"))

    # -- dispatch -------------------------------------------------------------

    def resolve(self, method: str) -> str | None:
        """Canonical name of a method Telegram knows (case-insensitive), else None."""
        lowered = method.lower()
        if lowered in self._handlers:
            return self._handlers[lowered][0]
        return self.spec.method_name(lowered)

    async def call(self, name: str, params: dict[str, Any]) -> Any:
        """Run a method (``name`` as returned by :meth:`resolve`)."""
        self._check_required(name, params)
        entry = self._handlers.get(name.lower())
        if entry is None:
            return self._unimplemented(name)
        result = entry[1](params)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _check_required(self, name: str, params: dict[str, Any]) -> None:
        required = [
            p
            for p in self.spec.required_params(name)
            if (name, p) not in OPTIONAL_IN_PRACTICE and _missing(params, p)
        ]
        # The real server reads the content before resolving the chat.
        required.sort(key=lambda p: p == "chat_id")
        if required:
            raise missing_error(required[0])

    def _unimplemented(self, name: str) -> Any:
        if self.spec.returns(name) == ["Boolean"]:
            return True  # setters with no visible effect (setMyDescription, ...)
        raise bad_request(f"method {name} is not supported by the local Bot API emulator")

    # -- shared helpers -----------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request(e.CHAT_ID_EMPTY)
        if isinstance(raw, bool):
            raise bad_request(e.CHAT_NOT_FOUND)
        if isinstance(raw, int):
            chat = self.world.chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            chat = next(
                (c for c in self.world.chats.values() if c.get("username") == raw[1:]), None
            )
        else:
            chat = None
        if chat is None:
            raise bad_request(e.CHAT_NOT_FOUND)
        return chat

    def _sendable_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        if chat["type"] == "private" and chat["id"] in self.world.blocked:
            raise forbidden(e.BLOCKED)
        return chat

    def _message_id(self, params: dict[str, Any]) -> int:
        raw = params.get("message_id")
        if raw is None or raw == "":
            raise bad_request(e.MESSAGE_ID_NOT_SPECIFIED)
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise bad_request("MESSAGE_ID_INVALID")
        return raw

    def _text(
        self, params: dict[str, Any], key: str, entities_key: str
    ) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get(key)
        if raw is None or raw == "":
            return "", []
        formatted = format_text(str(raw), params.get("parse_mode"), params.get(entities_key))
        return formatted.text, formatted.entities

    def _message_text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text, entities = self._text(params, "text", "entities")
        if not text:
            raise bad_request(e.MESSAGE_TEXT_EMPTY)
        if utf16_len(text) > MAX_TEXT:
            raise bad_request(e.MESSAGE_TOO_LONG)
        return text, entities

    def _caption(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        caption, entities = self._text(params, "caption", "caption_entities")
        if utf16_len(caption) > MAX_CAPTION:
            raise bad_request(e.CAPTION_TOO_LONG)
        return caption, entities

    def _reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """Validate reply_markup; return what a Message carries (inline keyboards only)."""
        raw = params.get("reply_markup")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise bad_request("object expected as reply markup")
        if "inline_keyboard" not in raw:
            return None  # reply keyboards / removal / force_reply are not echoed back
        keyboard = raw["inline_keyboard"]
        if not isinstance(keyboard, list):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
            )
        rows: list[list[dict[str, Any]]] = []
        for row in keyboard:
            if not isinstance(row, list):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            rows.append([_inline_button(button) for button in row])
        # Checks the Telegram servers (not the Bot API parser) make, hence after parsing.
        for row in rows:
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(data.encode("utf-8")) > MAX_CALLBACK_DATA:
                    raise bad_request(e.BUTTON_DATA_INVALID)
                if not button["text"]:
                    raise bad_request(e.BUTTON_TEXT_INVALID)
        rows = [row for row in rows if row]
        return {"inline_keyboard": rows} if rows else None

    def _reply_to(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        target: Any = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            target = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
        elif reply is not None:
            raise bad_request("can't parse reply parameters JSON object")
        elif params.get("reply_to_message_id") not in (None, "", 0):
            target = params.get("reply_to_message_id")
        if target is None:
            return None
        stored = self.world.get_message(chat["id"], target) if isinstance(target, int) else None
        if stored is None:
            if allow_missing:
                return None
            raise bad_request(e.REPLY_NOT_FOUND)
        replied = dict(stored.data)
        replied.pop("reply_to_message", None)
        return replied

    def _new_message(
        self,
        chat: dict[str, Any],
        reply_to: dict[str, Any] | None,
        markup: dict[str, Any] | None,
        content: dict[str, Any],
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.world.next_message_id(chat["id"]),
            "from": self.world.bot_user(),
            "chat": dict(chat),
            "date": now(),
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if markup is not None:
            message["reply_markup"] = markup
        return message

    def _commit_send(self, chat: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
        self.world.store(chat["id"], message, from_bot=True)
        self.limiter.record(chat["id"])
        return copy.deepcopy(message)

    def _input_file(self, params: dict[str, Any], key: str) -> Upload | StoredFile | None:
        """An uploaded file, or a stored one referenced by file_id; None if absent."""
        raw = params.get(key)
        if isinstance(raw, str) and raw.startswith("attach://"):
            raw = params.get(raw[len("attach://") :])
            if not isinstance(raw, Upload):
                return None
        if raw is None or raw == "":
            return None
        if isinstance(raw, Upload):
            return raw
        if isinstance(raw, str):
            if raw.startswith(("http://", "https://")):
                raise bad_request(e.URL_FETCH_FAILED)
            stored = self.world.files.get(raw)
            if stored is None:
                raise bad_request(e.WRONG_FILE_ID)
            return stored
        raise bad_request(e.WRONG_FILE_ID)

    def _editable(self, params: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        if not _missing(params, "inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not emulated
        chat = self._chat(params)
        message_id = self._message_id(params)
        stored = self.world.get_message(chat["id"], message_id)
        if stored is None:
            raise bad_request(e.MESSAGE_TO_EDIT_NOT_FOUND)
        if not stored.from_bot:
            raise bad_request(e.MESSAGE_CANT_BE_EDITED)
        return chat, stored

    # -- methods --------------------------------------------------------------------

    def m_get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.world.bot_user(full=True)

    async def m_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.active:
            raise conflict(e.WEBHOOK_ACTIVE)
        offset = _int(params.get("offset"), 0)
        limit = min(max(_int(params.get("limit"), 100), 1), 100)
        timeout = min(max(_int(params.get("timeout"), 0), 0), MAX_POLL_TIMEOUT)
        allowed = params.get("allowed_updates")
        queue = self.world.updates
        if isinstance(allowed, list):
            queue.set_allowed(str(a) for a in allowed)
        self._poll_generation += 1
        generation = self._poll_generation
        self.world.signal.notify()  # an older waiting poll wakes up and gets its 409
        queue.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        parked = False
        try:
            while True:
                if generation != self._poll_generation:
                    raise conflict(e.TERMINATED_BY_OTHER_POLL)
                if self.webhook.active:
                    raise conflict(e.TERMINATED_BY_SET_WEBHOOK)
                batch = queue.select(offset, limit)
                if batch or self.closing:
                    for entry in batch:
                        entry.delivered = True
                    # Serialized right away by the HTTP layer, so no copy is needed.
                    return [entry.payload for entry in batch]
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                if not parked:
                    parked = True
                    self.waiting_polls += 1
                    self.world.signal.notify()
                await self.world.signal.wait(remaining)
        finally:
            if parked:
                self.waiting_polls -= 1
                self.world.signal.notify()

    def m_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text, entities = self._message_text(params)
        markup = self._reply_markup(params)
        chat = self._sendable_chat(params)
        reply_to = self._reply_to(chat, params)
        self.limiter.check(chat["id"])
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._commit_send(chat, self._new_message(chat, reply_to, markup, content))

    def m_send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        source = self._input_file(params, "photo")
        if source is None:
            raise bad_request(e.NO_PHOTO)
        caption, entities = self._caption(params)
        markup = self._reply_markup(params)
        chat = self._sendable_chat(params)
        reply_to = self._reply_to(chat, params)
        if isinstance(source, StoredFile) and source.kind != "photo":
            raise bad_request("type of file mismatch")
        self.limiter.check(chat["id"])
        if isinstance(source, Upload):
            sizes = self.world.files.add_photo(source.data, source.filename)
        else:
            sizes = self.world.files.photo_sizes(source)
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._commit_send(chat, self._new_message(chat, reply_to, markup, content))

    def m_send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        source = self._input_file(params, "document")
        if source is None:
            raise bad_request(e.NO_DOCUMENT)
        caption, entities = self._caption(params)
        markup = self._reply_markup(params)
        chat = self._sendable_chat(params)
        reply_to = self._reply_to(chat, params)
        if isinstance(source, StoredFile) and source.kind == "photo":
            raise bad_request("type of file mismatch")
        self.limiter.check(chat["id"])
        if isinstance(source, Upload):
            name = source.filename or "document"
            mime = source.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            stored = self.world.files.add(source.data, "document", file_name=name, mime_type=mime)
        else:
            stored = source
        content: dict[str, Any] = {"document": stored.document_object()}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return self._commit_send(chat, self._new_message(chat, reply_to, markup, content))

    def m_edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        text, entities = self._message_text(params)
        markup = self._reply_markup(params)
        _, stored = self._editable(params)
        data = stored.data
        if "text" not in data:
            raise bad_request(e.NO_TEXT_TO_EDIT)
        if (
            data["text"] == text
            and data.get("entities", []) == entities
            and data.get("reply_markup") == markup
        ):
            raise bad_request(e.MESSAGE_NOT_MODIFIED)
        data["text"] = text
        _set_or_drop(data, "entities", entities or None)
        _set_or_drop(data, "reply_markup", markup)
        return self._mark_edited(stored)

    def m_edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        markup = self._reply_markup(params)
        _, stored = self._editable(params)
        if stored.data.get("reply_markup") == markup:
            raise bad_request(e.MESSAGE_NOT_MODIFIED)
        _set_or_drop(stored.data, "reply_markup", markup)
        return self._mark_edited(stored)

    def m_edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        caption, entities = self._caption(params)
        markup = self._reply_markup(params)
        _, stored = self._editable(params)
        data = stored.data
        if "photo" not in data and "document" not in data:
            raise bad_request(e.NO_CAPTION_TO_EDIT)
        if (
            data.get("caption", "") == caption
            and data.get("caption_entities", []) == entities
            and data.get("reply_markup") == markup
        ):
            raise bad_request(e.MESSAGE_NOT_MODIFIED)
        _set_or_drop(data, "caption", caption or None)
        _set_or_drop(data, "caption_entities", entities or None)
        _set_or_drop(data, "reply_markup", markup)
        return self._mark_edited(stored)

    def _mark_edited(self, stored: StoredMessage) -> dict[str, Any]:
        stored.data["edit_date"] = now()
        stored.edited = True
        self.world.signal.notify()
        return copy.deepcopy(stored.data)

    def m_delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        message_id = self._message_id(params)
        if not self.world.delete_message(chat["id"], message_id):
            raise bad_request(e.MESSAGE_TO_DELETE_NOT_FOUND)
        return True

    def m_answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id")
        if not isinstance(query_id, str) or not self.world.answer_callback(query_id):
            raise bad_request(e.QUERY_TOO_OLD)
        text = params.get("text")
        if isinstance(text, str) and utf16_len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers.append(dict(params))
        if len(self.callback_answers) > 10_000:
            del self.callback_answers[:5_000]
        return True

    def m_get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("file_id")
        stored = self.world.files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise bad_request(e.INVALID_FILE_ID)
        return stored.file_object()

    def m_send_chat_action(self, params: dict[str, Any]) -> bool:
        action = params.get("action")
        if not isinstance(action, str) or action.lower() not in CHAT_ACTIONS:
            raise bad_request(e.WRONG_CHAT_ACTION)
        self._sendable_chat(params)
        return True

    def _commands_key(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope: Can't find field \"type\"")
        language = params.get("language_code") or ""
        return json.dumps(scope, sort_keys=True) + "|" + str(language)

    def m_set_my_commands(self, params: dict[str, Any]) -> bool:
        raw = params.get("commands") or []
        if not isinstance(raw, list):
            raise bad_request("expected an Array of BotCommand")
        commands: list[dict[str, Any]] = []
        for item in raw:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand: expected an Object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str):
                raise bad_request('can\'t parse BotCommand: Field "command" must be of type String')
            if not isinstance(description, str):
                raise bad_request(
                    'can\'t parse BotCommand: Field "description" must be of type String'
                )
            command = command.strip().removeprefix("/")
            description = description.strip()
            if not command:
                raise bad_request(e.COMMAND_EMPTY)
            if not description:
                raise bad_request(e.COMMAND_DESCRIPTION_EMPTY)
            if len(description) > 256:
                raise bad_request("command description is too long")
            commands.append({"command": command, "description": description})
        if len(commands) > MAX_COMMANDS:
            raise bad_request(e.TOO_MANY_COMMANDS)
        if any(not COMMAND_RE.match(c["command"]) for c in commands):
            raise bad_request(e.BOT_COMMAND_INVALID)
        key = self._commands_key(params)
        if commands:
            self.world.commands[key] = commands
        else:
            self.world.commands.pop(key, None)
        self.world.last_commands = copy.deepcopy(commands)
        return True

    def m_get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self.world.commands.get(self._commands_key(params), []))

    def m_delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.world.commands.pop(self._commands_key(params), None)
        return True

    def m_set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise bad_request(e.BAD_WEBHOOK_URL)
        if not url:
            return self.m_delete_webhook(params)
        if not re.match(r"^https?://[^/\s]+", url):
            raise bad_request(e.BAD_WEBHOOK_URL)
        secret = params.get("secret_token")
        if secret not in (None, "") and not SECRET_RE.match(str(secret)):
            raise bad_request(e.SECRET_TOKEN_INVALID)
        if params.get("drop_pending_updates"):
            self.world.updates.drop_pending()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.world.updates.set_allowed(str(a) for a in allowed)
        max_connections = min(max(_int(params.get("max_connections"), 40), 1), 100)
        ip_address = params.get("ip_address") or None
        self.webhook.configure(url, str(secret) if secret else None, max_connections, ip_address)
        return True

    def m_delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self.world.updates.drop_pending()
        self.webhook.remove()
        return True

    def m_get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.webhook.info()

    def m_close(self, params: dict[str, Any]) -> bool:
        return True

    def m_log_out(self, params: dict[str, Any]) -> bool:
        return True

    # -- smaller methods bots call at startup or in passing ---------------------------
    # Built in (not left to the spec fallback) so an installed package without the
    # spec still answers them.

    def m_get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = dict(self._chat(params))
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    def m_delete_messages(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be an Array of 1-100 Integer")
        for message_id in ids:
            if isinstance(message_id, int):
                self.world.delete_message(chat["id"], message_id)
        return True

    def m_pin_chat_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        if self.world.get_message(chat["id"], self._message_id(params)) is None:
            raise bad_request("message to pin not found")
        return True

    def m_unpin_chat_message(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    def m_unpin_all_chat_messages(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    def m_set_message_reaction(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        if self.world.get_message(chat["id"], self._message_id(params)) is None:
            raise bad_request("message to react not found")
        return True

    def _profile_key(self, field: str, params: dict[str, Any]) -> str:
        return f"{field}|{params.get('language_code') or ''}"

    def _set_profile(self, field: str, params: dict[str, Any]) -> bool:
        value = params.get(field) or ""
        if not isinstance(value, str):
            raise bad_request(f"{field} must be a String")
        self.world.profile[self._profile_key(field, params)] = value
        return True

    def _get_profile(self, field: str, params: dict[str, Any], default: str) -> dict[str, Any]:
        key = self._profile_key(field, params)
        value = self.world.profile.get(key) or self.world.profile.get(f"{field}|") or default
        return {field: value}

    def m_set_my_name(self, params: dict[str, Any]) -> bool:
        return self._set_profile("name", params)

    def m_get_my_name(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_profile("name", params, self.world.bot_first_name)

    def m_set_my_description(self, params: dict[str, Any]) -> bool:
        return self._set_profile("description", params)

    def m_get_my_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_profile("description", params, "")

    def m_set_my_short_description(self, params: dict[str, Any]) -> bool:
        return self._set_profile("short_description", params)

    def m_get_my_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_profile("short_description", params, "")

    def m_set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        if not _missing(params, "chat_id"):
            self._chat(params)
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or "type" not in button:
            raise bad_request("can't parse menu button JSON object")
        self.world.menu_buttons[params.get("chat_id") or 0] = button
        return True

    def m_get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id") or 0
        button = self.world.menu_buttons.get(chat_id) or self.world.menu_buttons.get(0)
        if button is None or button.get("type") == "default":
            return {"type": "commands"}
        return dict(button)

    @staticmethod
    def counts_as_send(name: str) -> bool:
        """Whether a method is a rate-limited send* call."""
        return name.lower() in SEND_METHODS


def _int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _set_or_drop(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _inline_button(button: Any) -> dict[str, Any]:
    """Parse one InlineKeyboardButton like the Bot API server; normalize it."""
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    text = button["text"]
    if not isinstance(text, str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    result: dict[str, Any] = {"text": text}
    for extra in ("icon_custom_emoji_id", "style"):
        if button.get(extra):
            result[extra] = button[extra]
    url = button.get("url")
    if isinstance(url, str) and url:
        _check_button_url(url)
        result["url"] = url
        return result
    data = button.get("callback_data")
    if data is not None and not isinstance(data, str):
        raise bad_request(prefix + 'Field "callback_data" must be of type String')
    if data:
        result["callback_data"] = data
        return result
    for action in BUTTON_ACTIONS:
        if action in button:
            result[action] = button[action]
            return result
    raise bad_request(e.TEXT_BUTTONS_UNALLOWED)


def _check_button_url(url: str) -> None:
    problem = f"inline keyboard button URL '{url}' is invalid: "
    rest = url
    if "://" in url:
        scheme, rest = url.split("://", 1)
        if scheme.lower() not in ("http", "https", "tg", "ton"):
            raise bad_request(problem + "Unsupported URL protocol")
        if scheme.lower() in ("tg", "ton"):
            return
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    if not host or ("." not in host and host.lower() != "localhost"):
        raise bad_request(problem + "Wrong HTTP URL")
