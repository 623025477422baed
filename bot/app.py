"""Composition root: build the Application and wire services and handlers. Nothing else."""

from __future__ import annotations

import gc
import logging

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.clock import Clock
from bot.config import Settings
from bot.context import CONTEXT_TYPES, services_of
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.handlers.data import build_data_handlers
from bot.handlers.errors import on_error
from bot.handlers.guard import build_fallback_handlers, build_guard
from bot.handlers.plan import build_plan_handlers
from bot.handlers.reference import build_reference_handlers
from bot.handlers.schedule import build_schedule_handlers
from bot.handlers.settings import build_settings_handlers
from bot.handlers.start import build_start_handlers, build_unknown_command_handler
from bot.handlers.text import build_text_router
from bot.handlers.workout import build_workout_handlers
from bot.pipeline.inbox import Inbox
from bot.pipeline.polling import Poller
from bot.processing import PerChatOrderedProcessor
from bot.retry import RetryingRequest
from bot.scheduling.dispatcher import start_dispatcher, stop_dispatcher
from bot.scheduling.timers import restore_rest_timers
from bot.services.container import Services
from bot.texts.common import COMMANDS

log = logging.getLogger(__name__)

# Handler groups, in the order PTB tries them; at most one handler per group runs.
GUARD_GROUP = -1  # drops what we ignore on purpose (other bots, floods) before anything
MAIN_GROUP = 0  # commands, buttons, text, files; first match wins, catch-alls last

INBOX_KEY = "inbox"
POLLER_KEY = "poller"


def inbox_of(app: Application) -> Inbox:
    """The inbox an Application was built with: the webhook stores updates through it."""
    found = app.bot_data[INBOX_KEY]
    assert isinstance(found, Inbox)
    return found


async def _post_init(app: Application) -> None:
    svc = services_of(app)
    await upgrade_to_head(svc.db.engine)
    await inbox_of(app).resume(app.bot, app.update_queue)  # first what a crash left
    await restore_rest_timers(app)
    await start_dispatcher(app)
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    except TelegramError as error:
        log.warning("could not register the command menu: %s", error)
    # What start-up built (imports, the Application) lives as long as the process: keep
    # it out of the collector's full passes, which took 34 ms, longer than the reminder
    # pacer's margin (10,000 reminders: 94.7 % -> 95.3 % of the limit, BENCHMARKS.md).
    gc.freeze()


async def _post_shutdown(app: Application) -> None:
    svc = services_of(app)
    await inbox_of(app).close()
    if svc.owns_db:
        await svc.db.dispose()


def build_application(
    settings: Settings, *, db: Database | None = None, clock: Clock | None = None
) -> Application:
    """The coach as a PTB Application; pass `db`/`clock` to share them (tests, `coach chat`)."""
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is required to build the application")
    owns_db = db is None
    db = db or Database.from_url(settings.database_url, timeout=settings.database_timeout)
    clock = clock or Clock()
    inbox = Inbox(db, clock)
    builder = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(settings.bot_token.get_secret_value())
        .concurrent_updates(PerChatOrderedProcessor(on_done=inbox.done))
        .request(RetryingRequest(read_timeout=settings.bot_api_timeout))
        .get_updates_request(
            RetryingRequest(connection_pool_size=1, read_timeout=settings.bot_api_timeout)
        )
        .updater(None)  # `bot.pipeline.polling` fetches: it confirms only what is stored
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.bot_api_url and settings.bot_file_url:
        builder = builder.base_url(settings.bot_api_url).base_file_url(settings.bot_file_url)
    app = builder.build()
    app.bot_data.services = Services(settings=settings, db=db, clock=clock, owns_db=owns_db)
    app.bot_data[INBOX_KEY] = inbox
    app.add_handler(build_guard(), group=GUARD_GROUP)
    app.add_handlers(build_start_handlers(), group=MAIN_GROUP)
    app.add_handlers(build_workout_handlers(), group=MAIN_GROUP)
    app.add_handlers(build_reference_handlers(), group=MAIN_GROUP)
    app.add_handlers(build_plan_handlers(), group=MAIN_GROUP)
    app.add_handlers(build_data_handlers(), group=MAIN_GROUP)
    app.add_handlers(build_schedule_handlers(), group=MAIN_GROUP)
    app.add_handlers(build_settings_handlers(), group=MAIN_GROUP)
    app.add_handler(build_text_router(), group=MAIN_GROUP)
    app.add_handler(build_unknown_command_handler(), group=MAIN_GROUP)  # catch-alls stay last
    app.add_handlers(build_fallback_handlers(), group=MAIN_GROUP)
    app.add_error_handler(on_error)
    return app


async def start_polling(app: Application, *, poll_timeout: int = 10) -> Poller:
    """Start an Application with long polling (`coach run`, tests, `coach chat`, benchmarks).

    `poll_timeout` is getUpdates' long-poll wait; tests of a hung Telegram shorten it.
    The poller's `conflict` event is set if another process polls with the same token.
    """
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    poller = Poller(app, inbox_of(app), poll_timeout=poll_timeout)
    app.bot_data[POLLER_KEY] = poller
    await poller.start()
    return poller


async def stop_polling(app: Application) -> None:
    """Stop what `start_polling` started, finishing updates in hand."""
    stop_dispatcher(app)
    poller = app.bot_data.pop(POLLER_KEY, None)
    if isinstance(poller, Poller):
        await poller.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


def processor_of(app: Application) -> PerChatOrderedProcessor:
    """The update processor, to wait until a given update has been handled."""
    processor = app.update_processor
    assert isinstance(processor, PerChatOrderedProcessor)
    return processor
