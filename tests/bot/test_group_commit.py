"""Group commit: lifters' updates handled together share one transaction, and it shows
nowhere a lifter could notice: a failing update fails alone, nobody hears of a set
before it is stored, a failed commit stores and says everything once, in order.

Failures are real database failures, made with triggers the tests create and drop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select, text

from bot.app import processor_of
from bot.db.engine import Database
from bot.db.models import WorkoutSet
from bot.texts import common as common_texts
from tests.harness import BotHarness, texts

LIFTERS = [5001, 5002, 5003]
HOLD_KEY = 7_301_017  # the advisory lock a held commit waits for


async def in_workout(bot: BotHarness, users: list[int]) -> None:
    """Each lifter starts a workout and gives the start weight; their next "100x7 @2" is a set."""
    for user in users:
        await bot.say("/workout", user)
        await bot.say("100", user)
        bot.new_messages(user)


async def send_together(bot: BotHarness, said: list[tuple[int, str]]) -> list[int]:
    """Queue several lifters' messages at once, so they are handled together."""
    return [await bot.emulator.send_text(user, words) for user, words in said]


async def settled(bot: BotHarness, update_ids: list[int]) -> None:
    assert bot.app is not None
    for update_id in update_ids:
        await processor_of(bot.app).wait_processed(update_id, limit=30)


async def stored_reps(db: Database) -> dict[int, list[int]]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(WorkoutSet.user_id, WorkoutSet.reps).order_by(WorkoutSet.id)
        )
    stored: dict[int, list[int]] = {}
    for user_id, reps in rows:
        stored.setdefault(user_id, []).append(reps)
    return stored


@contextmanager
def savepoints_per_commit(db: Database) -> Iterator[list[int]]:
    """The number of savepoints in each committed transaction, as the driver saw them."""
    counts: list[int] = []
    open_transactions: dict[int, int] = {}  # per connection: savepoints so far

    def begin(connection: Any) -> None:
        open_transactions[id(connection)] = 0

    def savepoint(connection: Any, _name: Any) -> None:
        open_transactions[id(connection)] += 1

    def commit(connection: Any) -> None:
        counts.append(open_transactions.pop(id(connection), 0))

    listeners = {"begin": begin, "savepoint": savepoint, "commit": commit}
    for name, listener in listeners.items():
        event.listen(db.engine.sync_engine, name, listener)
    try:
        yield counts
    finally:
        for name, listener in listeners.items():
            event.remove(db.engine.sync_engine, name, listener)


@asynccontextmanager
async def ddl(db: Database, create: list[str], drop: list[str]) -> AsyncIterator[None]:
    """Statements that set a trap, and the ones that take it away again."""
    async with db.engine.begin() as connection:
        for statement in create:
            await connection.execute(text(statement))
    try:
        yield
    finally:
        async with db.engine.begin() as connection:
            for statement in drop:
                await connection.execute(text(statement))


def refuse_thirteen_reps(db: Database) -> Any:
    """A set of 13 reps fails to insert (as a bug or a constraint would make it fail)."""
    if db.is_sqlite:
        return ddl(
            db,
            [
                "CREATE TRIGGER refuse_thirteen BEFORE INSERT ON workout_sets "
                "WHEN NEW.reps = 13 BEGIN SELECT RAISE(ABORT, 'thirteen'); END"
            ],
            ["DROP TRIGGER refuse_thirteen"],
        )
    return ddl(
        db,
        [
            "CREATE FUNCTION refuse_thirteen() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'thirteen'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_thirteen BEFORE INSERT ON workout_sets FOR EACH ROW "
            "WHEN (NEW.reps = 13) EXECUTE FUNCTION refuse_thirteen()",
        ],
        ["DROP TRIGGER refuse_thirteen ON workout_sets", "DROP FUNCTION refuse_thirteen()"],
    )


