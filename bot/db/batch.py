"""Group commit: the updates handled together share one transaction, a savepoint each.

One transaction per update costs about half a millisecond of CPU before it does
anything (BENCHMARKS.md). The update processor (`bot.processing`) puts the updates it
runs at the same time into a `Batch`: `Database.transaction()` inside one of them is a
savepoint on the batch's session, so an update that fails rolls back alone, and the
batch commits once, when every member has finished or stopped at a Bot API call. Those
calls wait for the commit (`gate`, in the transport: `bot.retry`), so no lifter hears
of a set before it is stored; a call that needs its answer (a message id) gets it
then, and what its update does afterwards is an ordinary transaction. If the commit
fails, nothing of the batch was stored or said: the calls waiting at the gate raise
`Abandoned`, and the processor handles each member again alone (their ledger claims
were rolled back with the rest, so that is safe).

Members are tasks: only the task that joined is a member, not the tasks it starts
(a job armed by an update reads what is committed when it runs, like any other).
One `AsyncSession` must not be used by two tasks at once, so members take turns at
the session, a whole `transaction()` block each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from bot.db.engine import Database

log = logging.getLogger(__name__)


class Abandoned(BaseException):
    """The batch of the update making this call did not commit: the call must not go
    out, and the update is handled again alone. A BaseException, so that no handler's
    `except Exception` takes it for a failure to tell the lifter about."""


class Batch:
    """Updates handled in one transaction; open to new members until it commits."""

    def __init__(self) -> None:
        self.open = True
        self.size = 0
        self._running = 0
        self._idle = asyncio.Event()
        self._outcome: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._db: Database | None = None
        self._session: AsyncSession | None = None
        self._stack = contextlib.AsyncExitStack()
        self._turn = asyncio.Lock()
        self._committer = asyncio.get_running_loop().create_task(self._commit_when_idle())

    @property
    def settled(self) -> bool:
        return self._outcome.done()

    def join(self) -> Member:
        """Make the current task a member; it counts as running until it finishes or
        stops at a Bot API call."""
        assert self.open
        task = asyncio.current_task()
        assert task is not None
        self.size += 1
        self._running += 1
        self._idle.clear()
        return Member(self, task)

    def _rest(self) -> None:
        self._running -= 1
        if not self._running:
            self._idle.set()

    async def committed(self) -> bool:
        """Wait for the commit; False if it failed (nothing of the batch is stored)."""
        return await asyncio.shield(self._outcome)

    def joins(self, db: Database) -> bool:
        """Whether `db`'s transactions inside a member are savepoints of this batch (a
        batch spans one database; another one's transactions stay ordinary)."""
        return not self.settled and (self._db is None or self._db is db)

    @contextlib.asynccontextmanager
    async def savepoint(self, db: Database, member: Member) -> AsyncIterator[AsyncSession]:
        """A member's `transaction()`: a savepoint on the batch's session, its turn at
        the session waited for as long as a transaction waits for its turn."""
        try:
            async with asyncio.timeout(db.timeout):
                await self._turn.acquire()
        except TimeoutError:
            raise TimeoutError(f"no turn at the batch within {db.timeout} s") from None
        try:
            if self._session is None:
                self._db = db
                self._session = await self._stack.enter_async_context(db.begin())
            member.inside = True
            async with self._session.begin_nested():
                yield self._session
        finally:
            member.inside = False
            self._turn.release()

    async def _commit_when_idle(self) -> None:
        while True:
            await self._idle.wait()
            await asyncio.sleep(0)  # updates about to start (a slot just freed) join first
            if self._idle.is_set():
                break
        self.open = False
        try:
            await self._stack.aclose()
        except Exception as error:
            log.warning("commit of a batch of %d failed: %r; each goes again", self.size, error)
            self._outcome.set_result(False)
        else:
            self._outcome.set_result(True)


class Member:
    """One update's place in a batch."""

    def __init__(self, batch: Batch, task: asyncio.Task[object]) -> None:
        self.batch = batch
        self.task = task
        self.running = True
        self.inside = False  # in a `transaction()` block (a savepoint) right now

    def rest(self) -> None:
        """The update finished, or stopped to wait for the commit."""
        if self.running:
            self.running = False
            self.batch._rest()


_MEMBER: ContextVar[Member | None] = ContextVar("batch_member", default=None)


def current() -> Member | None:
    """The current task's place in a batch that has not committed yet, if it has one."""
    member = _MEMBER.get()
    if member is None or member.batch.settled or member.task is not asyncio.current_task():
        return None
    return member


@contextlib.contextmanager
def membership(member: Member) -> Iterator[None]:
    """Inside, the current task's transactions belong to `member`'s batch."""
    token = _MEMBER.set(member)
    try:
        yield
    finally:
        _MEMBER.reset(token)
        member.rest()


async def gate() -> None:
    """Before a Bot API call: a member waits until its batch has committed; raises
    `Abandoned` if the commit failed. A call made inside a `transaction()` block goes
    out at once, as it did before group commit: the batch cannot commit under it."""
    member = current()
    if member is None or member.inside:
        return
    member.rest()
    if not await member.batch.committed():
        raise Abandoned
