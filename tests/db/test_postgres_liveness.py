"""PostgreSQL connections whose server ended them are replaced before a transaction uses
them, even at once; and starting each transaction when the pool hands its connection
out leaves no transaction open where none was asked for."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import Database, make_engine
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres

POOL_SIZE = 3
BACKEND_PID = text("SELECT pg_backend_pid()")
OURS = "FROM pg_stat_activity WHERE application_name = :name"
END_OURS = f"SELECT pg_terminate_backend(pid) {OURS}"
OURS_BUSY = f"SELECT state {OURS} AND state <> 'idle'"


@pytest.fixture
async def named_engine(postgres_schema: str | None) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """An engine whose connections carry a name of their own, so only they are ended."""
    if postgres_schema is None:
        pytest.skip("PostgreSQL is not reachable")
    name = f"coach-liveness-{uuid.uuid4().hex[:8]}"
    settings = {"search_path": postgres_schema, "application_name": name}
    engine = make_engine(
        POSTGRES_URL, connect_args={"server_settings": settings}, pool_size=POOL_SIZE
    )
    yield engine, name
    await engine.dispose()


async def on_server(sql: str, name: str) -> list[str]:
    """Run `sql` on another connection, for each of our backends (:name)."""
    admin = make_engine(POSTGRES_URL)
    try:
        async with admin.begin() as connection:
            return list(await connection.scalars(text(sql), {"name": name}))
    finally:
        await admin.dispose()


async def fill_pool(db: Database) -> set[int]:
    """Use every pooled connection at once; their backends' pids."""
    ready = asyncio.Barrier(POOL_SIZE)

    async def one() -> int:
        async with db.transaction() as session:
            pid = await session.scalar(BACKEND_PID)
            await ready.wait()  # all connections out of the pool together
            return int(pid)

    return set(await asyncio.gather(*(one() for _ in range(POOL_SIZE))))


async def test_transactions_started_right_after_a_restart_succeed_on_new_connections(
    named_engine: tuple[AsyncEngine, str],
) -> None:
    engine, name = named_engine
    db = Database(engine)
    for _ in range(3):
        before = await fill_pool(db)
        ended = await on_server(END_OURS, name)
        assert len(ended) == POOL_SIZE and all(ended)
        # No pause: the backends may not even have exited yet.
        after = await fill_pool(db)
        assert after.isdisjoint(before)


async def test_connections_back_in_the_pool_or_in_autocommit_hold_no_transaction(
    named_engine: tuple[AsyncEngine, str],
) -> None:
    """An open transaction would pin old row versions and be ended by the server after
    a minute (idle_in_transaction_session_timeout), taking a held lock with it."""
    engine, name = named_engine
    async with engine.connect():
        pass  # handed out, never used
    assert await on_server(OURS_BUSY, name) == []

    async with engine.connect() as connection:
        locked = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await locked.execute(text("SELECT pg_advisory_lock(17)"))
        assert await on_server(OURS_BUSY, name) == []
        await locked.execute(text("SELECT pg_advisory_unlock(17)"))
