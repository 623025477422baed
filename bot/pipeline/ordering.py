"""Each lifter's updates handled in update-id order, whichever webhook worker stored them.

Behind a round-robin load balancer a lifter's "225x6" and the "2" right after it land on
two workers. Each worker chains a chat's updates in memory (`bot.processing`), but two
workers would handle the two at once, the "2" possibly first. So before handling an
update a worker looks at the chat's update just before it in the inbox (one probe of
an index) and goes on only once that one is handled:

- every worker holds a session-level advisory lock on each update it has in hand, taken
  before the update is stored (or adopted from a dead worker) and released as soon as it
  is handled, its reply sent. The inbox's `done_at` would say so too, but only in
  batches 0.2 s later (`bot.pipeline.inbox.MARK_DELAY`): the next update would wait that;
- the previous update's lock is held: its worker has it in hand; wait for the lock (a
  second at a time, at most `WAIT_LIMIT`, then go on: a stuck worker must not silence
  the lifter for good);
- free, and its worker alive: handled (its mark comes later); go on;
- free, and its worker dead: take that worker's updates over (`Inbox.adopt_orphans`) and
  handle this chat's among them first, here, in order;
- a survivor is taking the dead worker's updates over (`bot.pipeline.workers`): look
  again in a moment.
The previous update alone is enough: it was itself handled only after the one before
it. A worker's own earlier updates are already ordered by its in-memory chain. The
order kept is the order updates are stored in (each is held before its 200): two
updates of one chat posted at the same time on parallel connections could be stored,
and so handled, in either order.

Cost: three short statements per update (hold, look, release; releases go together
under load), 0.4 to 0.5 ms of CPU (`python -m benchmarks.ordering_cost`).

Only webhook workers on PostgreSQL do this; polling is one process by construction and
SQLite one process (`bot.pipeline.single`), and their updates skip it entirely.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram import Update

from bot.db.engine import Database
from bot.pipeline.workers import ADOPTING_LOCKS, WORKER_LOCKS, WorkerLock

log = logging.getLogger(__name__)

UPDATE_LOCKS = 7_301_003  # the advisory lock class for "this update is in hand"
WAIT_LIMIT = 30.0  # seconds an update waits for the one before it, at most
WAIT_SLICE = "1s"  # one wait for a lock; then look again (its worker may have died)
ADOPTING_PAUSE = 0.05  # seconds before looking again while a survivor adopts

# An update's lock key: its id in 31 bits, mixed with the schema so that deployments
# (or test runs) in separate schemas of one database never wait for each other.
_KEY = "(({id} % 2147483648)::int # hashtext(current_schema()))"
# The two lines below speak asyncpg's own SQL ($1, $2): a statement through SQLAlchemy
# cost 0.2 ms of CPU here and 0.08 ms directly, on a path every update takes three times.
_EACH = "FROM unnest($2::bigint[]) AS u"
_HOLD = f"SELECT u, pg_advisory_lock($1, {_KEY.format(id='u')}) IS NOT NULL {_EACH}"
_TRY_HOLD = f"SELECT u, pg_try_advisory_lock($1, {_KEY.format(id='u')}) {_EACH}"
_RELEASE = f"SELECT pg_advisory_unlock($1, {_KEY.format(id='u')}) {_EACH}"
_RELEASE_ALL = "SELECT pg_advisory_unlock_all()"
_NOTHING = "SELECT 1"
# The chat's update before this one and where it is. The transaction-level locks are
# only tries, let go at the end of the statement (autocommit); CASE tries them in order.
_PREVIOUS = f"""
    SELECT update_id, CASE
        WHEN done_at IS NOT NULL OR worker IS NULL OR worker = $1 THEN 'handled'
        WHEN NOT pg_try_advisory_xact_lock({UPDATE_LOCKS}, {_KEY.format(id="update_id")})
            THEN 'in hand'
        WHEN pg_try_advisory_xact_lock({WORKER_LOCKS}, worker::int) THEN 'dead'
        WHEN pg_try_advisory_xact_lock({ADOPTING_LOCKS}, worker::int) THEN 'handled'
        ELSE 'adopting'
    END
    FROM inbox WHERE chat_id = $2 AND update_id < $3
    ORDER BY update_id DESC LIMIT 1
    """
# Waiting for another worker's update is rare: through SQLAlchemy, in a transaction.
_SLICE = text(f"SET LOCAL lock_timeout = '{WAIT_SLICE}'")
_WAIT = text(f"SELECT pg_advisory_xact_lock(:kind, {_KEY.format(id='CAST(:update AS bigint)')})")

Handle = Callable[[Update], Awaitable[None]]


class _Line:
    """A connection of our own in autocommit, one statement at a time, opened again
    after a failure (`reopened` runs then: the locks held went with the old one)."""

    def __init__(self, db: Database, reopened: Callable[[_Line], Awaitable[None]] | None = None):
        self.db = db
        self.reopened = reopened
        self._connection: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection under it
        self._broken = False
        self._turn = asyncio.Lock()

    async def say(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        async with self._turn:
            return await self._say(sql, *args)

    async def _say(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        if self._connection is None:
            connection = await self.db.engine.connect()
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            self._driver = (await self._connection.get_raw_connection()).driver_connection
            if self._broken and self.reopened is not None:
                await self.reopened(self)
        try:
            return [tuple(row) for row in await self._driver.fetch(sql, *args)]
        except Exception:
            connection, self._connection = self._connection, None
            self._broken = True
            with contextlib.suppress(Exception):
                await connection.invalidate()
            raise

    async def close(self) -> None:
        """Let go of every session lock and give the connection back."""
        async with self._turn:
            connection, self._connection = self._connection, None
        if connection is None:
            return
        try:  # the connection goes back to the pool, where the locks would outlive us
            await self._driver.fetch(_RELEASE_ALL)
        except Exception as error:
            log.info("update locks not released (%r); the connection is discarded", error)
            await connection.invalidate()
        finally:
            with contextlib.suppress(Exception):
                await connection.close()


class ChatOrder:
    """The gate before each update of a webhook worker on PostgreSQL (inactive otherwise)."""

    def __init__(
        self, db: Database, workers: WorkerLock, adopt: Callable[[], Awaitable[int]]
    ) -> None:
        self.db = db
        self.workers = workers
        self._adopt = adopt
        self._handle: Handle | None = None
        # The locks of the updates in hand on one connection; looking at previous
        # updates on another, so that storing (waited for by Telegram) never queues
        # behind the handlers' looks.
        self._locks = _Line(db, self._hold_again)
        self._looks = _Line(db)
        self._held: set[int] = set()
        self._releasing: list[int] = []
        self._releaser: asyncio.Task[None] | None = None
        self._adopted: dict[int, Update] = {}  # taken from a dead worker, not yet handled
        self._taken: set[int] = set()  # handled ahead of their place in the queue

    @property
    def active(self) -> bool:
        return self._handle is not None

    def enable(self, handle: Handle) -> None:
        """Order chats across workers (webhook mode); `handle` handles an update at once,
        as the processor would (a dead worker's update before the one waiting for it)."""
        if not self.db.is_sqlite:
            self._handle = handle

    async def open(self) -> None:
        """Connect now (at start, before adopting), so a bad database shows at once."""
        if self.active:
            await self._locks.say(_NOTHING)

    async def _hold_again(self, line: _Line) -> None:
        if self._held:
            await line._say(_HOLD, UPDATE_LOCKS, sorted(self._held))

    async def hold(self, update_ids: Sequence[int], *, adopting: bool = False) -> set[int]:
        """Mark these updates in hand, before they are stored (or adopted); the ids newly
        held. One in hand here or at another worker (delivered again) is not held twice:
        a new update's lock is always free, while an adopted one's may be tried for a
        moment by a worker looking at it, so adopting waits for it."""
        if not self.active:
            return set()
        new = {u for u in update_ids if u not in self._held}
        if not new:
            return set()
        statement = _HOLD if adopting else _TRY_HOLD
        rows = await self._locks.say(statement, UPDATE_LOCKS, sorted(new))
        held = {int(u) for u, taken in rows if taken}
        self._held |= held
        return held

    def release(self, update_id: int) -> None:
        """This update is handled: the next one of its chat may go, at once."""
        if update_id not in self._held:
            return
        self._held.discard(update_id)
        self._releasing.append(update_id)
        if self._releaser is None or self._releaser.done():
            self._releaser = asyncio.get_running_loop().create_task(self._release())

    async def _release(self) -> None:
        while self._releasing:  # those released while a statement runs go in the next
            ids, self._releasing = self._releasing, []
            try:
                await self._locks.say(_RELEASE, UPDATE_LOCKS, ids)
            except Exception as error:  # the connection is gone, and its locks with it
                log.warning("could not release %d updates: %r", len(ids), error)

    def adopted(self, update: Update) -> None:
        """A dead worker's update, queued here: a later one of its chat handles it first."""
        if self.active:
            self._adopted[update.update_id] = update

    async def turn(self, update: Update) -> bool:
        """Wait until the update before this one in its chat is handled; False if this one
        was handled already, ahead of its place in the queue."""
        if update.update_id in self._taken:
            self._taken.discard(update.update_id)
            return False
        self._adopted.pop(update.update_id, None)
        chat = update.effective_chat
        if chat is None or not self.active:
            return True
        try:
            await self._wait_turn(chat.id, update.update_id)
        except Exception as error:  # the database is out: handled without waiting
            log.warning("could not look for the update before one: %r", error)
        return True

    async def _wait_turn(self, chat: int, update_id: int) -> None:
        deadline = time.monotonic() + WAIT_LIMIT
        while True:
            await self._handle_adopted(chat, update_id)
            rows = await self._looks.say(_PREVIOUS, self.workers.worker, chat, update_id)
            if not rows or rows[0][1] == "handled":
                return
            previous, state = rows[0]
            if time.monotonic() >= deadline:
                log.warning("update %s went on without update %s (%s)", update_id, previous, state)
                return
            if state == "dead":
                if not await self._adopt():
                    await asyncio.sleep(ADOPTING_PAUSE)  # another survivor took them
            elif state == "adopting":
                await asyncio.sleep(ADOPTING_PAUSE)
            else:
                await self._wait_released(int(previous))

    async def _handle_adopted(self, chat: int, before: int) -> None:
        """Handle, oldest first, this chat's updates adopted here and still queued."""
        earlier = [
            u
            for u, update in self._adopted.items()
            if u < before and update.effective_chat is not None and update.effective_chat.id == chat
        ]
        for update_id in sorted(earlier):
            update = self._adopted.pop(update_id, None)
            if update is None:
                continue  # its own turn came meanwhile
            self._taken.add(update_id)
            await self._wait_turn(chat, update_id)
            assert self._handle is not None
            await self._handle(update)

    async def _wait_released(self, update_id: int) -> None:
        """Wait until another worker releases this update, a slice at most."""
        with contextlib.suppress(DBAPIError):  # the slice ran out: look again
            async with self.db.engine.begin() as connection:
                await connection.execute(_SLICE)
                await connection.execute(_WAIT, {"kind": UPDATE_LOCKS, "update": update_id})

    async def close(self) -> None:
        """Let go of every update lock (the process is stopping)."""
        if self._releaser is not None:
            await self._releaser
        await self._looks.close()
        await self._locks.close()
