"""Answering a button press: stop its spinner, or edit its message in place.

Sending and keyboards live in `bot.messaging`, below handlers and scheduling alike.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery
from telegram.error import BadRequest

from bot.messaging import keyboard, send
from bot.replies import Reply

log = logging.getLogger(__name__)


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner; a press Telegram delivers twice can't be answered twice,
    and that must not stop the press from being handled (it is idempotent anyway)."""
    try:
        await query.answer(text)
    except BadRequest as error:
        log.info("callback query not answered: %s", error)


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
