"""/workout and its commands and buttons: adapters between Telegram and WorkoutService."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.handlers import callback_data
from bot.handlers.respond import acknowledge, send
from bot.replies import Outcome
from bot.scheduling.timers import cancel_rest, schedule_rest
from bot.services.container import services
from bot.services.schedule import leave_question
from bot.services.workout import PREFIX, Lifter, WorkoutService
from bot.texts import common as common_texts


def lifter(update: Update) -> Lifter:
    """The primitives a use case needs about who sent this update."""
    user = update.effective_user
    assert user is not None
    return Lifter(user.id, user.first_name, update.update_id)


def service(context: ContextTypes.DEFAULT_TYPE) -> WorkoutService:
    svc = services(context)
    return WorkoutService(svc.db, svc.clock)


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    """Apply the outcome's timer changes, then send its replies."""
    user_id = lifter(update).user_id
    if outcome.cancel_timer:
        cancel_rest(context.application, user_id)
    if outcome.rest_seconds is not None:
        schedule_rest(context.application, user_id, outcome.rest_seconds)
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, outcome.replies)


async def start_workout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start today's workout or resume the one in progress."""
    await deliver(update, context, await service(context).start(lifter(update)))


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Skip the current exercise."""
    await deliver(update, context, await service(context).skip(lifter(update)))


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove the last logged set and go back to it."""
    await deliver(update, context, await service(context).undo(lifter(update)))


async def done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Finish the workout now, with its summary."""
    await deliver(update, context, await service(context).finish(lifter(update)))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave a pending question (a /schedule step), else end the workout keeping its sets."""
    if await leave_question(services(context).db, lifter(update).user_id):
        await deliver(update, context, Outcome().say(common_texts.CANCELLED))
        return
    outcome = await service(context).cancel(lifter(update))
    if outcome is None:
        outcome = Outcome().say(common_texts.NOTHING_TO_CANCEL)
    await deliver(update, context, outcome)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A workout button: reps, reps left, starting weight, skip, swap."""
    query = update.callback_query
    assert query is not None
    await acknowledge(query)
    if callback_data.parse(query.data, PREFIX, callback_data.WORKOUT) is None:
        outcome = Outcome().say(common_texts.STALE_BUTTON)
    else:
        outcome = await service(context).on_button(lifter(update), query.data or "")
    await deliver(update, context, outcome)


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, workouts are declined politely."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, common_texts.PRIVATE_ONLY)


WORKOUT_COMMANDS = ("workout", "skip", "undo", "done")


def build_workout_handlers() -> list[BaseHandler]:
    """Commands and buttons of the guided workout (private chats only)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("workout", start_workout, filters=private),
        CommandHandler("skip", skip, filters=private),
        CommandHandler("undo", undo, filters=private),
        CommandHandler("done", done, filters=private),
        CommandHandler("cancel", cancel, filters=private),
        CommandHandler([*WORKOUT_COMMANDS, "cancel"], private_only),
        CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
    ]
