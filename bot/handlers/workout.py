"""/workout and its commands and buttons: adapters between Telegram and WorkoutService."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import CoachContext, services
from bot.handlers import callback_data
from bot.handlers.respond import acknowledge
from bot.messaging import send
from bot.replies import Reply
from bot.scheduling.timers import AppEffects
from bot.services.workout import PREFIX, Lifter, WorkoutService
from bot.texts import common as common_texts


def lifter(update: Update) -> Lifter:
    """The primitives a use case needs about who sent this update."""
    user = update.effective_user
    assert user is not None
    return Lifter(user.id, user.first_name, update.update_id)


def service(context: CoachContext) -> WorkoutService:
    svc = services(context)
    return WorkoutService(svc.db, svc.clock, AppEffects(context.application))


async def start_workout(update: Update, context: CoachContext) -> None:
    """Start today's workout or resume the one in progress."""
    await service(context).start(lifter(update))


async def skip(update: Update, context: CoachContext) -> None:
    """Skip the current exercise."""
    await service(context).skip(lifter(update))


async def swap(update: Update, context: CoachContext) -> None:
    """Offer what the current exercise can be swapped for."""
    await service(context).swap(lifter(update))


async def undo(update: Update, context: CoachContext) -> None:
    """Take back the pending answer, else the last logged set."""
    await service(context).undo(lifter(update))


async def done(update: Update, context: CoachContext) -> None:
    """Finish the workout now, with its summary."""
    await service(context).finish(lifter(update))


async def cancel(update: Update, context: CoachContext) -> None:
    """Leave a pending question (a /schedule step), else end the workout keeping its sets."""
    await service(context).cancel(lifter(update))


async def on_button(update: Update, context: CoachContext) -> None:
    """A workout button: reps, reps left, starting weight, skip, swap."""
    query = update.callback_query
    assert query is not None
    await acknowledge(query)
    if callback_data.parse(query.data, PREFIX, callback_data.WORKOUT) is None:
        assert update.effective_chat is not None
        await send(context.bot, update.effective_chat.id, [Reply(common_texts.STALE_BUTTON)])
        return
    await service(context).on_button(lifter(update), query.data or "")


async def private_only(update: Update, context: CoachContext) -> None:
    """In groups, workouts are declined politely."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, common_texts.PRIVATE_ONLY)


WORKOUT_COMMANDS = ("workout", "skip", "swap", "undo", "done")


def build_workout_handlers() -> list[BaseHandler]:
    """Commands and buttons of the guided workout (private chats only)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("workout", start_workout, filters=private),
        CommandHandler("skip", skip, filters=private),
        CommandHandler("swap", swap, filters=private),
        CommandHandler("undo", undo, filters=private),
        CommandHandler("done", done, filters=private),
        CommandHandler("cancel", cancel, filters=private),
        CommandHandler([*WORKOUT_COMMANDS, "cancel"], private_only),
        CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
    ]
