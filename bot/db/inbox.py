"""The inbox: every update stored on arrival, marked when handled, pruned after a day.

Telegram keeps an unconfirmed update for 24 hours and redelivers it until it is
confirmed, so a row must outlive that: `REDELIVERY_WINDOW` adds a margin. Inside the
window an id already here is a redelivery and is not handled again; after it the id
may be Telegram's again for a new message (it restarts ids after a week without
updates), and storing it replaces the old row.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Executable, bindparam, delete, exists, func, null, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.db.dialect import dialect_of, insert_into
from bot.db.direct import Direct
from bot.db.models import IN_PROGRESS, InboxUpdate, Workout

REDELIVERY_WINDOW = dt.timedelta(hours=26)  # Telegram's 24 hours, and a margin
PRUNE_BATCH = 1_000  # rows deleted per statement: short transactions, no long locks


@dataclass(frozen=True, slots=True)
class Arrival:
    """One update as it came in: its id, its chat (if any) and its JSON."""

    update_id: int
    chat_id: int | None
    payload: str


@functools.cache
def _store_statement(dialect: str) -> Executable:
    """One row's upsert, given a batch's rows at once (executemany): SQLAlchemy compiles
    it once per engine and sends the batch as one multi-row INSERT with RETURNING (its
    "insertmanyvalues"), every row's values through the columns' types. A statement with
    the rows written into it has no cache key, so it was compiled for every batch (0.4 ms
    of CPU for one update), and it typed only its first row. Driver SQL compiled once
    per batch size costs as much for one update and about a quarter less in a batch of
    100, but it needs SQLAlchemy's private bind processors.

    The SET clause takes no parameter (`null()`, not None, which is one): with one,
    SQLAlchemy runs the batch row by row (sqlalchemy#13130). The WHERE's cutoff, the
    same in every row, is sent once."""
    table = InboxUpdate.__table__
    statement = insert_into(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.update_id],
        set_={
            "received_at": statement.excluded.received_at,
            "chat_id": statement.excluded.chat_id,
            "payload": statement.excluded.payload,
            "claimed_at": null(),
            "done_at": null(),
            "worker": statement.excluded.worker,
        },
        where=table.c.received_at < bindparam("cutoff"),
    ).returning(table.c.update_id)


async def store(
    session: AsyncSession, arrivals: Sequence[Arrival], now: dt.datetime, worker: int | None
) -> set[int]:
    """Store a batch in one statement, as `worker`'s to handle; the ids that are new
    (not redeliveries)."""
    if not arrivals:
        return set()
    connection = await session.connection()
    cutoff = now - REDELIVERY_WINDOW
    # One row per id: an update delivered again in the same batch is the same.
    unique = {a.update_id: a for a in reversed(arrivals)}.values()
    rows = [
        {
            "update_id": a.update_id,
            "received_at": now,
            "chat_id": a.chat_id,
            "payload": a.payload,
            "worker": worker,
            "cutoff": cutoff,
        }
        for a in unique
    ]
    result = await connection.execute(_store_statement(dialect_of(session)), rows)
    return set(result.scalars())


@dataclass(frozen=True, slots=True)
class Pending:
    """A stored update not yet handled; `claimed` if it already changed the lifter's state."""

    update_id: int
    payload: str
    claimed: bool
    training: bool  # the chat's lifter has a workout going


_TRAINING = exists().where(Workout.user_id == InboxUpdate.chat_id, IN_PROGRESS).label("training")
_PENDING = (
    select(InboxUpdate.update_id, InboxUpdate.payload, InboxUpdate.claimed_at, _TRAINING)
    .where(InboxUpdate.done_at.is_(None), InboxUpdate.payload.is_not(None))
    .order_by(InboxUpdate.update_id)
)


async def pending(session: AsyncSession, only: Sequence[int] | None = None) -> list[Pending]:
    """Updates stored but not yet handled (a crash came between, or their answer did not
    get through), in id order; `only` these ids if given."""
    query = _PENDING if only is None else _PENDING.where(InboxUpdate.update_id.in_(only))
    return [
        Pending(row.update_id, row.payload, row.claimed_at is not None, bool(row.training))
        for row in await session.execute(query)
    ]


async def pending_workers(session: AsyncSession) -> set[int]:
    """The workers that have updates still to handle."""
    query = (
        select(InboxUpdate.worker)
        .where(InboxUpdate.done_at.is_(None), InboxUpdate.worker.is_not(None))
        .distinct()
    )
    return set(await session.scalars(query))


async def adopt(session: AsyncSession, dead: int, worker: int) -> list[int]:
    """A dead worker's unhandled updates become `worker`'s; their ids."""
    result = await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.worker == dead, InboxUpdate.done_at.is_(None))
        .values(worker=worker)
        .returning(InboxUpdate.update_id)
    )
    return list(result.scalars())


async def last_update_id(session: AsyncSession) -> int:
    """The highest update id stored, 0 if none."""
    return int(await session.scalar(select(func.max(InboxUpdate.update_id))) or 0)


_MARK_DONE = (
    update(InboxUpdate)
    .where(InboxUpdate.update_id.in_(bindparam("ids", expanding=True)))
    .values(done_at=bindparam("now"))
)


async def mark_done(session: AsyncSession, update_ids: Sequence[int], now: dt.datetime) -> None:
    """These updates are handled: not to be handled again after a restart."""
    if update_ids:
        await session.execute(_MARK_DONE, {"ids": list(update_ids), "now": now})


@functools.cache
def _claim_statement(dialect: str) -> Direct:
    table = InboxUpdate.__table__
    statement = insert_into(dialect, table)
    return Direct(
        statement.on_conflict_do_update(
            index_elements=[table.c.update_id],
            set_={"claimed_at": statement.excluded.claimed_at},
            where=table.c.claimed_at.is_(None),
        )
    )


async def claim_update(
    connection: AsyncConnection, update_id: int | None, user_id: int, now: dt.datetime
) -> bool:
    """Record, in the caller's transaction, that this update changes a lifter's state;
    False if it already did (handled once, then again after a crash before `done_at`).

    An update that never went through the inbox (`coach chat`'s tests feed some
    directly) gets a row of its own, already done, so the ledger holds it too.
    """
    if update_id is None:
        return True
    changed = await _claim_statement(dialect_of(connection)).run(
        connection, {"update_id": update_id, "received_at": now, "claimed_at": now, "done_at": now}
    )
    return bool(changed)


async def prune(session: AsyncSession, now: dt.datetime) -> int:
    """Delete up to `PRUNE_BATCH` handled rows older than the window; how many went."""
    oldest = (
        select(InboxUpdate.update_id)
        .where(InboxUpdate.received_at < now - REDELIVERY_WINDOW)
        .where(InboxUpdate.done_at.is_not(None))
        .limit(PRUNE_BATCH)
    )
    result = await session.execute(
        delete(InboxUpdate).where(InboxUpdate.update_id.in_(oldest.scalar_subquery()))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_chat(session: AsyncSession, chat_id: int) -> None:
    """Delete a chat's updates (/deletemydata): their texts are the lifter's own words."""
    await session.execute(delete(InboxUpdate).where(InboxUpdate.chat_id == chat_id))
