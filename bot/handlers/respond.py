"""Turn `Reply` values into Telegram messages; the only place that builds keyboards."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot.replies import Reply

log = logging.getLogger(__name__)


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


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner. That is cosmetic, so no failure of it stops the press
    from being handled: not a press delivered twice (answered already), nor a timeout, a
    dropped connection or a long flood wait (answering would fail the same way again)."""
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("callback query not answered: %s: %s", type(error).__name__, error)


async def show(bot: Bot, chat_id: int, query: CallbackQuery | None, reply: Reply) -> None:
    """Edit the pressed message in place when there is one, else send `reply` anew.

    Pressing the same button twice would ask Telegram for an identical edit, which it
    refuses as "not modified"; that is no failure.
    """
    if query is None or query.message is None:
        await send(bot, chat_id, [reply])
        return
    try:
        await query.edit_message_text(reply.text, reply_markup=keyboard(reply))
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
