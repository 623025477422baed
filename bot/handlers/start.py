"""First contact: /start, /help, /units, and replies to anything the bot doesn't know."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import CoachContext, services
from bot.db.users import clean_name, ensure_user
from bot.messaging import send
from bot.replies import Reply
from bot.services.schedule import schedule_offer
from bot.services.settings import SettingsService
from bot.services.workout import Lifter
from bot.texts import common as texts


async def start(update: Update, context: CoachContext) -> None:
    """Greet the lifter, creating their record on first contact."""
    svc, user = services(context), update.effective_user
    assert user is not None and update.effective_chat is not None
    private = update.effective_chat.type == ChatType.PRIVATE
    async with svc.db.transaction() as session:
        _, settings, created = await ensure_user(session, user.id, user.first_name, svc.clock.now())
        offer = private and not settings.schedule_offered  # reminders are offered once
        if offer:
            settings.schedule_offered = True
    template = texts.WELCOME_NEW if created else texts.WELCOME_BACK
    replies = [Reply(template.format(name=clean_name(user.first_name)))]
    if offer:
        replies.append(schedule_offer(user.id))
    await send(context.bot, update.effective_chat.id, replies)


async def help_command(update: Update, context: CoachContext) -> None:
    """List every command with one line each."""
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, [Reply(texts.help_text())])


async def units(update: Update, context: CoachContext) -> None:
    """Switch lb/kg: `/units kg`."""
    svc, user = services(context), update.effective_user
    assert user is not None and update.effective_chat is not None
    me = Lifter(user.id, user.first_name, update.update_id)
    reply = await SettingsService(svc.db, svc.clock).units_command(me, " ".join(context.args or []))
    await send(context.bot, update.effective_chat.id, [reply])


async def unknown_command(update: Update, context: CoachContext) -> None:
    """Point lost lifters to /help."""
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, [Reply(texts.UNKNOWN_COMMAND)])


def build_start_handlers() -> list[BaseHandler]:
    """Handlers for first contact and general commands."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("units", units, filters=filters.ChatType.PRIVATE),
    ]


def build_unknown_command_handler() -> BaseHandler:
    """Catch-all for commands nobody handled; registered in the last group."""
    return MessageHandler(filters.COMMAND, unknown_command)
