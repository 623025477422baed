"""Drive the real Application over real HTTP against the emulator, as a lifter would."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from pydantic import SecretStr
from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application, processor_of, start_polling, stop_polling
from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import WorkoutSet
from bot.localapi import BotApiEmulator, BotMessage
from bot.scheduling.dispatcher import WAKE_JOB

TEST_TOKEN = "123456789:test-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
LIFTER = 4242


@contextlib.asynccontextmanager
async def job_ran(app: Application, job_id: str) -> AsyncIterator[None]:
    """Wait, after the block, until the JobQueue has run job `job_id` to its end."""
    assert app.job_queue is not None
    scheduler = app.job_queue.scheduler
    ran = asyncio.Event()

    def listen(event: JobExecutionEvent) -> None:
        if event.job_id == job_id:
            ran.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        yield
        await asyncio.wait_for(ran.wait(), timeout=30)
    finally:
        scheduler.remove_listener(listen)


async def sets_by_lifter(db: Database) -> dict[int, list[tuple[str, int, int]]]:
    """Every lifter's stored sets as (exercise, set number, reps), in the order written:
    what crash and multi-worker tests compare with what was sent."""
    sets: dict[int, list[tuple[str, int, int]]] = {}
    async with db.transaction() as session:
        rows = await session.execute(
            select(
                WorkoutSet.user_id, WorkoutSet.exercise_key, WorkoutSet.set_number, WorkoutSet.reps
            ).order_by(WorkoutSet.id)
        )
        for user_id, exercise_key, number, reps in rows:
            sets.setdefault(user_id, []).append((exercise_key, number, reps))
    return sets


@contextlib.asynccontextmanager
async def another_worker(bot: BotHarness) -> AsyncIterator[Application]:
    """Another worker on the bot's database that does not poll: its own Application,
    JobQueue and pacer (it may lead the fan-out), started and stopped as `coach run` does."""
    app = build_application(bot.settings(), db=bot.db, clock=bot.clock)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    async with job_ran(app, WAKE_JOB):  # its start-up wake-up, before the test goes on
        await app.post_init(app)
        await app.start()
    try:
        yield app
    finally:
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


@dataclass
class BotHarness:
    """One emulator, one database, and the coach Application running against both."""

    emulator: BotApiEmulator
    db: Database
    clock: Clock = field(default_factory=Clock)
    app: Application | None = None
    _seen: dict[int, int] = field(default_factory=dict)

    def settings(self) -> Settings:
        return Settings(
            bot_token=SecretStr(TEST_TOKEN),
            bot_api_url=self.emulator.base_url,
            database_url=str(self.db.engine.url.render_as_string(hide_password=False)),
        )

    async def start(self) -> None:
        """Start the coach; return once its start-up wake-up has sent what came due while
        it was down, as a lifter would see it soon after a restart."""
        self.app = build_application(self.settings(), db=self.db, clock=self.clock)
        async with job_ran(self.app, WAKE_JOB):
            await start_polling(self.app)

    async def stop(self) -> None:
        if self.app is not None:
            await stop_polling(self.app)
            self.app = None

    async def restart(self) -> None:
        """A new Application on the same database: what a crash and restart leaves."""
        await self.stop()
        await self.start()

    async def _settle(self, update_id: int, user: int) -> list[BotMessage]:
        assert self.app is not None
        await processor_of(self.app).wait_processed(update_id)
        return self.new_messages(user)

    def new_messages(self, user: int = LIFTER) -> list[BotMessage]:
        """Messages the bot sent this chat since the last call."""
        messages = self.emulator.messages(user)
        start = self._seen.get(user, 0)
        self._seen[user] = len(messages)
        return messages[start:]

    async def say(
        self, text: str, user: int = LIFTER, chat_id: int | None = None
    ) -> list[BotMessage]:
        """Send a text as `user` (in a group if `chat_id` is negative); return the answer."""
        update_id = await self.emulator.send_text(user, text, chat_id=chat_id)
        return await self._settle(update_id, user if chat_id is None else chat_id)

    async def press(
        self, label: str, user: int = LIFTER, chat_id: int | None = None
    ) -> list[BotMessage]:
        """Press the button with this label on the latest message that has buttons."""
        update_id = await self.emulator.press_label(user, label, chat_id=chat_id)
        return await self._settle(update_id, user if chat_id is None else chat_id)

    async def press_data(self, message_id: int, data: str, user: int = LIFTER) -> list[BotMessage]:
        """Press arbitrary callback data (forged or replayed buttons)."""
        return await self._settle(await self.emulator.press(user, message_id, data), user)

    async def send_file(
        self, filename: str, content: bytes, user: int = LIFTER, mime_type: str = "text/csv"
    ) -> list[BotMessage]:
        """Send a document as `user`; return the answer once it is fully handled."""
        update_id = await self.emulator.send_document(user, filename, content, mime_type=mime_type)
        return await self._settle(update_id, user)

    async def redeliver(self, update_id: int, user: int = LIFTER) -> list[BotMessage]:
        """Deliver an update again with the same id, as Telegram may after a crash."""
        return await self._settle(await self.emulator.redeliver(update_id), user)


def texts(messages: list[BotMessage]) -> str:
    """All texts and captions of some messages, joined, for substring assertions."""
    return "\n".join((m.text or m.caption or "") for m in messages)
