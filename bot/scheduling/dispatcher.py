"""The JobQueue side of reminders: wake up, claim what is due, send it, record how it went.

Jobs only wake the process up; the database decides what is due (`reminders`). Each
process has one one-off job, `reminders:wake`, at the earliest reminder or summary
instant in `schedules`, found by one indexed query rather than by loading the rows (a
job per lifter made start-up take seconds and a hundred MB per 100,000 lifters). `arm`
moves it earlier when a lifter's next instant is sooner, never later, since the instant
it holds may be someone else's; after every wake-up it is set again from the database,
so a wake-up that finds nothing due only looks for the next one. A repeating sweep
(`reminders:sweep`) catches what another worker scheduled and claims a crashed worker
left behind; it also covers a clock moved by `coach chat`'s `!wait`.

APScheduler drops a job that starts more than `misfire_grace_time` late, one second by
default: a busy loop or a suspended laptop would silently lose a reminder. The wake-up
may run as late as the late limit (the ledger then sends it or records it skipped);
the sweep's grace is its interval, since the next sweep does the same work anyway.
APScheduler also skips a run while an earlier run of the same job is still going: with
one wake-up for everyone, a long fan-out would swallow the next one, so wake-ups may
overlap: one that comes while a fan-out runs makes it claim once more before it ends
(`fire_reminders`: one fan-out per process, claims keep workers apart).

What came due while the bot was down goes out through the same wake-up, due at once,
so the bot answers lifters while a large backlog goes out, and `stop_dispatcher` (on
SIGTERM) can end that fan-out within a few sends instead of minutes. Those answers and
the reminders share one send budget (`bot.scheduling.budget`): every process's
transport tells its sender of each reply, and the fan-out leader counts the other
workers' in the inbox while it sends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from telegram.ext import Application

from bot.context import CoachContext, services_of
from bot.db.models import Schedule
from bot.retry import RetryingRequest
from bot.scheduling import delivery, jobs, reminders
from bot.scheduling.budget import watch_inbox
from bot.scheduling.leader import fanout_lead
from bot.scheduling.reminders import LATE_LIMIT
from bot.scheduling.sender import Sender
from bot.services.container import Services

log = logging.getLogger(__name__)

WAKE_JOB = "reminders:wake"
WAKE_OVERLAP = 10  # wake-ups that may run at once (see above)
SWEEP_JOB = "reminders:sweep"
SWEEP_INTERVAL = dt.timedelta(minutes=1)
_SENDER_KEY = "coach.reminders.sender"
_WORKER_KEY = "coach.reminders.worker"
_STOPPING_KEY = "coach.reminders.stopping"
_FANOUT_KEY = "coach.reminders.fanout"


def _services(app: Application) -> Services:
    return services_of(app)


def sender_of(app: Application) -> Sender:
    """This Application's sender, made on first use; tests may swap its pacer."""
    sender = app.bot_data.get(_SENDER_KEY)
    if not isinstance(sender, Sender):
        sender = app.bot_data[_SENDER_KEY] = Sender(app.bot)
    return sender


def worker_of(app: Application) -> str:
    """Who claims deliveries in the ledger: host, process, and this Application."""
    worker = app.bot_data.get(_WORKER_KEY)
    if not isinstance(worker, str):
        worker = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        app.bot_data[_WORKER_KEY] = worker
    return worker


def _stopping(app: Application) -> asyncio.Event:
    stopping = app.bot_data.get(_STOPPING_KEY)
    if not isinstance(stopping, asyncio.Event):
        stopping = app.bot_data[_STOPPING_KEY] = asyncio.Event()
    return stopping


def stop_dispatcher(app: Application) -> None:
    """The bot is stopping: a fan-out under way claims and starts nothing more (see
    `delivery.deliver_all`), so the JobQueue's wait for running jobs is short."""
    _stopping(app).set()


def arm(app: Application, user_id: int, wake_at: dt.datetime | None) -> None:
    """Make sure this process wakes by `wake_at`, lifter `user_id`'s next reminder or
    summary. None (nothing due for them any more) changes nothing: a wake-up that finds
    nothing due costs one query."""
    if _wake_by(app, wake_at):
        log.debug("next reminder wake-up at %s, for user %s", wake_at, user_id)


def next_wake(app: Application) -> dt.datetime | None:
    """When this process next wakes up for reminders by itself (None: at the next sweep)."""
    job = jobs.find(app, WAKE_JOB)
    return job.data if job is not None and isinstance(job.data, dt.datetime) else None


