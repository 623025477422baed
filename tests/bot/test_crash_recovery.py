"""A real `coach run` process killed with SIGKILL loses nothing a lifter sent.

The short versions run in CI; COACH_CRASH_KILLS=10 runs the full one (ten kills).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.engine import Database
from bot.db.models import WorkoutSet
from bot.localapi import BotApiEmulator
from tests.conftest import POSTGRES_URL
from tests.hardening.conftest import COACH_VARIABLES, free_port
from tests.harness import LIFTER, TEST_TOKEN, sets_by_lifter

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("COACH_CRASH_KILLS", "3"))
WEBHOOK_SECRET = "crash-test-secret"


async def start_coach(
    emulator: BotApiEmulator, database_url: str, log: Path, *args: str, **env: str
) -> asyncio.subprocess.Process:
    environment = {k: v for k, v in os.environ.items() if k not in COACH_VARIABLES}
    environment.update(
        BOT_TOKEN=TEST_TOKEN,
        BOT_API_URL=emulator.base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        **env,
    )
    with log.open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", *args, env=environment, stderr=stderr
        )


async def say(emulator: BotApiEmulator, text: str, expect: str) -> str:
    """Send a text and wait for the bot's answer containing `expect`."""
    wanted = emulator.sent_count(LIFTER)
    await emulator.send_text(LIFTER, text)
    while True:
        wanted += 1
        messages = await emulator.wait_for_messages(LIFTER, wanted, timeout=30)
        if expect in (messages[-1].text or ""):
            return messages[-1].text or ""


async def count_sets(database_url: str) -> int:
    db = Database.from_url(database_url)
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(WorkoutSet))
    await db.dispose()
    return int(count or 0)


