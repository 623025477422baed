"""One fan-out at a time across all workers, so reminders share one send budget.

Each process paces its reminders at Telegram's 30 messages per second; two processes
fanning out together drew about 360 429s in a measurement (and 429s delay lifters'
replies too). On PostgreSQL the fan-out leader is whoever holds a session-level
advisory lock; the others leave the fan-out to it: it claims until nothing is due, and
what comes due after its last claim is picked up by the next wake-up or sweep of any
worker. The lock is held on a connection in autocommit, so no transaction stays open
for the minutes a large fan-out takes, and PostgreSQL releases it if the leader dies.
SQLite runs one process (`bot.pipeline.single`), which always leads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.db.engine import Database

# The lock's key: a fixed number for "reminder fan-out", and the schema, so deployments
# (or test runs) in separate schemas of one database do not wait for each other.
FANOUT_LOCK = 7_301_001
_TRY = text("SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))")
_RELEASE = text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))")


@asynccontextmanager
async def fanout_lead(db: Database) -> AsyncIterator[bool]:
    """Yield whether this process leads the fan-out now (and hold the lead meanwhile)."""
    if db.is_sqlite:
        yield True
        return
    async with db.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        leading = bool(await connection.scalar(_TRY, {"key": FANOUT_LOCK}))
        try:
            yield leading
        finally:
            if leading:
                await connection.execute(_RELEASE, {"key": FANOUT_LOCK})
