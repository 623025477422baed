"""A fresh database per bot: a new SQLite file, or a new PostgreSQL database dropped after.

PostgreSQL is the server at BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432,
the one the tests use); each bot gets a database `coach_bench_<pid>_<name>`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import normalise_database_url
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head

KINDS = ("sqlite", "postgres")
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


def _server_url(database: str) -> str:
    return normalise_database_url(f"{POSTGRES_SERVER.rstrip('/')}/{database}")


@dataclass(frozen=True)
class BenchDatabase:
    """Where a bot keeps its data; `url` is what its DATABASE_URL is set to."""

    kind: str
    url: str

    def open(self) -> Database:
        """A Database for the driver's own reads and writes (dispose it after)."""
        return Database.from_url(normalise_database_url(self.url))

    async def migrate(self) -> None:
        """Create the schema now (for data inserted before the bot starts)."""
        database = self.open()
        try:
            await upgrade_to_head(database.engine)
        finally:
            await database.dispose()


async def postgres_reachable() -> bool:
    """Whether the PostgreSQL server answers (benchmarks on it are skipped otherwise)."""
    engine = create_async_engine(_server_url("postgres"))
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:  # refused, unknown host, bad password: not reachable here
        return False
    finally:
        await engine.dispose()


async def postgres_version() -> str:
    """`SHOW server_version` of the benchmark server."""
    engine = create_async_engine(_server_url("postgres"))
    try:
        async with engine.connect() as connection:
            return str((await connection.execute(text("SHOW server_version"))).scalar())
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def fresh_database(kind: str, workdir: Path, name: str) -> AsyncIterator[BenchDatabase]:
    """An empty database of `kind` for one bot, removed afterwards."""
    if kind == "sqlite":
        yield BenchDatabase(kind, f"sqlite:///{workdir / (name + '.db')}")
        return
    if kind != "postgres":
        raise ValueError(f"unknown database kind {kind!r}; use one of {KINDS}")
    database = f"coach_bench_{os.getpid()}_{name}"
    admin = create_async_engine(_server_url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            yield BenchDatabase(kind, f"{POSTGRES_SERVER.rstrip('/')}/{database}")
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
    finally:
        await admin.dispose()
