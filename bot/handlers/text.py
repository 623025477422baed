"""Free text: an answer to a pending question (a /schedule or /settings step), else the
workout's; read in one transaction, the lifter loaded once."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import CoachContext
from bot.handlers.reference import howto_reply
from bot.handlers.schedule import apply_answer
from bot.handlers.schedule import service as schedule_service
from bot.handlers.workout import lifter, service


async def route(update: Update, context: CoachContext) -> None:
    """A set, reps left, a start weight or a plain-word request; or the answer to the
    question the lifter owes."""
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    answer = await service(context).on_text(
        lifter(update), text, schedule_service(context).answer, howto_reply
    )
    if answer is not None:
        await apply_answer(update, context, answer)


def build_text_router() -> MessageHandler:
    """One handler for all private free text."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, route)
