"""How busy every worker is: the send budget's view of others' replies.

The inbox's `received_at` is indexed (pruning reads it too), so the count is one short
index range scan; the fan-out leader looks twice a second while it sends, in one
transaction, and also counts the workers alive (their advisory locks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select, text

from bot.db.engine import Database
from bot.db.models import InboxUpdate

_HOLDERS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :kind "
    "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@dataclass(frozen=True, slots=True)
class Arrivals:
    """Updates stored by every worker lately, and how many workers are alive."""

    last: int  # in the last stretch
    span: int  # in the longer span
    workers: int


async def look(
    db: Database, now: dt.datetime, last: dt.timedelta, span: dt.timedelta, workers: int
) -> Arrivals:
    """Updates stored in the `last` stretch before `now` and in the longer `span`, and
    how many advisory locks of class `workers` are held (PostgreSQL): workers alive."""
    recent = case((InboxUpdate.received_at > now - last, 1), else_=0)
    query = select(func.count(), func.coalesce(func.sum(recent), 0)).where(
        InboxUpdate.received_at > now - span
    )
    async with db.transaction() as session:
        in_span, in_last = (await session.execute(query)).one()
        alive = await session.scalar(_HOLDERS, {"kind": workers})
    return Arrivals(int(in_last), int(in_span), int(alive or 0))
