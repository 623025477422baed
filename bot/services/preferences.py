"""How a lifter's stored settings read: their time zone and unit, with safe defaults."""

from __future__ import annotations

import datetime as dt

from bot.coach.timing import ScheduleError, parse_zone
from bot.coach.units import Unit
from bot.db.models import UserSettings


def zone_of(settings: UserSettings | None) -> dt.tzinfo:
    """The lifter's time zone; UTC when unset or unreadable."""
    if settings is None:
        return dt.UTC
    try:
        return parse_zone(settings.time_zone)
    except ScheduleError:
        return dt.UTC


def unit_of(settings: UserSettings | None) -> Unit:
    """The lifter's unit (lb for someone the bot has never met)."""
    return Unit(settings.unit) if settings is not None else Unit.LB


def forget_drafts(settings: UserSettings) -> None:
    """Forget the question the lifter owed an answer to, and its half-given answers."""
    settings.pending_input = None
    settings.schedule_draft_days = None
    settings.schedule_draft_time = None
