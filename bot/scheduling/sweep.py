"""Fire whatever is due now: rest timers and reminders. Jobs and `!wait` both call this."""

from __future__ import annotations

from telegram.ext import Application

from bot.scheduling.dispatcher import fire_reminders
from bot.scheduling.timers import fire_rest_timers


async def fire_due(app: Application) -> None:
    """Send every due rest timer, reminder and weekly summary once (the rows decide)."""
    await fire_rest_timers(app)
    await fire_reminders(app)