async def test_sigkill_mid_workout_then_restart_continues(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    log = tmp_path / "coach.log"
    async with BotApiEmulator() as emulator:
        coach = await start_coach(emulator, url, log)
        try:
            await say(emulator, "/workout", "What weight")
            await say(emulator, "225", "Set 1 of 3")
            await say(emulator, "225x6 @2", "Logged set 1")
            await say(emulator, "5", "How many more reps")
        finally:
            coach.send_signal(signal.SIGKILL)
            await coach.wait()

        coach = await start_coach(emulator, url, log)
        try:
            reply = await say(emulator, "1", "Logged set 2")
            assert "Logged set 2: 235 lb x 5 (1 left)" in reply
            assert "set 3 of 3" in reply
        finally:
            coach.terminate()
            await coach.wait()
    assert await count_sets(url) == 2


# -- SIGKILL at random moments while several lifters train ---------------------------

LANES = 4  # lifters training at once; each lane starts a new lifter when one finishes
# (action, what the lifter sends or presses, what the answer says) and, for a step that
# changes the workout, what the coach says instead if a crash came after the change was
# stored: where the lifter is now (`bot.pipeline.replay`), the step after this one.
WORKOUT = (
    ("say", "/workout", "What weight", None),
    ("say", "225", "Set 1 of 3", None),
    ("say", "6", "How many more reps", None),
    ("press", "2", "Logged set 1", "Set 2 of 3"),
    ("say", "5 reps 2 left", "Logged set 2", "Set 3 of 3"),
    ("say", "6, 1 left", "What weight", None),
    ("say", "135", "Set 1 of 3", None),
    ("press", "8", "How many more reps", None),
    ("press", "2", "Logged set 1", "Set 2 of 3"),
    ("say", "135x7 @1", "Logged set 2", "Set 3 of 3"),
    ("say", "/done", "Workout done", "Your workouts, newest first"),
)
SETS = [("deadlift", 1, 6), ("deadlift", 2, 5), ("deadlift", 3, 6)]
SETS += [("barbell_row", 1, 8), ("barbell_row", 2, 7)]


async def step(
    emulator: BotApiEmulator, user: int, action: str, what: str, expect: tuple[str, ...]
) -> None:
    """One message or press, then wait until the bot's answer to it arrives (a lifter
    waits for each answer); silence fails."""
    before = emulator.sent_count(user)
    if action == "say":
        await emulator.send_text(user, what)
    else:
        await emulator.press_label(user, what)
    wanted = before
    while True:
        wanted += 1
        new = (await emulator.wait_for_messages(user, wanted, timeout=60))[before:]
        # Case apart: a replayed step says "Next: set 2 of 3", a fresh one "Set 2 of 3".
        if any(e.casefold() in (m.text or "").casefold() for m in new for e in expect):
            return


async def train(
    emulator: BotApiEmulator, lane: int, pace: random.Random, killing: asyncio.Event
) -> list[int]:
    """Whole workouts by new lifters, one after another, until the killing is over."""
    users: list[int] = []
    while not killing.is_set() or not users:
        user = 7000 + 100 * lane + len(users)
        users.append(user)
        for action, what, answer, instead in WORKOUT:
            await asyncio.sleep(pace.uniform(0, 0.05))  # lifters type at their own pace
            await step(emulator, user, action, what, (answer, instead or answer))
    return users


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own, which the coach process migrates at start."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
        return
    name = f"coach_crash_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        await admin.dispose()
        pytest.skip("PostgreSQL is not reachable")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigkill_at_random_moments_loses_no_message_and_no_set(
    tmp_path: Path, database_url: str, mode: str
) -> None:
    pace = random.Random(f"{mode}-{database_url[:6]}-{KILLS}")
    args: tuple[str, ...] = ()
    env: dict[str, str] = {}
    if mode == "webhook":
        port = free_port()
        args = ("--webhook",)
        env = dict(
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            PORT=str(port),
        )
    log = tmp_path / "coach.log"
    async with BotApiEmulator() as emulator:
        coach = await start_coach(emulator, database_url, log, *args, **env)
        over = asyncio.Event()
        lifters = asyncio.gather(*(train(emulator, lane, pace, over) for lane in range(LANES)))
        try:
            for _ in range(KILLS):
                await asyncio.sleep(pace.uniform(1.0, 3.0))
                assert not lifters.done()
                coach.send_signal(signal.SIGKILL)
                await coach.wait()
                coach = await start_coach(emulator, database_url, log, *args, **env)
            over.set()
            users = [user for lane in await asyncio.wait_for(lifters, 120) for user in lane]
        finally:
            lifters.cancel()
            if coach.returncode is None:
                coach.terminate()
                await coach.wait()

    db = Database.from_url(database_url)
    stored = await sets_by_lifter(db)
    await db.dispose()
    for user in users:  # every set once, in the order sent
        assert stored.get(user, []) == SETS, user


async def test_a_second_poller_on_the_same_token_is_told_and_one_process_stops(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    other_url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"  # SQLite: one process a file
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    async with BotApiEmulator() as emulator:
        first = await start_coach(emulator, url, first_log)
        try:
            await say(emulator, "/start", "upper-back coach")  # the first one is polling
            second = await start_coach(emulator, other_url, second_log)
            try:
                gone = await asyncio.wait_for(first.wait(), 60)  # its poll was taken over
                assert gone == 3
                assert "Another process is polling Telegram" in first_log.read_text()
                assert "I'm your upper-back coach" in await say(emulator, "/start", "coach")
                assert second.returncode is None  # the other one carries on alone
            finally:
                second.terminate()
                await second.wait()
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()


async def test_a_second_process_on_the_same_sqlite_file_says_so_and_exits(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    async with BotApiEmulator() as emulator:
        first = await start_coach(emulator, url, tmp_path / "first.log")
        try:
            await say(emulator, "/start", "upper-back coach")
            second = await start_coach(emulator, url, tmp_path / "second.log")
            assert await asyncio.wait_for(second.wait(), 60) == 4
            assert "SQLite is for one process" in (tmp_path / "second.log").read_text()
            assert "Welcome back" in await say(emulator, "/start", "Welcome back")
        finally:
            first.terminate()
            await first.wait()