async def test_a_failing_update_fails_alone_and_the_others_are_stored_and_answered(
    bot: BotHarness, db: Database
) -> None:
    await in_workout(bot, LIFTERS)
    unlucky, *others = LIFTERS
    async with refuse_thirteen_reps(db):
        with savepoints_per_commit(db) as counts:
            ids = await send_together(
                bot, [(unlucky, "100x13 @2"), *((user, "100x7 @2") for user in others)]
            )
            await settled(bot, ids)
    assert max(counts) >= 2, f"the updates were not handled in one transaction: {counts}"
    said = texts(bot.new_messages(unlucky))
    assert common_texts.ERROR in said or common_texts.DB_UNAVAILABLE in said
    assert await stored_reps(db) == {user: [7] for user in others}
    for user in others:
        assert "Logged set 1:" in texts(bot.new_messages(user))
    # The failed update left nothing behind: the same lifter's set goes in as their first.
    await bot.say("100x8 @2", unlucky)
    assert (await stored_reps(db))[unlucky] == [8]


async def test_each_lifters_sets_are_stored_in_the_order_sent(
    bot: BotHarness, db: Database
) -> None:
    await in_workout(bot, LIFTERS)
    said = [(user, f"100x{reps} @2") for reps in (5, 6, 7) for user in LIFTERS]
    await settled(bot, await send_together(bot, said))
    assert await stored_reps(db) == {user: [5, 6, 7] for user in LIFTERS}


@pytest.fixture
def postgres_only(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("holds or fails a commit with a deferred trigger (PostgreSQL)")


def commit_trap(function_body: str) -> list[str]:
    """A trigger that runs `function_body` when a transaction that stored a set commits."""
    return [
        f"CREATE FUNCTION commit_trap() RETURNS trigger AS $$ BEGIN {function_body} "
        "RETURN NULL; END $$ LANGUAGE plpgsql",
        "CREATE CONSTRAINT TRIGGER commit_trap AFTER INSERT ON workout_sets "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commit_trap()",
    ]


DROP_TRAP = ["DROP TRIGGER commit_trap ON workout_sets", "DROP FUNCTION commit_trap()"]


async def commit_waiting(holder: Any) -> None:
    """Return once a commit waits for the lock `holder` holds."""
    for _ in range(500):
        if await holder.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("no commit came to wait for the held lock")


@pytest.mark.usefixtures("postgres_only")
async def test_no_lifter_hears_of_a_set_before_it_is_committed(
    bot: BotHarness, db: Database
) -> None:
    await in_workout(bot, LIFTERS)
    trap = commit_trap(f"PERFORM pg_advisory_xact_lock({HOLD_KEY});")
    async with ddl(db, trap, DROP_TRAP), db.engine.connect() as holder:
        await holder.execute(text(f"SELECT pg_advisory_lock({HOLD_KEY})"))
        ids = await send_together(bot, [(user, "100x7 @2") for user in LIFTERS])
        await commit_waiting(holder)
        await asyncio.sleep(0.3)  # ample time for a reply that went out early to arrive
        heard = {user: bot.new_messages(user) for user in LIFTERS}
        stored = await stored_reps(db)
        await holder.execute(text(f"SELECT pg_advisory_unlock({HOLD_KEY})"))
        await settled(bot, ids)
    assert heard == {user: [] for user in LIFTERS}
    assert stored == {}
    for user in LIFTERS:
        assert "Logged set 1:" in texts(bot.new_messages(user))
    assert await stored_reps(db) == {user: [7] for user in LIFTERS}


@pytest.mark.usefixtures("postgres_only")
async def test_a_failed_commit_stores_and_answers_every_set_once(
    bot: BotHarness, db: Database
) -> None:
    await in_workout(bot, LIFTERS)
    refuse_once = [
        "CREATE SEQUENCE commit_refusals",  # not rolled back with the refused transaction
        *commit_trap(
            "IF nextval('commit_refusals') = 1 THEN RAISE EXCEPTION 'commit refused'; END IF;"
        ),
    ]
    async with ddl(db, refuse_once, [*DROP_TRAP, "DROP SEQUENCE commit_refusals"]):
        await settled(bot, await send_together(bot, [(user, "100x7 @2") for user in LIFTERS]))
        async with db.engine.connect() as connection:
            refusals = await connection.scalar(text("SELECT last_value FROM commit_refusals"))
    assert refusals > len(LIFTERS), "the trap never refused a commit"
    assert await stored_reps(db) == {user: [7] for user in LIFTERS}
    for user in LIFTERS:
        answer = texts(bot.new_messages(user))
        assert answer.count("Logged set 1:") == 1, answer
        assert common_texts.ERROR not in answer
