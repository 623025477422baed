"""The last line of defence: log the failure, tell the lifter nothing was lost.

Log lines carry the user id and the exception, never the message text; the reply is a
fixed sentence, never a stack trace. A database outage gets its own reply ("try again
in a moment"), as the pool reconnects by itself once the database is back.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.context import CoachContext
from bot.texts import common as texts

log = logging.getLogger(__name__)


def is_database_outage(error: BaseException | None) -> bool:
    """Whether an error means the database could not be reached (rather than a bug)."""
    if isinstance(error, OperationalError | ConnectionError | OSError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


async def on_error(update: object, context: CoachContext) -> None:
    """Log with the user id only (no message text), and reply without a stack trace."""
    error = context.error
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    log.error("update for user %s failed: %r", user_id, error, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, TelegramError) and not isinstance(error, BadRequest):
        return  # Telegram itself failed or refused; a reply would most likely fail too.
    text = texts.DB_UNAVAILABLE if is_database_outage(error) else texts.ERROR
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell user %s about the failure", user_id)
