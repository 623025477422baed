"""Which worker handles a stored update, and taking over the updates of one that died.

Every update in the inbox is marked with the worker that stored it and will handle it.
On PostgreSQL a worker is alive while it holds a session-level advisory lock on its
number, on a connection of its own; the kernel and PostgreSQL free it when the process
dies, however it dies. A worker that can take a lock with another worker's number has
found that worker dead: holding it, it makes the dead one's unhandled updates its own
(so two survivors never take the same ones), handles them, and lets the lock go. A
worker's updates in flight are never taken by another while it lives. On SQLite there is
one process (`bot.pipeline.single`), so every unhandled update at start-up is its own.

A worker taking over another's number first holds a second lock, "adopting" that number,
until it gives the number back: whoever sees a number's lock held can tell the worker
itself (adopting lock free) from a survivor in the middle of taking its updates
(`bot.pipeline.ordering` must not mistake the one for the other).
"""

from __future__ import annotations

import contextlib
import logging
import random

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.engine import Database

log = logging.getLogger(__name__)

WORKER_LOCKS = 7_301_002  # the advisory lock class for "a worker is alive"
ADOPTING_LOCKS = 7_301_004  # "a survivor is taking this dead worker's updates"
_LOCK = text("SELECT pg_advisory_lock(:kind, :worker)")
_TRY = text("SELECT pg_try_advisory_lock(:kind, :worker)")
_RELEASE = text("SELECT pg_advisory_unlock(:kind, :worker)")


class WorkerLock:
    """This worker's number, held as a lock while it lives (PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.worker: int | None = None  # None on SQLite: one process, no numbers needed
        self._connection: AsyncConnection | None = None

    async def hold(self) -> None:
        """Pick a number and hold its lock until `release`."""
        if self.db.is_sqlite or self._connection is not None:
            return
        connection = await self.db.engine.connect()
        self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        while True:
            worker = random.randint(1, 2**31 - 1)
            if await self._connection.scalar(_TRY, {"kind": WORKER_LOCKS, "worker": worker}):
                self.worker = worker
                return

    async def try_take(self, other: int) -> bool:
        """Take another worker's lock if it is dead; True then (give it back with `drop`)."""
        if self._connection is None or other == self.worker:
            return False
        if not await self._connection.scalar(_TRY, {"kind": ADOPTING_LOCKS, "worker": other}):
            return False  # another survivor is taking it over
        if await self._connection.scalar(_TRY, {"kind": WORKER_LOCKS, "worker": other}):
            return True
        await self._connection.execute(_RELEASE, {"kind": ADOPTING_LOCKS, "worker": other})
        return False

    async def drop(self, other: int) -> None:
        """Give back a dead worker's lock taken with `try_take`."""
        assert self._connection is not None
        await self._connection.execute(_RELEASE, {"kind": WORKER_LOCKS, "worker": other})
        await self._connection.execute(_RELEASE, {"kind": ADOPTING_LOCKS, "worker": other})

    async def release(self) -> None:
        """Stop being alive (the process is stopping)."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:  # the connection goes back to the pool, where a lock would outlive us
            await connection.execute(_RELEASE, {"kind": WORKER_LOCKS, "worker": self.worker})
        except Exception as error:  # the session is gone, and its lock with it
            log.info("worker lock not released (%r); the connection is discarded", error)
            await connection.invalidate()
        finally:
            with contextlib.suppress(Exception):
                await connection.close()
