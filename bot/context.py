"""The typed PTB context every handler and job of the coach receives.

`ContextTypes(bot_data=BotData)` makes `context.bot_data` a `BotData`, whose `services`
attribute is typed: no string key and no `assert isinstance` at each use. It stays a
dict so the scheduler can keep its own per-process values in it.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services.container import Services


class BotData(dict[str, Any]):
    """The Application's shared data: its `services`, set once by `build_application`."""

    services: Services


CoachContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)


def services(context: CoachContext) -> Services:
    """The services of the Application handling this update or job."""
    return context.bot_data.services


def services_of(app: Application[Any, Any, Any, Any, BotData, Any]) -> Services:
    """The services an Application was built with."""
    return app.bot_data.services
