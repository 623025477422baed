"""How a lifter's stored settings read: their time zone and unit, with safe defaults."""

from __future__ import annotations

import datetime as dt

from bot.coach.timing import ScheduleError, parse_zone
from bot.coach.units import Unit
from bot.db.engine import Database
from bot.db.models import UserSettings
from bot.db.rows import SettingsView
from bot.db.users import get_settings


def zone_of(settings: SettingsView | None) -> dt.tzinfo:
    """The lifter's time zone; UTC when unset or unreadable."""
    if settings is None:
        return dt.UTC
    try:
        return parse_zone(settings.time_zone)
    except ScheduleError:
        return dt.UTC


def unit_of(settings: SettingsView | None) -> Unit:
    """The lifter's unit (lb for someone the bot has never met)."""
    return Unit(settings.unit) if settings is not None else Unit.LB


async def lifter_unit(db: Database, user_id: int) -> Unit:
    """The unit a lifter trains in, read in its own short transaction (lb for a stranger)."""
    async with db.transaction() as session:
        return unit_of(await get_settings(session, user_id))


def forget_drafts(settings: UserSettings) -> None:
    """Forget the question the lifter owed an answer to, and its half-given answers."""
    settings.pending_input = None
    settings.schedule_draft_days = None
    settings.schedule_draft_time = None
