"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when reachable) and a bot.

Set COACH_REQUIRE_POSTGRES=1 (CI does) to fail instead of skip when PostgreSQL is down.
TEST_POSTGRES_URL overrides the server (default: postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.base import Base
from bot.db.engine import Database, make_engine
from bot.db.migrate import upgrade_to_head
from bot.localapi import BotApiEmulator
from tests.harness import BotHarness

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("COACH_REQUIRE_POSTGRES") == "1"


async def _postgres_reachable() -> bool:
    engine = create_async_engine(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str | None]:
    """A schema of our own on the shared server, migrated once per test session."""
    if not asyncio.run(_postgres_reachable()):
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}")
        yield None
        return
    schema = f"coach_test_{uuid.uuid4().hex[:10]}"

    async def _create() -> None:
        admin = create_async_engine(POSTGRES_URL)
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = _postgres_engine(schema)
        await upgrade_to_head(engine)
        await engine.dispose()

    async def _drop() -> None:
        admin = create_async_engine(POSTGRES_URL)
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    asyncio.run(_create())
    yield schema
    asyncio.run(_drop())


def _postgres_engine(schema: str):  # type: ignore[no-untyped-def]
    return make_engine(
        POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}, pool_size=5
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "coach.db"

    async def _migrate() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(_migrate())
    return path


@pytest.fixture(params=["sqlite", "postgres"])
async def db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_schema: str | None,
) -> AsyncIterator[Database]:
    """A migrated, empty database: SQLite, then PostgreSQL when one is reachable."""
    if request.param == "sqlite":
        path = tmp_path / "coach.db"
        shutil.copy(sqlite_template, path)
        database = Database.from_url(f"sqlite+aiosqlite:///{path}")
        yield database
        await database.dispose()
        return
    if postgres_schema is None:
        pytest.skip("PostgreSQL is not reachable")
    database = Database(_postgres_engine(postgres_schema))
    yield database
    async with database.engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await database.dispose()


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The local Bot API on a free loopback port."""
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotApiEmulator, db: Database) -> AsyncIterator[BotHarness]:
    """The coach, running over HTTP against the emulator, on each database."""
    harness = BotHarness(emulator=emulator, db=db)
    await harness.start()
    yield harness
    await harness.stop()


def _database_of(nodeid: str) -> str | None:
    params = nodeid.partition("[")[2]
    for name in ("sqlite", "postgres"):
        if name in params.split("-") or params.startswith(name):
            return name
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly how many database tests ran on each database (CI must show both)."""
    counts: dict[tuple[str, str], int] = {}
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            database = _database_of(getattr(report, "nodeid", ""))
            if database is not None and getattr(report, "when", "call") in {"call", "setup"}:
                if outcome == "passed" and report.when != "call":
                    continue
                counts[(database, outcome)] = counts.get((database, outcome), 0) + 1
    if not counts:
        return
    parts = [
        f"{db}: {counts.get((db, 'passed'), 0)} passed, {counts.get((db, 'failed'), 0)} failed, "
        f"{counts.get((db, 'skipped'), 0)} skipped"
        for db in ("sqlite", "postgres")
    ]
    terminalreporter.write_line("database tests -- " + "; ".join(parts))
