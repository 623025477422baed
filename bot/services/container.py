"""The long-lived services one Application shares, built at start-up, closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import CallbackContext

from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import Database

SERVICES_KEY = "coach.services"


@dataclass(slots=True)
class Services:
    """Settings, database and clock; handlers reach them through `services(context)`."""

    settings: Settings
    db: Database
    clock: Clock
    owns_db: bool = True  # False when the caller shares its Database (tests, `coach chat`)


def services(context: CallbackContext) -> Services:
    """The services of the Application handling this update or job."""
    found = context.application.bot_data[SERVICES_KEY]
    assert isinstance(found, Services)
    return found
