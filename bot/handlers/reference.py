"""/howto, /exercises, /muscles, /tips and the [How to] buttons: read-only, any chat, any time.

Nothing here writes the database, so a lifter mid-workout keeps their exact place; /tips
only reads the lifter's unit to speak it.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.coach.catalog import EXERCISES, EXERCISES_BY_KEY, Exercise
from bot.coach.lookup import find_exercise
from bot.coach.units import Unit
from bot.context import CoachContext, services
from bot.handlers import callback_data
from bot.handlers.respond import acknowledge
from bot.messaging import send
from bot.replies import Button, Reply, row
from bot.services.preferences import lifter_unit
from bot.texts import common as common_texts
from bot.texts import reference as texts

PREFIX = "h"  # callback data: h:<exercise key>


def _choices(text: str, exercises: Iterable[Exercise]) -> Reply:
    """A question with one button per exercise, one to a row so long names stay readable."""
    return Reply(text, tuple(row(Button(e.name, f"{PREFIX}:{e.key}")) for e in exercises))


def howto_reply(query: str) -> Reply:
    """The cues of the exercise `query` names, or buttons to pick one."""
    if not query.strip():
        return _choices(texts.CHOOSE, EXERCISES)
    found = find_exercise(query)
    if found.exercise is not None:
        return Reply(texts.cue_card(found.exercise))
    if found.is_ambiguous:
        return _choices(texts.AMBIGUOUS, found.candidates)
    if found.other is not None:
        name = found.other.name.lower()
        if found.closest is not None:
            return _choices(texts.NOT_COACHED.format(name=name), (found.closest,))
        return _choices(texts.NOT_COACHED_LIST.format(name=name), EXERCISES)
    if found.candidates:
        return _choices(texts.UNKNOWN, found.candidates)
    return _choices(texts.UNKNOWN_LIST, EXERCISES)


async def _reply(update: Update, context: CoachContext, reply: Reply) -> None:
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, [reply])


async def howto(update: Update, context: CoachContext) -> None:
    """Form cues: `/howto seal row`, or a list to pick from."""
    await _reply(update, context, howto_reply(" ".join(context.args or [])))


async def howto_button(update: Update, context: CoachContext) -> None:
    """A [How to] or exercise-choice button: the cues of that exercise."""
    query = update.callback_query
    assert query is not None
    await acknowledge(query)
    values = callback_data.parse(query.data, PREFIX, callback_data.HOWTO)
    exercise = EXERCISES_BY_KEY.get(str(values[0])) if values else None
    reply = Reply(common_texts.STALE_BUTTON if exercise is None else texts.cue_card(exercise))
    await _reply(update, context, reply)


async def exercises(update: Update, context: CoachContext) -> None:
    """Every exercise, grouped by how it is loaded."""
    await _reply(update, context, Reply(texts.exercise_list()))


async def muscles(update: Update, context: CoachContext) -> None:
    """The upper-back muscles and what trains them."""
    await _reply(update, context, Reply(texts.muscle_list()))


async def tips(update: Update, context: CoachContext) -> None:
    """How to progress, in the lifter's unit."""
    user = update.effective_user
    unit = Unit.LB if user is None else await lifter_unit(services(context).db, user.id)
    await _reply(update, context, Reply(texts.tip_list(unit)))


def build_reference_handlers() -> list[BaseHandler]:
    """Reference commands and buttons; they work in private and group chats alike."""
    return [
        CommandHandler("howto", howto),
        CommandHandler("exercises", exercises),
        CommandHandler("muscles", muscles),
        CommandHandler("tips", tips),
        CallbackQueryHandler(howto_button, pattern=rf"^{PREFIX}:"),
    ]
