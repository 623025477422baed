"""PostgreSQL restarted or out of reach mid-workout: the lifter is told to try again,
nothing is half-written, and the coach recovers by itself when the database is back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text

from bot.db.engine import Database, make_engine
from bot.db.models import InboxUpdate, Workout, WorkoutSet
from bot.localapi import BotApiEmulator
from bot.processing import DEFAULT_CONCURRENCY
from bot.texts import common as common_texts
from tests.conftest import POSTGRES_URL
from tests.hardening.conftest import record_errors, wait_handled
from tests.hardening.tcpproxy import TcpProxy
from tests.harness import LIFTER, BotHarness, texts

pytestmark = pytest.mark.postgres


@pytest.fixture
async def bot(
    emulator: BotApiEmulator, proxied_postgres: tuple[Database, TcpProxy, str]
) -> AsyncIterator[BotHarness]:
    """The coach on PostgreSQL reached through the cuttable proxy."""
    harness = BotHarness(emulator=emulator, db=proxied_postgres[0])
    await harness.start()
    yield harness
    await harness.stop()


async def position(bot: BotHarness) -> tuple[list[int], int, str]:
    """Logged set numbers, the set the workout waits for, and what it waits for."""
    async with bot.db.transaction() as session:
        sets = await session.scalars(select(WorkoutSet.set_number).order_by(WorkoutSet.id))
        workout = (await session.scalars(select(Workout))).one()
        return list(sets), workout.current_set, workout.awaiting


async def log_first_set(bot: BotHarness) -> tuple[list[int], int, str]:
    """Start the workout and log its first set; the position that leaves."""
    await bot.say("/workout")
    await bot.say("225")
    assert "Logged set 1:" in texts(await bot.say("6 2"))
    return await position(bot)


async def test_restarted_database_connections_are_replaced_unnoticed(
    bot: BotHarness,
    proxied_postgres: tuple[Database, TcpProxy, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, _, application_name = proxied_postgres
    errors = record_errors(bot.app)
    await log_first_set(bot)

    admin = make_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        killed = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :name "
                "AND pid <> pg_backend_pid()"
            ),
            {"name": application_name},
        )
    await admin.dispose()
    assert killed >= 1  # the pool's idle connections are gone, as after a restart

    assert "Logged set 2: 235 lb x 5 (2 left)" in texts(await bot.say("5 2"))
    assert await position(bot) == ([1, 2], 3, "reps")
    assert errors == []
    # Not even the operator: no part of the coach met a dead connection (the inbox
    # would have handled the update without storing it first, and warned).
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_database_out_of_reach_mid_update_leaves_nothing_half_written(
    bot: BotHarness, proxied_postgres: tuple[Database, TcpProxy, str]
) -> None:
    _, proxy, _ = proxied_postgres
    before = await log_first_set(bot)

    # Fresh connections (so the insert is sent as text), then cut the database off the
    # moment the set's INSERT is on its way: the transaction has already written the
    # update's claim and must not leave it, nor a set, nor a moved position behind.
    proxy.cut()
    await proxy.restore()
    proxy.cut_on(b"INSERT INTO workout_sets")
    update_id = await bot.emulator.send_text(LIFTER, "5 2")
    await wait_handled(bot, update_id)
    assert proxy.tripped.is_set()
    assert texts(bot.new_messages()) == common_texts.DB_UNAVAILABLE

    assert texts(await bot.say("5 2")) == common_texts.DB_UNAVAILABLE  # still out of reach
    await proxy.restore()
    assert await position(bot) == before
    async with bot.db.transaction() as session:
        stored = await session.get(InboxUpdate, update_id)
        assert stored is None or stored.claimed_at is None

    reply = texts(await bot.say("5 2"))
    assert "Logged set 2: 235 lb x 5 (2 left)" in reply
    assert await position(bot) == ([1, 2], 3, "reps")


async def test_a_database_that_drops_packets_gets_try_again_and_stalls_no_one(
    bot: BotHarness, proxied_postgres: tuple[Database, TcpProxy, str]
) -> None:
    """A partition that drops packets (nothing refused, nothing closed): the BEGIN a
    pooled connection sends when handed out, and the statements themselves, time out,
    so the lifter and more lifters than there are processing slots each hear "try
    again"."""
    _, proxy, _ = proxied_postgres
    before = await log_first_set(bot)

    proxy.black_hole()
    others = range(LIFTER + 1, LIFTER + 1 + 2 * DEFAULT_CONCURRENCY)
    sent = [await bot.emulator.send_text(LIFTER, "5 2")]
    sent += [await bot.emulator.send_text(user, "/workout") for user in others]
    for update_id in sent:
        await wait_handled(bot, update_id)
    for user in (LIFTER, *others):
        assert texts(bot.new_messages(user)) == common_texts.DB_UNAVAILABLE

    await proxy.restore()
    assert await position(bot) == before
    assert "Logged set 2: 235 lb x 5 (2 left)" in texts(await bot.say("5 2"))
