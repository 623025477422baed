"""Decoding Bot API request parameters from every encoding Telegram accepts.

Telegram takes parameters from the query string, ``application/json``,
``application/x-www-form-urlencoded`` and ``multipart/form-data``. PTB sends
form/multipart with every non-string value JSON-encoded (``chat_id="42"``,
``reply_markup='{"inline_keyboard": ...}'``, ``show_alert="true"``), so string
values are decoded by parameter name: the Bot API uses each name with one
meaning across all methods. JSON bodies arrive typed and are left as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.localapi.errors import bad_request

INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "max_connections",
        "reply_to_message_id",
        "message_thread_id",
        "from_chat_id",
        "width",
        "height",
        "duration",
    }
)
BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "is_big",
    }
)
JSON_PARAMS = {
    "reply_markup": "reply keyboard markup",
    "entities": "entities",
    "caption_entities": "caption entities",
    "allowed_updates": "allowed updates",
    "commands": "commands",
    "scope": "BotCommandScope",
    "link_preview_options": "link preview options",
    "reply_parameters": "reply parameters",
    "media": "media",
    "message_ids": "message identifiers",
    "menu_button": "menu button",
    "reaction": "reaction types",
}


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a Bot API call, decoded to Python values."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise bad_request("can't parse JSON encoded request") from None
                if not isinstance(body, dict):
                    raise bad_request("JSON object expected as request body")
                params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    params[key] = value
    return coerce(params)


def to_bool(value: str) -> bool:
    """The Bot API server's truthiness for string arguments."""
    return value.strip().lower() in ("true", "yes", "1")


def _int_or_keep(value: str) -> Any:
    try:
        return int(value.strip())
    except ValueError:
        return value


def coerce(params: dict[str, Any]) -> dict[str, Any]:
    """Decode string values by parameter name (ints, bools, JSON-serialized objects)."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key == "chat_id" or key in INT_PARAMS:
                value = _int_or_keep(value)
            elif key in BOOL_PARAMS:
                value = to_bool(value)
            elif key in JSON_PARAMS:
                if value == "":
                    continue
                try:
                    value = json.loads(value)
                except ValueError:
                    raise bad_request(f"can't parse {JSON_PARAMS[key]} JSON object") from None
        result[key] = value
    return result


def loggable(params: dict[str, Any]) -> dict[str, Any]:
    """Params for the request log: uploads reduced to name and size."""
    return {
        key: (
            {"upload": value.filename, "size": len(value.data)}
            if isinstance(value, Upload)
            else value
        )
        for key, value in params.items()
    }
