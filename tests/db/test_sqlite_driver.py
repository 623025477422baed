"""The SQLite connection under the engine: results and errors as before, a locked database
or a bulk write never stalls the event loop (other lifters' messages keep being handled
meanwhile), a transaction runs on the loop unless it may wait for the disk, the WAL stays
small, and an update given up midway leaves nothing behind."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db.engine import Database
from bot.db.sqlite_driver import CHECKPOINT_EVERY

WAL_FRAME = 4096 + 24  # a page and its header


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE lifts (id INTEGER PRIMARY KEY, reps INT)"))
    yield db
    await db.dispose()


async def write(database: Database, reps: int) -> None:
    """One lifter's update: a row in a transaction of its own."""
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO lifts (reps) VALUES (:reps)"), {"reps": reps})


async def stored_reps(database: Database) -> list[int]:
    async with database.engine.begin() as connection:
        return list((await connection.scalars(text("SELECT reps FROM lifts ORDER BY id"))).all())


@asynccontextmanager
async def statements_run(database: Database) -> AsyncIterator[list[tuple[str, str]]]:
    """The statements SQLite runs on the database's one connection within the block, each
    with where it ran: "loop" (the event loop's thread) or "thread" (the connection's)."""
    run: list[tuple[str, str]] = []
    loop_thread = threading.current_thread()

    def traced(statement: str) -> None:
        run.append((statement, "loop" if threading.current_thread() is loop_thread else "thread"))

    async with database.engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
    assert database.engine.pool.checkedin() == 1
    driver._conn.set_trace_callback(traced)
    try:
        yield run
    finally:
        driver._conn.set_trace_callback(None)


@asynccontextmanager
async def another_process_writing(path: Path) -> AsyncIterator[threading.Event]:
    """Another process holding SQLite's write lock (it adds reps 5) until the yielded
    event is set, at the latest when the block ends."""
    holding, release = threading.Event(), threading.Event()

    def other_process() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO lifts (reps) VALUES (5)")
        holding.set()
        release.wait(timeout=30)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    await asyncio.to_thread(holding.wait, 30)
    try:
        yield release
    finally:
        release.set()
        await asyncio.to_thread(holder.join)


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


