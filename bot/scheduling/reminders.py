"""Due reminders and weekly summaries, claimed from the database so each goes out once.

One claim is one transaction: lock the due `schedules` rows (PostgreSQL: `FOR UPDATE
SKIP LOCKED`, so a second worker takes other rows instead of waiting; SQLite: the
engine's BEGIN IMMEDIATE makes this the only writer), write one `deliveries` row per
lifter, kind and local day, advance `next_due_at`, commit. Only then is anything sent,
and the row is marked afterwards. The ledger's unique (user, kind, local day) makes a
second message for the same day impossible, whatever the daylight-saving arithmetic, a
restart or another worker did.

What was missed while the bot was down is sent late if still within `LATE_LIMIT` of its
time, otherwise recorded as skipped. A claim its worker never marked (it crashed between
commit and send) is taken over after `LEASE`, within the same late limit; a crash after
the send but before the mark is the one case that can repeat a message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coach.timing import ScheduleError, days_from_mask, due_since, parse_zone
from bot.db.dialect import insert
from bot.db.engine import Database
from bot.db.models import Delivery, Schedule, User, UserSettings
from bot.services.schedule import wake_time

log = logging.getLogger(__name__)

REMINDER, SUMMARY = "reminder", "summary"
LATE_LIMIT = dt.timedelta(hours=2)
# A worker sends what it claimed within seconds (`delivery`: a few hundred messages at
# 30 per second, plus any flood wait, 30 s at most); five minutes leaves no doubt it died.
LEASE = dt.timedelta(minutes=5)
CLAIM_BATCH = 100


class Status(StrEnum):
    """Where a delivery stands; the ledger's `status` column."""

    CLAIMED = "claimed"  # committed, being sent
    SENT = "sent"
    SKIPPED = "skipped"  # too late when the bot got to it
    BLOCKED = "blocked"  # the lifter blocked the bot (403); their reminders are off
    FAILED = "failed"  # Telegram refused it, or retries ran out
    UNCONFIRMED = "unconfirmed"  # no answer: it may or may not have arrived; never repeated


@dataclass(frozen=True, slots=True)
class Claim:
    """One message this worker now owns and must send."""

    delivery_id: int
    user_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class Delivered:
    """How sending one claimed message went."""

    claim: Claim
    status: Status
    attempts: int


@dataclass(slots=True)
class Claimed:
    """The outcome of one claim: what to send, whose next wake-up moved, whether to go on."""

    deliveries: list[Claim] = field(default_factory=list)
    wake: dict[int, dt.datetime | None] = field(default_factory=dict)
    more: bool = False  # a batch was full: claim again


def _insert_ignoring_duplicates(session: AsyncSession, rows: list[dict[str, Any]]) -> Any:
    """INSERT ... ON CONFLICT (user, kind, day) DO NOTHING RETURNING, in this dialect."""
    return (
        insert(session, Delivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "local_day"])
        .returning(Delivery.id, Delivery.user_id, Delivery.kind, Delivery.status)
    )


def _ledger_rows(
    schedule: Schedule, settings: UserSettings, now: dt.datetime, worker: str
) -> list[dict[str, Any]]:
    """Ledger rows for everything due on one schedule; advances its next instants."""
    zone = parse_zone(schedule.time_zone)
    plans = []
    if schedule.enabled and schedule.next_due_at is not None and schedule.next_due_at <= now:
        days, at = days_from_mask(schedule.days), schedule.local_time
        plans.append((REMINDER, days, at, schedule.next_due_at))
    if schedule.next_summary_at is not None and schedule.next_summary_at <= now:
        days, at = frozenset({settings.weekly_summary_day}), settings.weekly_summary_time
        plans.append((SUMMARY, days, at, schedule.next_summary_at))
    rows = []
    for kind, days, at, first in plans:
        found, following = due_since(
            days=days, at=at, zone=zone, first=first, now=now, late_limit=LATE_LIMIT
        )
        if kind == REMINDER:
            schedule.next_due_at = following
        else:
            schedule.next_summary_at = following
        rows += [
            {
                "user_id": schedule.user_id,
                "kind": kind,
                "local_day": occurrence.day,
                "due_at": occurrence.due,
                "claimed_at": now,
                "claimed_by": worker,
                "status": Status.CLAIMED if occurrence.send else Status.SKIPPED,
                "attempts": 0,
            }
            for occurrence in found
        ]
    return rows


