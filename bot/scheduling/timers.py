"""Rest timers: a database row is the truth, a JobQueue job named per user wakes us up.

A timer is claimed by deleting its row; only the worker whose DELETE removed it sends
the "rest is over" message, so a timer fires once even with several workers, and a
timer that came due while the bot was down fires at start-up if under five minutes late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from telegram.error import TelegramError
from telegram.ext import Application

from bot.context import CoachContext, services_of
from bot.db.models import RestTimer
from bot.messaging import send
from bot.replies import Reply
from bot.scheduling import jobs
from bot.services.workout import WorkoutService

log = logging.getLogger(__name__)

LATE_LIMIT = dt.timedelta(minutes=5)
# APScheduler drops a job that runs more than one second late by default; a timer may
# fire late (a busy loop, a suspended laptop in `coach chat`), so give it the same grace.
JOB_KWARGS = {"misfire_grace_time": int(LATE_LIMIT.total_seconds()), "coalesce": True}


def _job_name(user_id: int) -> str:
    return f"rest:{user_id}"


class AppEffects:
    """`bot.services.ports.Effects` for a running Application: rest-timer jobs, and sends
    through its bot. Handlers and jobs hand it to the use cases."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.app = app

    def start_rest(self, user_id: int, seconds: float) -> None:
        schedule_rest(self.app, user_id, seconds)

    def stop_rest(self, user_id: int) -> None:
        cancel_rest(self.app, user_id)

    async def send(self, chat_id: int, replies: Sequence[Reply]) -> None:
        await send(self.app.bot, chat_id, replies)


def schedule_rest(app: Application, user_id: int, seconds: float) -> None:
    """(Re)start the wake-up job for a user's rest timer; the row was written already."""
    jobs.replace_once(
        app,
        _on_rest_job,
        name=_job_name(user_id),
        when=max(seconds, 0),
        user_id=user_id,
        **JOB_KWARGS,
    )


def cancel_rest(app: Application, user_id: int) -> None:
    """Drop the wake-up job (the row is removed by the use case that stopped the timer)."""
    jobs.remove(app, _job_name(user_id))


async def _on_rest_job(context: CoachContext) -> None:
    await fire_rest_timers(context.application)


async def fire_rest_timers(app: Application) -> int:
    """Send "rest is over" for every due timer this worker claims; returns how many."""
    svc = services_of(app)
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        due = (await session.scalars(select(RestTimer).where(RestTimer.due_at <= now))).all()
        claimed = []
        for timer in due:
            result = await session.execute(
                delete(RestTimer).where(
                    RestTimer.user_id == timer.user_id, RestTimer.due_at == timer.due_at
                )
            )
            if result.rowcount and now - timer.due_at <= LATE_LIMIT:  # type: ignore[attr-defined]
                claimed.append(timer.user_id)
    service = WorkoutService(svc.db, svc.clock, AppEffects(app))
    for user_id in claimed:
        try:
            await service.rest_over(user_id)
        except TelegramError as error:
            log.warning("rest timer for user %s not delivered: %s", user_id, error)
    return len(claimed)


async def restore_rest_timers(app: Application) -> None:
    """At start-up: fire what came due while we were down, re-arm the rest."""
    await fire_rest_timers(app)
    svc = services_of(app)
    async with svc.db.transaction() as session:
        pending = (await session.scalars(select(RestTimer))).all()
    now = svc.clock.now()
    for timer in pending:
        schedule_rest(app, timer.user_id, (timer.due_at - now).total_seconds())
