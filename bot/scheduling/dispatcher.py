"""The JobQueue side of reminders: wake up, claim what is due, send it, record how it went.

Jobs only wake the process up; the database decides what is due (`reminders`). Per
lifter a one-off job named `reminder:<user id>` fires at their next reminder or summary;
it is replaced whenever that instant changes and rebuilt from the rows at start-up, so
it is never duplicated. A repeating sweep (`reminders:sweep`) catches what another
worker scheduled and claims a crashed worker left behind.

APScheduler drops a job that starts more than `misfire_grace_time` late, one second by
default: a busy loop or a suspended laptop would silently lose a reminder. A lifter's
job may run as late as the late limit (the ledger then sends it or records it skipped);
the sweep's grace is its interval, since the next sweep does the same work anyway.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid

from sqlalchemy import or_, select
from telegram.ext import Application, ContextTypes

from bot.db.models import Schedule
from bot.scheduling import reminders
from bot.scheduling.reminders import LATE_LIMIT, REMINDER, Claim, Status
from bot.scheduling.sender import Sender
from bot.services.container import Services
from bot.services.schedule import ScheduleService, wake_time
from bot.services.weekly import WeeklySummary

log = logging.getLogger(__name__)

SWEEP_JOB = "reminders:sweep"
SWEEP_INTERVAL = dt.timedelta(minutes=1)
SENDING_AT_ONCE = 8  # messages in flight per worker; the pacer sets the rate
_SENDER_KEY = "coach.reminders.sender"
_WORKER_KEY = "coach.reminders.worker"


def _services(app: Application) -> Services:
    from bot.app import services_of  # bot.app wires this module in

    return services_of(app)


def job_name(user_id: int) -> str:
    """The name of a lifter's reminder job (`<kind>:<user id>`, like rest timers)."""
    return f"reminder:{user_id}"


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


def arm(app: Application, user_id: int, wake_at: dt.datetime | None) -> None:
    """(Re)place the lifter's wake-up job at `wake_at`; None just removes it."""
    if app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(job_name(user_id)):
        job.schedule_removal()
    if wake_at is None:
        return
    delay = (wake_at - _services(app).clock.now()).total_seconds()
    app.job_queue.run_once(
        _on_job,
        when=max(delay, 0),
        name=job_name(user_id),
        user_id=user_id,
        job_kwargs={"misfire_grace_time": int(LATE_LIMIT.total_seconds()), "coalesce": True},
    )


async def _on_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await fire_reminders(context.application)


async def start_dispatcher(app: Application) -> None:
    """At start-up: send what came due while we were down, then arm every job."""
    await fire_reminders(app)
    svc = _services(app)
    async with svc.db.transaction() as session:
        query = select(Schedule).where(
            or_(Schedule.next_due_at.is_not(None), Schedule.next_summary_at.is_not(None))
        )
        wakes = {s.user_id: wake_time(s) for s in (await session.scalars(query)).all()}
    for user_id, wake_at in wakes.items():
        arm(app, user_id, wake_at)
    if app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(SWEEP_JOB):
        job.schedule_removal()
    interval = SWEEP_INTERVAL.total_seconds()
    app.job_queue.run_repeating(
        _on_job,
        interval=interval,
        first=interval,
        name=SWEEP_JOB,
        job_kwargs={"misfire_grace_time": int(interval), "coalesce": True, "max_instances": 1},
    )


async def fire_reminders(app: Application) -> int:
    """Claim and send every due reminder and summary; returns how many were claimed."""
    svc, total = _services(app), 0
    while True:
        claimed = await reminders.claim_due(svc.db, svc.clock.now(), worker_of(app))
        for user_id, wake_at in claimed.wake.items():
            arm(app, user_id, wake_at)
        await _deliver_all(app, svc, claimed.deliveries)
        total += len(claimed.deliveries)
        if not claimed.more:
            return total


async def _deliver_all(app: Application, svc: Services, claims: list[Claim]) -> None:
    """Deliver a batch, a few at a time (the pacer keeps the rate)."""
    gate = asyncio.Semaphore(SENDING_AT_ONCE)

    async def one(claim: Claim) -> None:
        async with gate:
            await _deliver(app, svc, claim)

    await asyncio.gather(*(one(claim) for claim in claims))


async def _deliver(app: Application, svc: Services, claim: Claim) -> None:
    """Build one claimed message, send it, and record the result; never raises."""
    status, attempts = Status.FAILED, 0
    try:
        if claim.kind == REMINDER:
            reply = await ScheduleService(svc.db, svc.clock).reminder(claim.user_id)
        else:
            reply = await WeeklySummary(svc.db).summary(claim.user_id, svc.clock.now())
        if reply is None:
            status = Status.SKIPPED
        else:
            status, attempts = await sender_of(app).send(claim.user_id, reply)
    except Exception:  # one lifter's bad data must not stop everyone else's reminders
        log.exception("%s for user %s could not be built", claim.kind, claim.user_id)
    try:
        await reminders.record(svc.db, claim, status, svc.clock.now(), attempts)
    except Exception:
        log.exception("%s for user %s: result not recorded", claim.kind, claim.user_id)
