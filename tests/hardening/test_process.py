"""`coach run` as a real process: SIGTERM finishes the update in hand, in both modes."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import WorkoutSet
from bot.localapi import BotApiEmulator, Fault
from tests.bot.test_schedule import chats
from tests.hardening.conftest import exchange, free_port, start_coach, until
from tests.harness import LIFTER
from tests.scheduling.seed import seed_schedules

pytestmark = pytest.mark.slow

SECRET = "process-test-secret"


async def stored_sets(tmp_path: Path) -> int:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}")
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(WorkoutSet))
    await db.dispose()
    return int(count or 0)


async def stop_mid_set(emulator: BotApiEmulator, coach: asyncio.subprocess.Process) -> None:
    """Report a set whose confirmation Telegram holds for a second; SIGTERM meanwhile."""
    await exchange(emulator, LIFTER, "/workout", "What weight")
    await exchange(emulator, LIFTER, "225", "Set 1 of 3")
    emulator.add_fault(Fault(method="sendMessage", kind="timeout", delay=1.0, count=1))
    update_id = await emulator.send_text(LIFTER, "6 2")
    await emulator.wait_confirmed(update_id, timeout=30)  # the bot has it now
    coach.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(coach.wait(), 30) == 0
    assert "Logged set 1: 225 lb x 6 (2 left)" in (emulator.messages(LIFTER)[-1].text or "")


async def test_sigterm_while_polling_finishes_the_set_in_hand(tmp_path: Path) -> None:
    async with BotApiEmulator() as emulator:
        coach = await start_coach(emulator, tmp_path)
        try:
            await stop_mid_set(emulator, coach)
        finally:
            if coach.returncode is None:
                coach.kill()
                await coach.wait()
    assert await stored_sets(tmp_path) == 1


async def test_sigterm_in_webhook_mode_finishes_the_set_in_hand(tmp_path: Path) -> None:
    port = free_port()
    async with BotApiEmulator() as emulator:
        coach = await start_coach(
            emulator,
            tmp_path,
            "--webhook",
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            PORT=str(port),
        )
        try:
            await until(emulator, lambda: emulator.webhook.active)
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert (health.status_code, health.text) == (200, "ok")
            await stop_mid_set(emulator, coach)
        finally:
            if coach.returncode is None:
                coach.kill()
                await coach.wait()
        assert emulator.webhook.active  # kept: Telegram queues updates until we are back
    assert await stored_sets(tmp_path) == 1


async def test_sigterm_during_a_reminder_backlog_stops_at_once_and_loses_none(
    tmp_path: Path,
) -> None:
    """300 reminders came due while the coach was down. It answers a lifter while they go
    out at 30 a second; SIGTERM stops it within its sends under way, not after all 300;
    the next start sends the rest at once (not after the five-minute lease), none twice."""
    db, now = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"), Clock().now()
    await upgrade_to_head(db.engine)
    lifters = await seed_schedules(db, range(50_000, 50_300), now=now, due_at=now)
    await db.dispose()
    async with BotApiEmulator() as emulator:
        chats(emulator, lifters)
        coach = await start_coach(emulator, tmp_path)
        try:
            await until(emulator, lambda: emulator.sent_count() >= 30)
            await exchange(emulator, LIFTER, "/start", "upper-back coach", limit=5)
            coach.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(coach.wait(), 10) == 0
            first_run = {user for user in lifters if emulator.sent_count(user)}
            assert 30 <= len(first_run) < len(lifters)

            coach = await start_coach(emulator, tmp_path)
            await until(emulator, lambda: all(emulator.sent_count(u) for u in lifters), 60)
            coach.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(coach.wait(), 10) == 0
        finally:
            if coach.returncode is None:
                coach.kill()
                await coach.wait()
        assert all(emulator.sent_count(user) == 1 for user in lifters)
