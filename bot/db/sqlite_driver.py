"""SQLite for SQLAlchemy's asyncio engine: a transaction runs in place on the event loop.

SQLAlchemy's `sqlite+aiosqlite` dialect drives aiosqlite, which runs every call on the
connection's own thread: four to five hops between the event loop and that thread per
statement, and the hops, not SQLite, were half of the CPU the coach spent storing a set.
This connection keeps aiosqlite's interface, which the dialect expects, and runs a
transaction in place, without a hop, from BEGIN IMMEDIATE to COMMIT, as long as nothing
in it can wait for another process or for the disk:

- BEGIN IMMEDIATE (`BEGIN`, which the engine opens every transaction with) runs with
  SQLite's busy timeout at 0: if another process holds the write lock, it fails at once
  with "database is locked" and is tried again on the connection's thread, which waits
  up to the busy timeout (the engine's DATABASE_TIMEOUT) and fails as before after it.
- A statement: the connection holds the write lock, and with WAL and synchronous=NORMAL
  a statement touches only the page cache and the WAL file, unsynced.
- COMMIT appends to the WAL unsynced too: SQLite's automatic checkpoint, which copies
  the WAL into the database with fsync inside COMMIT, is off (wal_autocheckpoint=0).
  Instead, after `CHECKPOINT_EVERY` commits that wrote, the next transaction first waits
  for a PASSIVE checkpoint on the thread. The process's transactions take turns, so none
  writes meanwhile and the checkpoint can copy the whole WAL. The next commit that writes
  then starts the WAL over and syncs its header, so it runs on the thread, as do the
  first one after a connection opens (the WAL may be new) and one after executemany (it
  may write much). The WAL thus holds about `CHECKPOINT_EVERY` transactions, and closing
  the last connection checkpoints and deletes it, as before. (Should another program
  checkpoint it, a commit in place may start it over and sync once on the loop.)
The busy timeout is 0 except on the thread, where every statement outside a transaction
(PRAGMAs) and a BEGIN or COMMIT that found the database locked wait for other processes.
On the thread also run executemany (bulk imports), ROLLBACK (only after an error: there
it queues behind a cancelled call still running instead of blocking the loop on the
connection's mutex), and close.

Ten `select 1` in a transaction took 0.66 ms of CPU with BEGIN and COMMIT on the thread
and 0.36 ms in place; through `Database.transaction`, BEGIN + one SELECT + COMMIT 0.87
and 0.59 ms, BEGIN + six INSERTs + COMMIT 1.68 and 1.50 ms (one process, interleaved).

In place there is no await, so cancelling a task cannot stop a statement halfway; a call
cancelled on the thread (waiting for the lock, a checkpoint) finishes there, and
SQLAlchemy then closes the connection on that thread, which rolls its transaction back.
Rows are fetched as the statement runs and handed out from memory.

Use it through `bot.db.engine.make_engine`; URLs keep the `sqlite+aiosqlite` scheme.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

BEGIN = "BEGIN IMMEDIATE"
# A transaction that writes adds a few pages to the WAL (six small INSERTs into an
# indexed table, three): 100 of them stay under SQLite's automatic checkpoint, 1,000 pages.
CHECKPOINT_EVERY = 100


@dataclass
class _Wal:
    """A database's WAL as a process's connections to it see it (see above)."""

    writes: int = 0  # commits that changed rows since the last checkpoint
    restarting: bool = False  # the next such commit writes the WAL from its start

    @property
    def due(self) -> bool:
        return self.writes >= CHECKPOINT_EVERY

    def committed(self, *, wrote: bool, bulk: bool) -> None:
        if wrote:
            self.writes += CHECKPOINT_EVERY if bulk else 1
            self.restarting = False


class Cursor:
    """An aiosqlite-style cursor whose results are fetched when the statement runs."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()
        self._rows: list[Any] = []
        self.arraysize = 1

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def _run(self, operation: str, parameters: Sequence[Any] | None) -> None:
        if parameters is None:
            self._cursor.execute(operation)
        else:
            self._cursor.execute(operation, parameters)
        if self._cursor.description:
            self._rows = self._cursor.fetchall()
        else:  # a write, or DDL: it changes pages even when it changes no rows
            self._rows = []
            self._connection._wrote = True

    async def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        if operation == BEGIN:
            await self._connection.begin()
        else:
            await self._connection._statement(self._run, operation, parameters)
        return self

    async def executemany(self, operation: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        self._connection._bulk = True
        await self._connection._on_thread(self._cursor.executemany, operation, parameters)
        self._rows = []
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        taken, self._rows = self._rows[:count], self._rows[count:]
        return taken

    async def fetchall(self) -> list[Any]:
        taken, self._rows = self._rows, []
        return taken

    async def close(self) -> None:
        self._rows = []
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid


class _Inbox:
    """aiosqlite's request queue, which SQLAlchemy writes to directly to set the
    isolation level: `(future, function)` pairs, run on the connection's thread."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        task = asyncio.ensure_future(self._connection._call(function))
        task.add_done_callback(lambda done: _settle(future, done))


def _settle(future: asyncio.Future[Any], done: asyncio.Future[Any]) -> None:
    if future.cancelled():
        return
    if done.exception() is not None:
        future.set_exception(done.exception())  # type: ignore[arg-type]
    else:
        future.set_result(done.result())


def _locked(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up on a lock another connection holds (SQLITE_BUSY)."""
    return error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY


class Connection:
    """An aiosqlite-style connection on a thread of its own."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        thread: ThreadPoolExecutor,
        *,
        busy_timeout: float,
        wal: _Wal,
    ) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._thread = thread
        self._tx = _Inbox(self)
        self._busy_timeout_ms = int(busy_timeout * 1000)
        self._wal = wal
        # Whether a transaction wrote: a statement returned no rows (INSERT, DDL), or rows
        # changed (INSERT ... RETURNING); and whether it wrote in bulk.
        self._changes_at_begin = 0
        self._wrote = self._bulk = False

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        if self._connection is None:
            raise ValueError("Connection closed")
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    def _waiting(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function` with the busy timeout, so it waits for another process's lock."""
        connection = self._conn
        connection.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        try:
            return function(*args)
        finally:
            connection.execute("PRAGMA busy_timeout=0")

    async def _on_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function` on the thread; outside a transaction it may need the write lock."""
        if self._conn.in_transaction:
            return await self._call(function, *args)
        return await self._call(self._waiting, function, *args)

    async def _statement(self, function: Callable[..., T], *args: Any) -> T:
        """Run a statement in place inside a transaction, else on the thread (see above)."""
        if self._conn.in_transaction:
            return function(*args)
        return await self._on_thread(function, *args)

    async def _in_place_unless_locked(self, function: Callable[[], object]) -> None:
        """Run `function` in place; if another process holds the lock, wait on the thread."""
        try:
            function()
        except sqlite3.OperationalError as error:
            if not _locked(error):
                raise
            await self._call(self._waiting, function)

    async def begin(self) -> None:
        """BEGIN IMMEDIATE, after the WAL's checkpoint if one is due (see above)."""
        if self._wal.due:
            await self._checkpoint()
        self._changes_at_begin = self._conn.total_changes
        self._wrote = self._bulk = False
        await self._in_place_unless_locked(lambda: self._conn.execute(BEGIN))

    async def _checkpoint(self) -> None:
        wal = self._wal
        wal.writes, wal.restarting = 0, True  # if cancelled, it may still restart the WAL
        busy, frames, copied = await self._call(self._copy_wal)
        wal.restarting = busy == 0 and frames == copied > 0

    def _copy_wal(self) -> tuple[int, int, int]:
        """(busy, frames in the WAL, frames copied into the database)."""
        row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return row[0], row[1], row[2]

    def cursor(self) -> Cursor:
        return Cursor(self)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def commit(self) -> None:
        wrote = self._wrote or self._conn.total_changes != self._changes_at_begin
        if self._bulk or (wrote and self._wal.restarting):
            await self._call(self._waiting, self._conn.commit)
        else:
            await self._in_place_unless_locked(self._conn.commit)
        self._wal.committed(wrote=wrote, bulk=self._bulk)

    async def rollback(self) -> None:
        if self._conn.in_transaction:  # the pool rolls back every returned connection
            await self._call(self._conn.rollback)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is None:
            return
        await self._call(self._connection.close)
        self.stop()
        await asyncio.to_thread(self._thread.shutdown)  # its thread has ended on return

    def stop(self) -> None:
        """Forget the connection and let its thread end (SQLAlchemy's terminate)."""
        self._connection = None
        self._thread.shutdown(wait=False)


def _open(database: str) -> sqlite3.Connection:
    """Open `database` with no busy timeout and no automatic checkpoint (see above)."""
    connection = sqlite3.connect(database, timeout=0, check_same_thread=False)
    connection.execute("PRAGMA wal_autocheckpoint=0")
    return connection


async def _connect(database: str, busy_timeout: float, wal: _Wal) -> Connection:
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
    connection = await asyncio.get_running_loop().run_in_executor(thread, _open, database)
    wal.restarting = True  # the last connection's close deleted the WAL if this is the first
    return Connection(connection, thread, busy_timeout=busy_timeout, wal=wal)


def connector(database: str, *, busy_timeout: float) -> Callable[[], Awaitable[Connection]]:
    """Opens connections to `database` (a path, or ":memory:"), each on a new thread of
    its own, which wait for another process's lock up to `busy_timeout` seconds and
    share the database's checkpoints."""
    return partial(_connect, database, busy_timeout, _Wal())
