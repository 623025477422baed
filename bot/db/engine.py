"""One engine and one session factory per process, tuned for a chat bot.

SQLite: WAL so readers never block the writer, a busy timeout so a second writer waits
instead of failing, foreign keys on (cascading deletes depend on it), and every
transaction opened with BEGIN IMMEDIATE so a read-then-write transaction holds the
write lock from its first statement; with the driver's deferred BEGIN two such
transactions can both read and then one fails with "database is locked" or an update
is lost. Statements go through `bot.db.sqlite_driver`, which runs a transaction in place
on the event loop unless it has to wait for another process or the disk, and which
owns the busy timeout and WAL checkpoints.
PostgreSQL: asyncpg; each connection the pool hands out starts its transaction at once,
so one whose server was restarted is replaced unnoticed (`bot.db.liveness`).

Every database call fails within `timeout` seconds (DATABASE_TIMEOUT, 5 by default), so
in a network partition that drops packets the lifter hears "try again in a moment"
instead of nothing, and the eight processing slots free up rather than all waiting:
PostgreSQL: connecting, and each command once connected, that first BEGIN included
(asyncpg's `command_timeout`); the server ends a statement that long too
(`statement_timeout`), drops a client it hears nothing from within about 25 s (TCP
keepalives) and a transaction left idle for a minute, so a vanished client's locks
don't outlive it.
(A PgBouncer in front must let these through: `ignore_startup_parameters`.)
SQLite: waiting for another process's write lock (busy timeout), and for this
process's own turn (below). Migrations get the same limit; a long one needs
`DATABASE_TIMEOUT` raised for `coach db upgrade`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db import sqlite_driver
from bot.db.liveness import begin_on_checkout
from bot.db.work import Work

DEFAULT_TIMEOUT_S = 5.0
POSTGRES_SERVER_LIMITS = {
    "idle_in_transaction_session_timeout": "60000",  # ms
    "tcp_keepalives_idle": "10",  # s of silence before the server probes the client
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return url.startswith("sqlite")


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(sqlite_driver.BEGIN)


def make_engine(url: str, *, timeout: float = DEFAULT_TIMEOUT_S, **kwargs: Any) -> AsyncEngine:
    """Create the process's engine for `url` (async drivers: aiosqlite, asyncpg), whose
    calls fail after `timeout` seconds (see above).

    SQL parameters stay out of error messages: they are the lifters' data.
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        database = make_url(url).database or ":memory:"
        kwargs.setdefault("async_creator", sqlite_driver.connector(database, busy_timeout=timeout))
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    connect_args = dict(kwargs.get("connect_args", {}))
    connect_args.setdefault("timeout", timeout)
    connect_args.setdefault("command_timeout", timeout)
    connect_args["server_settings"] = {
        # A second later than the client's limit, so the client's fires first (the
        # lifter's "try again"), and the server's only when the client is gone.
        "statement_timeout": str(int(timeout * 1000) + 1000),
        **POSTGRES_SERVER_LIMITS,
        **connect_args.get("server_settings", {}),
    }
    kwargs["connect_args"] = connect_args
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    engine = create_async_engine(url, **kwargs)
    begin_on_checkout(engine)
    return engine


class Database:
    """The engine and its session factory; `transaction()` is one unit of work.

    On SQLite a process runs its transactions one at a time. SQLite has one writer, and
    every transaction here starts with BEGIN IMMEDIATE, so a second one could only wait
    for the first inside SQLite's busy handler, on a thread of its own, retrying. Waiting
    in an asyncio queue instead costs nothing: with eight lifters' updates at once the
    coach spent 6.5 ms of CPU per set report, and 4.7 ms with this queue, as much as
    handling updates one by one (BENCHMARKS.md). Other processes still wait in SQLite.
    A transaction that waits `timeout` seconds for its turn fails with TimeoutError
    ("try again"), so one stuck call cannot hold every lifter's update behind it.
    """

    def __init__(self, engine: AsyncEngine, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.timeout = timeout
        self._sqlite_turn = asyncio.Lock() if self.is_sqlite else None

    @classmethod
    def from_url(cls, url: str, *, timeout: float = DEFAULT_TIMEOUT_S, **kwargs: Any) -> Database:
        return cls(make_engine(url, timeout=timeout, **kwargs), timeout=timeout)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on any exception; repositories never commit.

        Transactions never nest: on SQLite a nested one would wait for its own turn.
        """
        async with self._turn(), self.sessions.begin() as session:
            yield session

    @asynccontextmanager
    async def work(self) -> AsyncIterator[Work]:
        """`transaction()` on a bare connection, its session made only if used (`Work`)."""
        async with self._turn(), self.engine.begin() as connection:
            work = Work(connection)
            try:
                yield work
                await work.flush()
            finally:
                await work.close()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        turn = self._sqlite_turn
        if turn is None:
            yield
            return
        try:
            async with asyncio.timeout(self.timeout):
                await turn.acquire()
        except TimeoutError:
            raise TimeoutError(f"no turn at the database within {self.timeout} s") from None
        try:
            yield
        finally:
            turn.release()

    async def dispose(self) -> None:
        await self.engine.dispose()
