"""Fixtures for the hardening tests: a coach with short timeouts, a database behind a
cuttable proxy, the error handler's invocations, and `coach run` as a real process."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from telegram.ext import Application, ContextTypes

from bot.app import build_application, processor_of, start_polling
from bot.config import Settings
from bot.db.base import Base
from bot.db.engine import Database, make_engine
from bot.localapi import BotApiEmulator, BotMessage
from tests.conftest import POSTGRES_URL
from tests.hardening.tcpproxy import TcpProxy
from tests.harness import TEST_TOKEN, BotHarness

BOT_API_TIMEOUT = 1.0  # seconds before a hung Bot API call counts as timed out
POLL_TIMEOUT = 1  # getUpdates long poll, so a hung poll times out after 2 s, not 15
DATABASE_TIMEOUT = 2.0  # seconds a call to the proxied PostgreSQL may take


class FastTimeoutHarness(BotHarness):
    """The coach with one-second Bot API timeouts, so a hung Telegram costs a second."""

    def settings(self) -> Settings:
        return super().settings().model_copy(update={"bot_api_timeout": BOT_API_TIMEOUT})

    async def start(self) -> None:
        self.app = build_application(self.settings(), db=self.db, clock=self.clock)
        await start_polling(self.app, poll_timeout=POLL_TIMEOUT)


@pytest.fixture
async def fast_bot(emulator: BotApiEmulator, db: Database) -> AsyncIterator[FastTimeoutHarness]:
    """The coach with short timeouts, on each database."""
    harness = FastTimeoutHarness(emulator=emulator, db=db)
    await harness.start()
    yield harness
    await harness.stop()


def record_errors(app: Application | None) -> list[object]:
    """Every error that reaches the Application's error handlers from now on."""
    assert app is not None
    seen: list[object] = []

    async def collect(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(context.error)

    app.add_error_handler(collect)
    return seen


async def rows_of(db: Database, user_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that belongs to a user, table by table (through user_id or workout_id)."""
    tables = Base.metadata.tables
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    async with db.transaction() as session:
        workouts = select(tables["workouts"].c.id).where(tables["workouts"].c.user_id == user_id)
        for table in Base.metadata.sorted_tables:
            if "user_id" in table.c:
                query = select(table).where(table.c.user_id == user_id)
            elif "workout_id" in table.c:
                query = select(table).where(table.c.workout_id.in_(workouts))
            elif table.name == "users":
                query = select(table).where(table.c.id == user_id)
            else:
                continue
            rows = (await session.execute(query)).all()
            snapshot[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return snapshot


async def wait_handled(harness: BotHarness, update_id: int, limit: float = 10.0) -> None:
    """Until the Application has finished with an update (handled or dropped)."""
    assert harness.app is not None
    await processor_of(harness.app).wait_processed(update_id, limit)


# -- PostgreSQL behind a proxy the test can cut -------------------------------------


@pytest.fixture
async def proxied_postgres(
    postgres_schema: str | None,
) -> AsyncIterator[tuple[Database, TcpProxy, str]]:
    """The test schema reached through a TCP proxy; connections carry a unique name."""
    if postgres_schema is None:
        pytest.skip("PostgreSQL is not reachable")
    server = make_url(POSTGRES_URL)
    proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432)
    await proxy.start()
    name = f"coach-hardening-{uuid.uuid4().hex[:8]}"
    url = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = {"search_path": postgres_schema, "application_name": name}
    engine = make_engine(
        url, timeout=DATABASE_TIMEOUT, connect_args={"server_settings": settings}, pool_size=5
    )
    db = Database(engine, timeout=DATABASE_TIMEOUT)
    try:
        yield db, proxy, name
    finally:
        await db.dispose()
        await proxy.close()
        direct = make_engine(POSTGRES_URL, connect_args={"server_settings": settings})
        async with direct.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await direct.dispose()


# -- `coach run` as a real process ---------------------------------------------------

COACH_VARIABLES = {
    "BOT_TOKEN",
    "BOT_API_URL",
    "DATABASE_URL",
    "LOG_LEVEL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_LISTEN",
    "PORT",
}


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_coach(
    emulator: BotApiEmulator, tmp_path: Path, *args: str, **env: str
) -> asyncio.subprocess.Process:
    """`coach run ARGS` against the emulator on a SQLite file in tmp_path; its stdout and
    stderr (where its log goes) in coach.log."""
    environment = {k: v for k, v in os.environ.items() if k not in COACH_VARIABLES}
    environment.update(
        BOT_TOKEN=TEST_TOKEN,
        BOT_API_URL=emulator.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}",
    )
    environment.update(env)
    with (tmp_path / "coach.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *args,
            env=environment,
            cwd=tmp_path,
            stdout=log,
            stderr=log,
        )


async def exchange(
    emulator: BotApiEmulator, user: int, message: str, expect: str, limit: float = 30
) -> list[BotMessage]:
    """Send a text and wait until one of the bot's new messages contains `expect`."""
    before = emulator.sent_count(user)
    await emulator.send_text(user, message)
    wanted = before
    while True:
        wanted += 1
        new = (await emulator.wait_for_messages(user, wanted, timeout=limit))[before:]
        if any(expect in (m.text or "") for m in new):
            return new


async def until(emulator: BotApiEmulator, condition: Callable[[], bool], limit: float = 30) -> None:
    """Wait (without polling) until something the emulator sees becomes true."""
    if not await emulator.world.signal.wait_for(condition, limit):
        raise TimeoutError(f"condition not met within {limit} s")
