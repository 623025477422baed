"""Sending what was claimed, as a pipeline, so that no send slot is left empty.

The next batch is claimed and its messages built while the last one is still going out:
once no more than `AHEAD` messages wait, which covers a claim's time several times over.
`SENDING_AT_ONCE` senders take messages from that queue and each waits for its slot in
the shared pacer, so a slow answer or a flood wait holds up one sender, not the rest.
Results are written as they come, in group commits. The ledger's order stays as
`reminders` describes it: a claim is committed before its message is sent and recorded
after. A worker holds at most `AHEAD` plus one claim's messages unsent (a few hundred at
most: seconds at 30 per second, far inside `reminders.LEASE`), and leaves the database
to other workers between its claims. When the bot stops, the messages being sent finish
and are recorded, and the rest are handed back at once rather than after the lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.replies import Reply
from bot.scheduling import reminders
from bot.scheduling.reminders import (
    CLAIM_BATCH,
    REMINDER,
    SUMMARY,
    Claim,
    Claimed,
    Delivered,
    Status,
)
from bot.scheduling.sender import Sender
from bot.services.container import Services
from bot.services.schedule import ScheduleService
from bot.services.weekly import WeeklySummary

log = logging.getLogger(__name__)

SENDING_AT_ONCE = 8  # messages in flight; the pacer sets the rate, these ride out slow ones
AHEAD = CLAIM_BATCH // 2  # messages still queued when the next claim starts: 1.7 s of sending


class Todo:
    """Built messages waiting for a sender; says when few enough are left to claim more."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[Claim, Reply | None]] = asyncio.Queue()
        self._low = asyncio.Event()

    async def low(self) -> None:
        """Return once no more than `AHEAD` messages wait."""
        while self.queue.qsize() > AHEAD:
            self._low.clear()
            await self._low.wait()

    async def take(self) -> tuple[Claim, Reply | None]:
        """The next message to send (mark it `queue.task_done()` when it is)."""
        item = await self.queue.get()
        if self.queue.qsize() <= AHEAD:
            self._low.set()
        return item


async def deliver_all(
    svc: Services,
    sender: Sender,
    claim: Callable[[], Awaitable[Claimed]],
    stopping: asyncio.Event | None = None,
) -> int:
    """Claim with `claim` until nothing more is due, sending meanwhile; how many were claimed.

    If claiming fails, what was claimed before still goes out. Once `stopping` is set (the
    bot is shutting down) nothing more is claimed or started: the sends under way finish
    and are recorded, and what was not sent is handed back for the next claim, by this
    worker's next start or another worker. If this is cancelled instead, what was not
    sent stays claimed and is taken over after the lease.
    """
    stopping = stopping or asyncio.Event()
    claimed = await claim()
    if not claimed.deliveries and not claimed.more:
        return 0  # the usual case for a lifter's own wake-up: nothing to start
    todo = Todo()
    results: asyncio.Queue[Delivered | None] = asyncio.Queue()
    recorder = asyncio.create_task(_record(svc, results))
    unsent: list[Claim] = []
    senders = [
        asyncio.create_task(_send_each(sender, todo, results, stopping, unsent))
        for _ in range(SENDING_AT_ONCE)
    ]
    try:
        try:
            total = await _claim_each(svc, claim, claimed, todo, stopping)
        except Exception:
            await todo.queue.join()
            raise
        await todo.queue.join()
        return total
    finally:
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
        results.put_nowait(None)
        await recorder
        if unsent:
            await _hand_back(svc, unsent)


async def _claim_each(
    svc: Services,
    claim: Callable[[], Awaitable[Claimed]],
    claimed: Claimed,
    todo: Todo,
    stopping: asyncio.Event,
) -> int:
    """Queue each claimed batch's messages, claiming the next when the queue runs low."""
    total = 0
    while True:
        replies = await _build(svc, claimed.deliveries)
        for item in claimed.deliveries:
            todo.queue.put_nowait((item, replies.get(item.delivery_id)))
        total += len(claimed.deliveries)
        if not claimed.more:
            return total
        await todo.low()
        if stopping.is_set():
            return total
        claimed = await claim()


async def _send_each(
    sender: Sender,
    todo: Todo,
    results: asyncio.Queue[Delivered | None],
    stopping: asyncio.Event,
    unsent: list[Claim],
) -> None:
    """One of the senders: take the next message, send it, hand on how it went; once the
    bot is stopping, put it aside unsent instead."""
    while True:
        item, reply = await todo.take()
        try:
            if stopping.is_set():
                unsent.append(item)
            else:
                results.put_nowait(await _send(sender, item, reply))
        finally:
            todo.queue.task_done()


async def _hand_back(svc: Services, unsent: list[Claim]) -> None:
    try:
        await reminders.hand_back(svc.db, unsent, svc.clock.now())
    except Exception:  # they stay claimed: taken over after the lease instead
        log.exception("%d unsent deliveries not handed back", len(unsent))
    else:
        log.info("stopping: %d unsent deliveries handed back", len(unsent))


async def _send(sender: Sender, item: Claim, reply: Reply | None) -> Delivered:
    if reply is None:  # it could not be built (logged); not sent
        return Delivered(item, Status.FAILED, 0)
    try:
        status, attempts = await sender.send(item.user_id, reply)
    except Exception:  # a bug, not Telegram: it may have gone out, so never repeat it
        log.exception("%s for user %s: sending failed", item.kind, item.user_id)
        status, attempts = Status.UNCONFIRMED, 1
    return Delivered(item, status, attempts)


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
