"""Free text is routed by where the lifter is: a pending question, else the workout."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import CoachContext
from bot.handlers.workout import lifter, service

TextInput = Callable[[Update, CoachContext, str], Awaitable[None]]


def build_text_router(pending: Mapping[str, TextInput]) -> MessageHandler:
    """One handler for all private free text; `pending` maps a question to its answerer.

    Features that ask a question outside a workout (a reminder time, say) store its name
    in `user_settings.pending_input` and register the function that reads the answer.
    """

    async def route(update: Update, context: CoachContext) -> None:
        assert update.effective_message is not None
        text = update.effective_message.text or ""
        question = await service(context).on_text(lifter(update), text)
        if question is not None and question in pending:
            await pending[question](update, context, text)

    return MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, route)
