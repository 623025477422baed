"""SQLite for SQLAlchemy's asyncio engine: a transaction's statements run in place.

SQLAlchemy's `sqlite+aiosqlite` dialect drives aiosqlite, which runs every call on the
connection's own thread: four to five hops between the event loop and that thread per
statement, and the hops, not SQLite, were half of the CPU the coach spent storing a set.
This connection keeps aiosqlite's interface, which the dialect expects, and hops twice
per transaction: BEGIN and COMMIT.

On the connection's thread runs whatever can wait for another process's write lock or
for the disk, so a busy database never blocks the event loop: every statement outside
a transaction (BEGIN, PRAGMAs), COMMIT (it may checkpoint the WAL, with fsync),
ROLLBACK, close, and executemany (bulk imports). A statement inside a transaction runs
in place: the engine opens every transaction with BEGIN IMMEDIATE, so the connection
then holds the write lock, and with WAL and synchronous=NORMAL a statement touches only
the page cache and the WAL file, unsynced. `Database` runs a process's transactions one
at a time, so a statement on the loop keeps no other database work waiting. A set
report through the workout service (BEGIN, four or five statements, COMMIT) took 7.5 ms
of CPU with a hop per statement and 6.5 ms in place; a transaction with one SELECT,
1.33 and 1.16 ms.

In place there is no await, so cancelling a task cannot stop a statement halfway; one
cancelled on the thread finishes there, and SQLAlchemy then closes the connection on
that thread, which rolls its transaction back. Rows are fetched as the statement runs
and handed out from memory.

Use it through `bot.db.engine.make_engine`; URLs keep the `sqlite+aiosqlite` scheme.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


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
        self._rows = self._cursor.fetchall() if self._cursor.description else []

    async def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        await self._connection._statement(self._run, operation, parameters)
        return self

    async def executemany(self, operation: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        await self._connection._call(self._cursor.executemany, operation, parameters)
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


class Connection:
    """An aiosqlite-style connection on a thread of its own."""

    def __init__(self, connection: sqlite3.Connection, thread: ThreadPoolExecutor) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._thread = thread
        self._tx = _Inbox(self)

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        if self._connection is None:
            raise ValueError("Connection closed")
        return await asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def _statement(self, function: Callable[..., T], *args: Any) -> T:
        """Run a statement in place inside a transaction, else on the thread (see above)."""
        if self._conn.in_transaction:
            return function(*args)
        return await self._call(function, *args)

    def cursor(self) -> Cursor:
        return Cursor(self)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def commit(self) -> None:
        await self._call(self._conn.commit)

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


async def connect(database: str) -> Connection:
    """Open `database` (a path, or ":memory:") on a new thread of its own."""
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
    loop = asyncio.get_running_loop()
    connection = await loop.run_in_executor(
        thread, lambda: sqlite3.connect(database, check_same_thread=False)
    )
    return Connection(connection, thread)