def _wake_by(app: Application, wake_at: dt.datetime | None) -> bool:
    """Move the wake-up to `wake_at` if that is sooner; whether it moved."""
    if app.job_queue is None or wake_at is None:
        return False
    current = next_wake(app)
    if current is not None and current <= wake_at:
        return False
    delay = (wake_at - _services(app).clock.now()).total_seconds()
    jobs.replace_once(
        app,
        _on_job,
        name=WAKE_JOB,
        when=max(delay, 0),
        data=wake_at,
        misfire_grace_time=int(LATE_LIMIT.total_seconds()),
        coalesce=True,
        max_instances=WAKE_OVERLAP,
    )
    return True


async def _earliest_after(svc: Services, since: dt.datetime) -> dt.datetime | None:
    """The first reminder or summary instant after `since` among all lifters, as
    `wake_time` counts them: a reminder only while enabled, a summary always. What is
    due by `since` and still unclaimed is another worker's (or the sweep's) to send."""
    reminder = select(func.min(Schedule.next_due_at)).where(
        Schedule.enabled.is_(True), Schedule.next_due_at > since
    )
    summary = select(func.min(Schedule.next_summary_at)).where(Schedule.next_summary_at > since)
    async with svc.db.transaction() as session:
        found = await session.execute(select(reminder.scalar_subquery(), summary.scalar_subquery()))
        instants = found.one()
    return min((instant for instant in instants if instant is not None), default=None)


async def _fire_and_rearm(app: Application) -> None:
    """Send everything due, then wake up again at the next instant in the database."""
    svc = _services(app)
    since = svc.clock.now()
    await fire_reminders(app)
    if app.job_queue is not None:
        _wake_by(app, await _earliest_after(svc, since))


async def _on_job(context: CoachContext) -> None:
    await _fire_and_rearm(context.application)


async def start_dispatcher(app: Application) -> None:
    """At start-up: wake up at once for what came due while we were down (the wake-up
    then sets itself at the next instant), and start the sweep. From now on the
    transport tells the sender of every reply, so reminders leave them room."""
    _stopping(app).clear()
    if isinstance(app.bot.request, RetryingRequest):
        app.bot.request.on_message = sender_of(app).note_reply
    if app.job_queue is None:
        await _fire_and_rearm(app)
        return
    _wake_by(app, _services(app).clock.now())
    interval = SWEEP_INTERVAL.total_seconds()
    app.job_queue.run_repeating(
        _on_job,
        interval=interval,
        first=interval,
        name=SWEEP_JOB,
        job_kwargs={
            "id": SWEEP_JOB,
            "replace_existing": True,
            "misfire_grace_time": int(interval),
            "coalesce": True,
            "max_instances": 1,
        },
    )


@dataclass
class _FanOut:
    """This process's fan-out under way; a wake-up meanwhile asks it to claim once more."""

    again: bool = False


async def fire_reminders(app: Application) -> int:
    """Claim and send every due reminder and summary; returns how many were claimed.

    One fan-out at a time across all workers (`bot.scheduling.leader`), and one per
    process: a wake-up or sweep while one runs returns 0 at
    once and makes the running one claim again before it ends, so what came due meanwhile
    still goes out. A second pipeline beside it would only compete for the same send
    slots: during the benchmark's 10,000 reminders the sweep started five, and the
    emulator's limiter answered 103 429s instead of 80.
    """
    running = app.bot_data.get(_FANOUT_KEY)
    if isinstance(running, _FanOut):
        running.again = True
        return 0
    running = app.bot_data[_FANOUT_KEY] = _FanOut()
    svc = _services(app)

    async def claim() -> reminders.Claimed:
        claimed = await reminders.claim_due(svc.db, svc.clock.now(), worker_of(app))
        for user_id, wake_at in claimed.wake.items():
            arm(app, user_id, wake_at)
        return claimed

    total = 0
    try:
        async with (
            fanout_lead(svc.db) as leading,
            watch_inbox(svc.db, svc.clock, lambda: sender_of(app).pacer.replies, leading),
        ):
            if not leading:  # another worker fans out: one send budget for all
                log.debug("another worker is sending reminders; leaving them to it")
                return 0
            while True:
                running.again = False
                total += await delivery.deliver_all(svc, sender_of(app), claim, _stopping(app))
                if not running.again or _stopping(app).is_set():
                    return total
    finally:
        del app.bot_data[_FANOUT_KEY]