async def _claim_schedules(
    session: AsyncSession, now: dt.datetime, worker: str, claimed: Claimed
) -> None:
    due = or_(
        and_(Schedule.enabled.is_(True), Schedule.next_due_at <= now),
        Schedule.next_summary_at <= now,
    )
    query = (
        select(Schedule, UserSettings)
        .join(UserSettings, UserSettings.user_id == Schedule.user_id)
        .where(due)
        .order_by(Schedule.user_id)
        .limit(CLAIM_BATCH)
        .with_for_update(of=Schedule, skip_locked=True)
    )
    found = (await session.execute(query)).all()
    rows: list[dict[str, Any]] = []
    for schedule, settings in found:
        try:
            rows += _ledger_rows(schedule, settings, now, worker)
        except ScheduleError:  # a corrupt row must not block everyone else's reminders
            log.error("schedule of user %s is unreadable; reminders turned off", schedule.user_id)
            schedule.enabled, schedule.next_due_at, schedule.next_summary_at = False, None, None
        claimed.wake[schedule.user_id] = wake_time(schedule)
    if rows:
        for delivery_id, user_id, kind, status in await session.execute(
            _insert_ignoring_duplicates(session, rows)
        ):
            if status == Status.CLAIMED:
                claimed.deliveries.append(Claim(delivery_id, user_id, kind))
    claimed.more = len(found) == CLAIM_BATCH


async def _take_over_stale(
    session: AsyncSession, now: dt.datetime, worker: str, claimed: Claimed
) -> None:
    """Claims whose worker died before sending: send them if still in time, else skip."""
    query = (
        select(Delivery)
        .where(Delivery.status == Status.CLAIMED, Delivery.claimed_at < now - LEASE)
        .order_by(Delivery.id)
        .limit(CLAIM_BATCH)
        .with_for_update(skip_locked=True)
    )
    stale = (await session.scalars(query)).all()
    for delivery in stale:
        if now - delivery.due_at > LATE_LIMIT:
            delivery.status = Status.SKIPPED
            continue
        delivery.claimed_at, delivery.claimed_by = now, worker
        claimed.deliveries.append(Claim(delivery.id, delivery.user_id, delivery.kind))
    claimed.more = claimed.more or len(stale) == CLAIM_BATCH


async def claim_due(db: Database, now: dt.datetime, worker: str) -> Claimed:
    """Claim one batch of due reminders and summaries for `worker`, committed on return."""
    claimed = Claimed()
    async with db.transaction() as session:
        await _claim_schedules(session, now, worker, claimed)
        await _take_over_stale(session, now, worker, claimed)
    return claimed


async def hand_back(db: Database, claims: Sequence[Claim], now: dt.datetime) -> None:
    """Give up claims this worker will not send (it is stopping): the next claim by any
    worker takes them over at once, as if their lease had run out."""
    ids = [claim.delivery_id for claim in claims]
    async with db.transaction() as session:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status == Status.CLAIMED)
            .values(claimed_at=now - LEASE - dt.timedelta(seconds=1))
        )


async def record(db: Database, done: Sequence[Delivered], now: dt.datetime) -> None:
    """Mark claimed deliveries with how sending went, in one transaction.

    A lifter who blocked the bot gets their reminders and summary turned off.
    """
    groups: dict[tuple[Status, int], list[int]] = {}
    for item in done:
        groups.setdefault((item.status, item.attempts), []).append(item.claim.delivery_id)
    blocked = {item.claim.user_id for item in done if item.status == Status.BLOCKED}
    async with db.transaction() as session:
        for (status, attempts), ids in groups.items():
            await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(
                    status=status,
                    sent_at=now if status == Status.SENT else None,
                    attempts=Delivery.attempts + attempts,
                )
            )
        if blocked:
            await session.execute(
                update(Schedule)
                .where(Schedule.user_id.in_(blocked))
                .values(enabled=False, next_due_at=None, next_summary_at=None)
            )
            await session.execute(update(User).where(User.id.in_(blocked)).values(blocked_at=now))
