"""/schedule, its buttons and typed answers, and the reminder's [Start workout] button.

Adapters between Telegram and ScheduleService: every change makes sure the process
wakes up for the lifter's next reminder; a day toggle edits the picker in place so the
chat stays tidy.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import CoachContext, services
from bot.handlers import callback_data
from bot.handlers.respond import acknowledge, acknowledge_owner, show
from bot.handlers.workout import lifter, private_only
from bot.handlers.workout import service as workout_service
from bot.scheduling.dispatcher import arm
from bot.services.schedule import PREFIX, STALE, ScheduleAnswer, ScheduleService


def service(context: CoachContext) -> ScheduleService:
    svc = services(context)
    return ScheduleService(svc.db, svc.clock)


async def apply_answer(update: Update, context: CoachContext, answer: ScheduleAnswer) -> None:
    """Wake up in time for the lifter's next reminder if the schedule changed, then reply."""
    if answer.rearm:
        arm(context.application, lifter(update).user_id, answer.wake_at)
    query, chat = update.callback_query, update.effective_chat
    assert chat is not None
    await show(context.bot, chat.id, query if answer.in_place else None, answer.reply)


async def schedule_command(update: Update, context: CoachContext) -> None:
    """`/schedule` (the picker), `/schedule off`, `/schedule summary ...`, or one line."""
    text = " ".join(context.args or [])
    await apply_answer(update, context, await service(context).command(lifter(update), text))


async def on_button(update: Update, context: CoachContext) -> None:
    """A schedule button, or a reminder's [Start workout]; only its owner may press it."""
    query = update.callback_query
    assert query is not None
    values = callback_data.parse(query.data, PREFIX, callback_data.SCHEDULE)
    if values is None:
        await acknowledge(query)
        await apply_answer(update, context, STALE)
        return
    action, owner, *args = (str(value) for value in values)
    me = lifter(update)
    if not await acknowledge_owner(query, owner, me.user_id):
        return
    if action == "w" and not args:
        await workout_service(context).start(me)
        return
    await apply_answer(update, context, await service(context).button(me, action, args))


def build_schedule_handlers() -> list[BaseHandler]:
    """/schedule in private chats (a polite no in groups) and its buttons."""
    return [
        CommandHandler("schedule", schedule_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("schedule", private_only),
        CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
    ]