@pytest.mark.parametrize(
    ("failing", "error", "cause"),
    [
        ("INSERT INTO lifts (id, reps) VALUES (1, 6)", IntegrityError, sqlite3.IntegrityError),
        ("INSERT INTO no_such_table (reps) VALUES (6)", OperationalError, sqlite3.OperationalError),
    ],
)
async def test_a_failed_statement_raises_and_rolls_back(
    database: Database, failing: str, error: type[Exception], cause: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        async with database.engine.begin() as connection:
            await connection.execute(text("INSERT INTO lifts (id, reps) VALUES (1, 5)"))
            await connection.execute(text(failing))
    assert isinstance(raised.value.__cause__, cause)
    assert await stored_reps(database) == []


async def test_waiting_for_the_write_lock_leaves_the_event_loop_free(
    database: Database, tmp_path: Path
) -> None:
    """Another process holds the write lock until a coroutine on our loop lets it go: the
    write waits for it on the connection's thread, where the release from the loop
    reaches it (on the loop SQLite waits for no one, see below)."""
    async with another_process_writing(tmp_path / "driver.db") as release:
        writer = asyncio.create_task(write(database, 6))
        await asyncio.sleep(0.2)  # the writer is now waiting for the lock
        assert not writer.done()
        release.set()  # runs only because the loop is free
        await writer
    assert await stored_reps(database) == [5, 6]


async def test_an_update_given_up_while_waiting_for_the_lock_writes_nothing(
    database: Database, tmp_path: Path
) -> None:
    """An update cancelled (a shutdown, a timeout) while it waits for another process's
    write lock: its row never lands, even once the lock is free, and it leaves no lock
    behind, so the next update goes through."""
    async with another_process_writing(tmp_path / "driver.db") as release:
        writer = asyncio.create_task(write(database, 6))
        await asyncio.sleep(0.2)  # the writer is now waiting for the lock
        writer.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await writer
    await write(database, 7)
    assert await stored_reps(database) == [5, 7]


async def test_an_update_given_up_midway_leaves_nothing_half_written(database: Database) -> None:
    written = asyncio.Event()

    async def two_rows() -> None:
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO lifts (reps) VALUES (6)"))
            written.set()
            await asyncio.sleep(30)  # a handler's other work, mid-transaction
            await session.execute(text("INSERT INTO lifts (reps) VALUES (7)"))

    update = asyncio.create_task(two_rows())
    await written.wait()
    update.cancel()
    with pytest.raises(asyncio.CancelledError):
        await update
    await write(database, 8)
    assert await stored_reps(database) == [8]


async def test_a_bulk_write_leaves_the_event_loop_free(database: Database) -> None:
    """Halfway through a 100,000-row write (an import), SQLite waits for a coroutine on
    our loop: if the write blocked the loop, that coroutine could never run and the
    write would fail when the wait gave up."""
    halfway, go_on = threading.Event(), threading.Event()

    def row_written(reps: int) -> int:
        if reps == 50_000:
            halfway.set()
            if not go_on.wait(timeout=30):
                raise RuntimeError("the event loop was blocked")
        return reps

    async def other_lifters() -> None:
        await asyncio.to_thread(halfway.wait, 30)
        go_on.set()  # runs only because the loop is free

    others = asyncio.create_task(other_lifters())
    async with database.engine.begin() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.create_function("row_written", 1, row_written)
        await connection.execute(
            text(
                "CREATE TEMP TRIGGER watch AFTER INSERT ON lifts BEGIN "
                "SELECT row_written(NEW.reps); END"
            )
        )
        rows = [{"reps": reps} for reps in range(100_000)]
        await connection.execute(text("INSERT INTO lifts (reps) VALUES (:reps)"), rows)
    await others
    assert len(await stored_reps(database)) == 100_000


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


async def read(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(text("SELECT count(*) FROM lifts"))


async def test_a_transaction_runs_on_the_loop_unless_it_may_sync(database: Database) -> None:
    """BEGIN, the statements and COMMIT run in place, and the loop never waits for the
    disk: a checkpoint runs on the connection's thread, and so does the next commit that
    writes (it starts the WAL anew and syncs its header), even after a read."""
    async with statements_run(database) as run:
        for reps in range(CHECKPOINT_EVERY + 2):
            await write(database, reps)
            await read(database)
    assert run[:3] == [
        ("BEGIN IMMEDIATE", "loop"),
        ("INSERT INTO lifts (reps) VALUES (0)", "loop"),
        ("COMMIT", "loop"),
    ]
    assert {where for statement, where in run if statement == "BEGIN IMMEDIATE"} == {"loop"}
    checkpoint = run.index(("PRAGMA wal_checkpoint(PASSIVE)", "thread"))
    commits = [where for statement, where in run[checkpoint:] if statement == "COMMIT"]
    assert commits[:4] == ["loop", "thread", "loop", "loop"]  # read, write, read, write
    assert ("COMMIT", "thread") not in run[:checkpoint]


async def test_a_bulk_write_commits_on_the_thread_and_checkpoints_next(
    database: Database,
) -> None:
    """An import may leave much to write at COMMIT, and much in the WAL."""
    async with statements_run(database) as run:
        async with database.engine.begin() as connection:
            rows = [{"reps": reps} for reps in range(3)]
            await connection.execute(text("INSERT INTO lifts (reps) VALUES (:reps)"), rows)
        await write(database, 6)
    checkpoint = run.index(("PRAGMA wal_checkpoint(PASSIVE)", "thread"))
    assert ("COMMIT", "thread") in run[:checkpoint]
    assert ("BEGIN IMMEDIATE", "loop") in run[checkpoint:]


def wal_size(database: Path) -> int | None:
    """The size of the database's WAL file in bytes, None if there is none."""
    wal = database.with_name(f"{database.name}-wal")
    return wal.stat().st_size if wal.exists() else None


async def test_the_wal_stays_small_and_goes_on_dispose(tmp_path: Path) -> None:
    """Thousands of updates: the WAL never holds much more than the updates since the
    last checkpoint, and once the coach lets go of the database it is gone, every row
    in the database file."""
    path = tmp_path / "wal.db"
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE lifts (id INTEGER PRIMARY KEY, reps INT)"))
    largest = 0
    for reps in range(5 * CHECKPOINT_EVERY):
        await write(database, reps)
        largest = max(largest, wal_size(path) or 0)
    await database.dispose()
    assert largest < 2 * CHECKPOINT_EVERY * WAL_FRAME
    assert wal_size(path) is None
    with closing(sqlite3.connect(path)) as stored:
        assert stored.execute("SELECT count(*) FROM lifts").fetchone() == (5 * CHECKPOINT_EVERY,)


async def test_a_lock_held_past_the_timeout_fails_and_leaves_no_wait_behind(
    tmp_path: Path,
) -> None:
    """Another process holds the write lock longer than the database timeout: the update
    fails with "database is locked", as it always did; the next begins on the loop
    again, where SQLite waits for no one."""
    path = tmp_path / "driver.db"
    database = Database.from_url(f"sqlite+aiosqlite:///{path}", timeout=0.2)
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE lifts (id INTEGER PRIMARY KEY, reps INT)"))
    async with another_process_writing(path):
        with pytest.raises(OperationalError, match="database is locked"):
            await write(database, 6)
    async with statements_run(database) as run, database.transaction() as session:
        waits = await session.scalar(text("PRAGMA busy_timeout"))
    await database.dispose()
    assert waits == 0
    assert run[0] == ("BEGIN IMMEDIATE", "loop")
