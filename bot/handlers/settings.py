"""/settings and its buttons: adapters between Telegram and SettingsService."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.coach.units import parse_unit
from bot.context import CoachContext, services
from bot.handlers import callback_data
from bot.handlers.respond import acknowledge, acknowledge_owner, show
from bot.handlers.schedule import apply_answer
from bot.handlers.schedule import service as schedule_service
from bot.handlers.workout import lifter, private_only
from bot.services.settings import PREFIX, SettingsAnswer, SettingsService
from bot.texts import common as common_texts


def service(context: CoachContext) -> SettingsService:
    svc = services(context)
    return SettingsService(svc.db, svc.clock)


async def _show(update: Update, context: CoachContext, answer: SettingsAnswer) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert chat is not None
    await show(context.bot, chat.id, query if answer.in_place else None, answer.reply)


async def settings_command(update: Update, context: CoachContext) -> None:
    """Units, time zone and reminders, with a button for each."""
    await _show(update, context, await service(context).show(lifter(update)))


async def equipment_command(update: Update, context: CoachContext) -> None:
    """The dumbbells owned and the cable stack's top, typed."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    text = (message.text or "").partition(" ")[2]
    reply = await service(context).equipment_command(lifter(update), text)
    await show(context.bot, chat.id, None, reply)


async def calibrate_command(update: Update, context: CoachContext) -> None:
    """Ask for a reps-in-reserve check; show the bias known so far."""
    chat = update.effective_chat
    assert chat is not None
    await show(context.bot, chat.id, None, await service(context).calibrate(lifter(update)))


async def on_button(update: Update, context: CoachContext) -> None:
    """A /settings button; only its owner may press it."""
    query = update.callback_query
    assert query is not None
    values = callback_data.parse(query.data, PREFIX, callback_data.SETTINGS)
    if values is None:
        await acknowledge(query, common_texts.STALE_BUTTON)
        return
    action, owner, *args = (str(value) for value in values)
    me = lifter(update)
    if not await acknowledge_owner(query, owner, me.user_id):
        return
    unit = parse_unit(args[0]) if action == "u" else None
    if action in {"b", "p", "d", "c", "w"}:
        await _show(update, context, await service(context).set_equipment(me, action, args[0]))
    elif unit is not None:
        await _show(update, context, await service(context).set_unit(me, unit))
    else:
        await apply_answer(update, context, await schedule_service(context).ask_zone_change(me))


def build_settings_handlers() -> list[BaseHandler]:
    """/settings in private chats (a polite no in groups) and its buttons."""
    return [
        CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("settings", private_only),
        CommandHandler("equipment", equipment_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("equipment", private_only),
        CommandHandler("calibrate", calibrate_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("calibrate", private_only),
        CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
    ]
