"""/plan and its buttons: adapters between Telegram and PlanService.

A button that changes the plan edits the plan message in place, so the chat stays tidy.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.context import CoachContext, services
from bot.handlers import callback_data
from bot.handlers.respond import acknowledge, show
from bot.handlers.workout import lifter
from bot.messaging import send
from bot.replies import Reply
from bot.services.plan import PREFIX, PlanAnswer, PlanService
from bot.texts import common as common_texts
from bot.texts import plan as texts


def service(context: CoachContext) -> PlanService:
    svc = services(context)
    return PlanService(svc.db, svc.clock)


async def show_plan(update: Update, context: CoachContext) -> None:
    """The lifter's plan, with a button per slot."""
    assert update.effective_chat is not None
    reply = await service(context).show(lifter(update))
    await send(context.bot, update.effective_chat.id, [reply])


async def private_only(update: Update, context: CoachContext) -> None:
    """In groups, the plan is declined politely."""
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, [Reply(texts.PRIVATE_ONLY)])


async def on_button(update: Update, context: CoachContext) -> None:
    """A plan button: open a slot, change it, reset, or keep a workout swap."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    await acknowledge(query)
    forged = callback_data.parse(query.data, PREFIX, callback_data.PLAN) is None
    if forged or chat.type != ChatType.PRIVATE:  # plan buttons: only in the lifter's chat
        answer = PlanAnswer(Reply(common_texts.STALE_BUTTON), in_place=False)
    else:
        answer = await service(context).on_button(lifter(update), query.data or "")
    await show(context.bot, chat.id, query if answer.in_place else None, answer.reply)


def build_plan_handlers() -> list[BaseHandler]:
    """/plan in private chats (a polite no in groups) and its buttons."""
    return [
        CommandHandler("plan", show_plan, filters=filters.ChatType.PRIVATE),
        CommandHandler("plan", private_only),
        CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
    ]
