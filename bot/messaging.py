"""Turn `Reply` values into Telegram messages; the only place that builds keyboards.

Below handlers and scheduling alike (both send), so neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telegram import Bot, InlineKeyboardMarkup

from bot.replies import Reply


def markup(reply: Reply) -> dict[str, Any] | None:
    """The reply's buttons as the Bot API's inline keyboard JSON (None when it has none)."""
    if not reply.buttons:
        return None
    rows = [[{"text": b.label, "callback_data": b.data} for b in row] for row in reply.buttons]
    return {"inline_keyboard": rows}


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as PTB's inline keyboard (None when it has none)."""
    found = markup(reply)
    return None if found is None else InlineKeyboardMarkup.de_json(found, None)


async def send(bot: Bot, chat_id: int, replies: Iterable[Reply]) -> None:
    """Send each reply in order: text, photo or document, with its buttons."""
    for reply in replies:
        if reply.photo is not None:
            await bot.send_photo(
                chat_id, reply.photo, caption=reply.text or None, reply_markup=keyboard(reply)
            )
        elif reply.document is not None:
            await bot.send_document(
                chat_id,
                reply.document,
                filename=reply.filename,
                caption=reply.text or None,
                reply_markup=keyboard(reply),
            )
        else:
            await send_text(bot, chat_id, reply.text, markup(reply))


async def send_text(bot: Bot, chat_id: int, text: str, buttons: dict[str, Any] | None) -> None:
    """sendMessage, without reading the sent message back into PTB objects.

    Nobody looks at the message Telegram returns, and building it (a `Message`, its chat,
    sender and keyboard), with the keyboard built as objects on the way out, was about
    0.4 ms of the 2 ms of CPU a reply costs. `_post` is what every `Bot` method and
    `do_api_request` call; the transport (retries, the send budget) is the same.
    """
    data = {"chat_id": chat_id, "text": text, "reply_markup": buttons}
    await bot._post("sendMessage", data)
