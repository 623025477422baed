"""The SQLite connection under the engine: results as before, and a locked database never
stalls the event loop (other lifters' messages keep being handled while one waits)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.db.engine import Database


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE lifts (id INTEGER PRIMARY KEY, reps INT)"))
    yield db
    await db.dispose()


async def test_rows_counts_and_ids_come_back(database: Database) -> None:
    async with database.engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO lifts (reps) VALUES (6)"))
        assert inserted.lastrowid == 1
        await connection.execute(
            text("INSERT INTO lifts (reps) VALUES (:reps)"), [{"reps": 7}, {"reps": 8}]
        )
        updated = await connection.execute(text("UPDATE lifts SET reps = reps + 1"))
        assert updated.rowcount == 3
        rows = await connection.execute(text("SELECT id, reps FROM lifts ORDER BY id"))
        assert rows.all() == [(1, 7), (2, 8), (3, 9)]


async def test_a_failed_statement_raises_and_rolls_back(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.engine.begin() as connection:
            await connection.execute(text("INSERT INTO lifts (id, reps) VALUES (1, 5)"))
            await connection.execute(text("INSERT INTO lifts (id, reps) VALUES (1, 6)"))
    async with database.engine.begin() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM lifts"))).scalar() == 0


async def test_waiting_for_the_write_lock_leaves_the_event_loop_free(
    database: Database, tmp_path: Path
) -> None:
    """Another process holds the write lock until a coroutine on our loop lets it go: if
    waiting for the lock blocked the loop, the release could never run and the write would
    fail with "database is locked" when the busy timeout ran out."""
    holding, release = threading.Event(), threading.Event()

    def other_process() -> None:
        other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO lifts (reps) VALUES (5)")
        holding.set()
        release.wait(timeout=30)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    await asyncio.to_thread(holding.wait, 30)

    async def write() -> None:
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO lifts (reps) VALUES (6)"))

    writer = asyncio.create_task(write())
    await asyncio.sleep(0.2)  # the writer is now waiting for the lock
    assert not writer.done()
    release.set()  # runs only because the loop is free
    await writer
    await asyncio.to_thread(holder.join)
    async with database.engine.begin() as connection:
        reps = (await connection.execute(text("SELECT reps FROM lifts ORDER BY id"))).all()
    assert reps == [(5,), (6,)]


async def test_disposing_closes_every_connection_thread(tmp_path: Path) -> None:
    before = {t.name for t in threading.enumerate()}
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'threads.db'}")
    async with db.transaction() as session:
        await session.execute(text("SELECT 1"))
    await db.dispose()
    await asyncio.sleep(0)
    after = {t.name for t in threading.enumerate() if t.is_alive()}
    assert not {name for name in after - before if name.startswith("sqlite")}


async def test_transactions_of_one_process_take_turns(database: Database) -> None:
    """Eight lifters' updates at once: their transactions run one after the other, each
    on the one connection free, and every write lands; none waits inside SQLite."""
    inside, most_inside = 0, 0

    async def lift(reps: int) -> None:
        nonlocal inside, most_inside
        async with database.transaction() as session:
            inside += 1
            most_inside = max(most_inside, inside)
            await session.execute(text("INSERT INTO lifts (reps) VALUES (:r)"), {"r": reps})
            await asyncio.sleep(0.01)  # a handler's other work, mid-transaction
            inside -= 1

    await asyncio.gather(*(lift(reps) for reps in range(8)))
    assert most_inside == 1
    assert database.engine.pool.checkedout() == 0
    async with database.engine.begin() as connection:
        rows = await connection.execute(text("SELECT count(*) FROM lifts"))
        assert rows.scalar() == 8
