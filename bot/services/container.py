"""The long-lived services one Application shares, built at start-up, closed at shutdown.

Handlers and jobs reach them through `bot.context.services(context)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import Database


@dataclass(slots=True)
class Services:
    """Settings, database and clock."""

    settings: Settings
    db: Database
    clock: Clock
    owns_db: bool = True  # False when the caller shares its Database (tests, `coach chat`)
