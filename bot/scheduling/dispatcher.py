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
from bot.replies import Reply
from bot.scheduling import jobs, reminders
from bot.scheduling.reminders import LATE_LIMIT, REMINDER, SUMMARY, Claim, Delivered, Status
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
    if wake_at is None:
        jobs.remove(app, job_name(user_id))
        return
    delay = (wake_at - _services(app).clock.now()).total_seconds()
    jobs.replace_once(
        app,
        _on_job,
        name=job_name(user_id),
        when=max(delay, 0),
        user_id=user_id,
        misfire_grace_time=int(LATE_LIMIT.total_seconds()),
        coalesce=True,
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
    """Build a batch's messages, send them a few at a time (the pacer keeps the rate), and
    record each result as soon as it is known."""
    replies = await _build(svc, claims)
    results: asyncio.Queue[Delivered | None] = asyncio.Queue()
    recorder = asyncio.create_task(_record(svc, results))
    gate = asyncio.Semaphore(SENDING_AT_ONCE)

    async def one(claim: Claim) -> None:
        async with gate:
            reply = replies.get(claim.delivery_id)
            if reply is None:  # it could not be built (logged); not sent
                results.put_nowait(Delivered(claim, Status.FAILED, 0))
                return
            try:
                status, attempts = await sender_of(app).send(claim.user_id, reply)
            except Exception:  # a bug, not Telegram: it may have gone out, so never repeat it
                log.exception("%s for user %s: sending failed", claim.kind, claim.user_id)
                status, attempts = Status.UNCONFIRMED, 1
            results.put_nowait(Delivered(claim, status, attempts))

    try:
        await asyncio.gather(*(one(claim) for claim in claims))
    finally:
        results.put_nowait(None)
        await recorder


async def _build(svc: Services, claims: list[Claim]) -> dict[int, Reply]:
    """Every claimed message by delivery id; one read per kind, or per lifter if that fails."""
    built: dict[int, Reply] = {}
    for kind in (REMINDER, SUMMARY):
        mine = [claim for claim in claims if claim.kind == kind]
        if not mine:
            continue
        try:
            replies = await _content(svc, kind, [claim.user_id for claim in mine])
        except Exception:  # find the lifter whose data breaks it; the others still get theirs
            replies = {}
            for claim in mine:
                try:
                    replies |= await _content(svc, kind, [claim.user_id])
                except Exception:
                    log.exception("%s for user %s could not be built", kind, claim.user_id)
        built |= {c.delivery_id: replies[c.user_id] for c in mine if c.user_id in replies}
    return built


async def _content(svc: Services, kind: str, user_ids: list[int]) -> dict[int, Reply]:
    if kind == REMINDER:
        return await ScheduleService(svc.db, svc.clock).reminders(user_ids)
    return await WeeklySummary(svc.db).summaries(user_ids, svc.clock.now())


async def _record(svc: Services, results: asyncio.Queue[Delivered | None]) -> None:
    """Group commit: write every result that is ready in one transaction, until None."""
    finished = False
    while not finished:
        ready = [await results.get()]
        while not results.empty():
            ready.append(results.get_nowait())
        finished = None in ready
        done = [item for item in ready if item is not None]
        if not done:
            continue
        try:
            await reminders.record(svc.db, done, svc.clock.now())
        except Exception:  # they stay claimed: taken over after the lease, maybe sent twice
            log.exception("%d delivery results not recorded", len(done))
