"""One engine and one session factory per process, tuned for a chat bot.

SQLite: WAL so readers never block the writer, a busy timeout so a second writer waits
instead of failing, foreign keys on (cascading deletes depend on it), and every
transaction opened with BEGIN IMMEDIATE so a read-then-write transaction holds the
write lock from its first statement; with the driver's deferred BEGIN two such
transactions can both read and then one fails with "database is locked" or an update
is lost. Statements go through `bot.db.sqlite_driver`, one thread hop each.
PostgreSQL: asyncpg with pre-ping so a restarted server is survived.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from functools import partial
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

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 5


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
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the process's engine for `url` (async drivers: aiosqlite, asyncpg).

    SQL parameters stay out of error messages: they are the lifters' data.
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        database = make_url(url).database or ":memory:"
        kwargs.setdefault("async_creator", partial(sqlite_driver.connect, database))
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # Fail fast when the server drops packets instead of refusing: the lifter gets
    # "try again in a moment" within seconds, not after a minute.
    connect_args = kwargs.setdefault("connect_args", {})
    connect_args.setdefault("timeout", POSTGRES_CONNECT_TIMEOUT_S)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(url, **kwargs)


class Database:
    """The engine and its session factory; `transaction()` is one unit of work.

    On SQLite a process runs its transactions one at a time. SQLite has one writer, and
    every transaction here starts with BEGIN IMMEDIATE, so a second one could only wait
    for the first inside SQLite's busy handler, on a thread of its own, retrying. Waiting
    in an asyncio queue instead costs nothing: with eight lifters' updates at once the
    coach spent 6.5 ms of CPU per set report, and 4.7 ms with this queue, as much as
    handling updates one by one (BENCHMARKS.md). Other processes still wait in SQLite.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._sqlite_turn = asyncio.Lock() if self.is_sqlite else None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(make_engine(url, **kwargs))

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

    def _turn(self) -> AbstractAsyncContextManager[object]:
        return self._sqlite_turn or nullcontext()

    async def dispose(self) -> None:
        await self.engine.dispose()
