"""How many updates every worker stored lately: the send budget's view of others' replies.

The inbox's `received_at` is indexed (pruning reads it too), so this is one short
index range scan; the fan-out leader runs it twice a second while it sends.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select, text

from bot.db.engine import Database
from bot.db.models import InboxUpdate


async def count_since(
    db: Database, now: dt.datetime, last: dt.timedelta, span: dt.timedelta
) -> tuple[int, int]:
    """Updates stored in the `last` stretch before `now`, and in the longer `span`."""
    recent = case((InboxUpdate.received_at > now - last, 1), else_=0)
    query = select(func.count(), func.coalesce(func.sum(recent), 0)).where(
        InboxUpdate.received_at > now - span
    )
    async with db.transaction() as session:
        in_span, in_last = (await session.execute(query)).one()
    return int(in_last), int(in_span)


_HOLDERS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :kind "
    "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


async def lock_holders(db: Database, kind: int) -> int:
    """How many advisory locks of class `kind` are held in this database (PostgreSQL):
    with the workers' class, how many workers are alive."""
    async with db.transaction() as session:
        return int(await session.scalar(_HOLDERS, {"kind": kind}) or 0)
