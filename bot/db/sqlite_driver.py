"""SQLite for SQLAlchemy's asyncio engine, one thread hop per statement.

SQLAlchemy's `sqlite+aiosqlite` dialect drives aiosqlite, which runs every call on the
connection's own thread: making a cursor, executing, fetching, closing the cursor. That
is four to five hops between the event loop and that thread per statement, and the
hops, not SQLite, were half of the CPU the coach spent storing a set (benchmarks/
cost_per_update: 5.6 ms per set report through the workout service, 2.8 ms with no
hops at all).

This connection keeps aiosqlite's interface, which the dialect expects, and the rule
that matters: anything that can wait for SQLite's write lock or the disk (execute,
commit, rollback, close) runs on the connection's thread, so a busy database never
blocks the event loop. What cannot wait is done in place: a cursor is created and
closed without a hop, and a statement's rows are fetched in the same hop as its
execution and handed out from memory.

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
        await self._connection._call(self._run, operation, parameters)
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
