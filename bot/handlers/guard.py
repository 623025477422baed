"""What the coach ignores or refuses on purpose, so the features never have to.

Before any feature sees an update (the guard group), updates from other bots and edits
of old messages are dropped without a word: an edited "6" is not a new set. A lifter
who sends faster than the coach can answer (a flood, or a stuck key) gets one polite
"easy there", then silence until they pause. After every feature had its chance (last
in the main group), unknown buttons, photos, stickers and the like get a short answer
(files have their own handler, /import's).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass, field
from enum import Enum

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import CoachContext, services
from bot.handlers.respond import acknowledge
from bot.messaging import send
from bot.processing import PerChatOrderedProcessor
from bot.replies import Reply
from bot.texts import common as texts

log = logging.getLogger(__name__)

FLOOD_BACKLOG = 5  # a chat's updates waiting at once, this one included, that make a flood
FLOOD_QUIET = dt.timedelta(seconds=5)  # silence after the warning, renewed while it goes on
# ...and they were sent faster than a person types: all within one second. A backlog
# alone is no flood: when the bot is slow, a lifter's ordinary messages queue up too,
# and dropping them would lose sets.
FLOOD_SPAN = dt.timedelta(seconds=1)


class Verdict(Enum):
    """What the flood gate decides for one update."""

    ADMIT = "admit"
    WARN = "warn"  # the flood starts: say so once and drop this update
    DROP = "drop"  # still flooding: drop quietly


@dataclass
class FloodGate:
    """Per-chat flood state of one process; in memory, as a restart may forget it."""

    backlog_limit: int = FLOOD_BACKLOG
    quiet: dt.timedelta = FLOOD_QUIET
    _quiet_until: dict[int, dt.datetime] = field(default_factory=dict)
    _sent: dict[int, deque[dt.datetime]] = field(default_factory=dict)

    def judge(
        self, chat_id: int, backlog: int, now: dt.datetime, sent_at: dt.datetime | None = None
    ) -> Verdict:
        """Admit, warn or drop an update of `chat_id` with `backlog` updates waiting;
        `sent_at` is when the lifter sent it (Telegram's message date), if known."""
        recent = self._sent.setdefault(chat_id, deque(maxlen=self.backlog_limit))
        recent.append(sent_at or now)
        until = self._quiet_until.pop(chat_id, None)
        if until is not None and now < until:
            self._quiet_until[chat_id] = now + self.quiet
            return Verdict.DROP
        fast = len(recent) == self.backlog_limit and recent[-1] - recent[0] < FLOOD_SPAN
        if backlog >= self.backlog_limit and fast:
            self._quiet_until[chat_id] = now + self.quiet
            return Verdict.WARN
        return Verdict.ADMIT


def _edits(update: Update) -> tuple[object, ...]:
    return (update.edited_message, update.edited_channel_post, update.edited_business_message)


def _backlog(update: Update, context: CoachContext) -> int:
    processor = context.application.update_processor
    chat = update.effective_chat
    if chat is None or not isinstance(processor, PerChatOrderedProcessor):
        return 1
    return processor.backlog(chat.id)


def build_guard() -> TypeHandler[Update, CoachContext, None]:
    """The handler for the guard group: drops bots, edits and floods before anything."""
    gate = FloodGate()

    async def guard(update: Update, context: CoachContext) -> None:
        """Raise ApplicationHandlerStop for what no feature should see."""
        user, chat = update.effective_user, update.effective_chat
        if user is not None and user.is_bot:
            log.debug("ignored update %s from bot %s", update.update_id, user.id)
            raise ApplicationHandlerStop
        if any(edit is not None for edit in _edits(update)):
            log.debug("ignored an edited message of user %s", user.id if user else None)
            raise ApplicationHandlerStop
        if chat is None:
            return
        message = update.message
        verdict = gate.judge(
            chat.id,
            _backlog(update, context),
            services(context).clock.now(),
            message.date if message is not None else None,
        )
        if verdict is Verdict.ADMIT:
            return
        if verdict is Verdict.WARN:
            log.info("chat %s is flooding; quiet for %s", chat.id, gate.quiet)
            with contextlib.suppress(TelegramError):  # dropping matters more than saying so
                await send(context.bot, chat.id, [Reply(texts.FLOOD)])
        raise ApplicationHandlerStop

    return TypeHandler(Update, guard)


async def unknown_button(update: Update, context: CoachContext) -> None:
    """A button no feature knows (forged, or from an older version of the coach)."""
    query = update.callback_query
    assert query is not None
    await acknowledge(query, texts.STALE_BUTTON)


async def unsupported(update: Update, context: CoachContext) -> None:
    """A sticker, photo, voice note...: the coach reads text, buttons and /import files."""
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, [Reply(texts.UNSUPPORTED_MESSAGE)])


def build_fallback_handlers() -> list[BaseHandler]:
    """Catch-alls for the end of the main group: every feature's handlers come first."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        CallbackQueryHandler(unknown_button),
        MessageHandler(private & filters.ATTACHMENT, unsupported),
    ]
