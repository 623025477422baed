"""Answering a button press: stop its spinner, or edit its message in place.

Sending and keyboards live in `bot.messaging`, below handlers and scheduling alike.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery
from telegram.error import BadRequest, TelegramError

from bot.messaging import keyboard, send
from bot.replies import Reply
from bot.texts import common as common_texts

log = logging.getLogger(__name__)


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner. That is cosmetic, so no failure of it stops the press
    from being handled: not a press delivered twice (answered already), nor a timeout, a
    dropped connection or a long flood wait (answering would fail the same way again)."""
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("callback query not answered: %s: %s", type(error).__name__, error)


async def acknowledge_owner(query: CallbackQuery, owner: int | str, presser: int | str) -> bool:
    """Acknowledge a press of a lifter's own button and say True; a press of someone
    else's (a shared or forwarded message) gets a polite note and False."""
    if str(owner) != str(presser):
        await acknowledge(query, common_texts.NOT_YOUR_BUTTON)
        return False
    await acknowledge(query)
    return True


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
