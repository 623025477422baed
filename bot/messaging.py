"""Turn `Reply` values into Telegram messages; the only place that builds keyboards.

Below handlers and scheduling alike (both send), so neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.replies import Reply


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard (None when it has none)."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send(bot: Bot, chat_id: int, replies: Iterable[Reply]) -> list[Message]:
    """Send each reply in order: text, photo or document, with its buttons."""
    sent: list[Message] = []
    for reply in replies:
        markup = keyboard(reply)
        if reply.photo is not None:
            message = await bot.send_photo(
                chat_id, reply.photo, caption=reply.text or None, reply_markup=markup
            )
        elif reply.document is not None:
            message = await bot.send_document(
                chat_id,
                reply.document,
                filename=reply.filename,
                caption=reply.text or None,
                reply_markup=markup,
            )
        else:
            message = await bot.send_message(chat_id, reply.text, reply_markup=markup)
        sent.append(message)
    return sent
