"""`coach chat`: the real bot over real HTTP against the in-process emulator, in a terminal.

Each input line is one message from the current user; `[Label]` presses a button and
lines starting with `!` are directives (`bot.texts.chat.DIRECTIVES`). Every line is fully
handled, and all replies printed, before the next is read, so scripted runs print the same
every time.

`!wait` is the bot running through time: it moves the clock to each rest timer, reminder
and weekly summary due on the way, in order, and fires it there, so nothing arrives late
(a reminder jumped over by a whole day would be too late to send).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import mimetypes
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr
from sqlalchemy import func, select
from telegram.ext import Application

from bot.app import build_application, processor_of, start_polling, stop_polling
from bot.clock import Clock
from bot.config import Settings
from bot.context import services_of
from bot.db.models import RestTimer, Schedule
from bot.localapi import BotApiEmulator, BotMessage
from bot.logs import setup_logging
from bot.scheduling.sweep import fire_due
from bot.texts import chat as texts

# The emulator accepts any well-formed token; this one only ever talks to loopback.
CHAT_TOKEN = "100000001:offline-chat-token-not-a-secret"
DEFAULT_USER_ID = 1001
_WAIT = re.compile(r"^(\d+)\s*(s|sec|m|min|h|d)?$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})


def first_update_id() -> int:
    """Update ids for this run: microseconds since the epoch.

    The bot remembers handled update ids in its database, so a second run on the same
    database must not start again at 1 (its messages would look handled and be dropped).
    Each run starts above every id an earlier run could have used: no run sends a
    million messages a second. This holds whatever the bot keeps (ledger or inbox).
    """
    return time.time_ns() // 1000


def parse_wait(text: str) -> dt.timedelta | None:
    """`3m`, `90s`, `2h`, `1d` (a bare number is minutes)."""
    match = _WAIT.match(text.strip().lower())
    if match is None:
        return None
    return dt.timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2] or "m"])


class ChatConsole:
    """Plays the user against the emulator and prints what the bot sends."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        app: Application,
        clock: Clock,
        files_dir: Path,
        out: TextIO,
    ) -> None:
        self.emulator, self.app, self.clock = emulator, app, clock
        self.files_dir, self.out = files_dir, out
        self.user_id = DEFAULT_USER_ID
        self._shown: dict[tuple[int, int], tuple[object, ...]] = {}

    async def handle(self, line: str) -> bool:
        """Handle one input line; False means stop."""
        line = line.rstrip("\n")
        if not line.strip():
            return True
        if line.startswith("!"):
            return await self._directive(line[1:].strip())
        if line.startswith("[") and line.endswith("]"):
            try:
                update_id = await self.emulator.press_label(self.user_id, line[1:-1])
            except LookupError:
                self._print(texts.NO_BUTTON.format(label=line[1:-1]))
                return True
        else:
            update_id = await self.emulator.send_text(self.user_id, line)
        await self._answered(update_id)
        return True

    async def _answered(self, update_id: int) -> None:
        await processor_of(self.app).wait_processed(update_id)
        self.flush()

    async def _directive(self, directive: str) -> bool:
        name, _, argument = directive.partition(" ")
        argument = argument.strip()
        if name == "quit":
            return False
        if name == "user" and argument.lstrip("-").isdigit():
            self.user_id = int(argument)
            self._print(texts.SWITCHED_USER.format(user_id=self.user_id))
        elif name == "wait" and (delta := parse_wait(argument)) is not None:
            await self.wait(delta)
        elif name == "send" and argument:
            await self.send_file(argument)
        elif name == "help":
            self._print(texts.DIRECTIVES)
        else:
            self._print(texts.UNKNOWN_DIRECTIVE)
        return True

    async def wait(self, delta: dt.timedelta) -> None:
        """Let `delta` pass, stopping at every instant something is due, in order."""
        end = self.clock.now() + delta
        await fire_due(self.app)
        self.flush()
        while (due := await self._next_due(end)) is not None:
            self.clock.advance(due - self.clock.now())
            await fire_due(self.app)
            self.flush()
        self.clock.advance(max(end - self.clock.now(), dt.timedelta()))
        await fire_due(self.app)
        self.flush()

    async def _next_due(self, end: dt.datetime) -> dt.datetime | None:
        """The first rest timer, reminder or summary instant after now and by `end`."""
        now = self.clock.now()
        instants = (
            select(func.min(RestTimer.due_at)).where(RestTimer.due_at > now),
            select(func.min(Schedule.next_due_at)).where(
                Schedule.enabled.is_(True), Schedule.next_due_at > now
            ),
            select(func.min(Schedule.next_summary_at)).where(Schedule.next_summary_at > now),
        )
        async with services_of(self.app).db.transaction() as session:
            found = await session.execute(select(*(q.scalar_subquery() for q in instants)))
        due = [_aware(instant) for instant in found.one() if instant is not None]
        return min((instant for instant in due if instant <= end), default=None)

    async def send_file(self, name: str) -> None:
        """`!send PATH`: a photo for picture extensions, otherwise a document."""
        path = Path(name)
        try:
            content = await asyncio.to_thread(_read, path)
        except OSError:
            self._print(texts.NO_FILE.format(path=path))
            return
        if path.suffix.casefold() in _PHOTO_EXTENSIONS:
            update_id = await self.emulator.send_photo(self.user_id, content)
        else:
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            update_id = await self.emulator.send_document(
                self.user_id, path.name, content, mime_type=mime_type
            )
        await self._answered(update_id)

    def flush(self) -> None:
        """Print every bot message not printed yet (or changed since), in order."""
        for message in self.emulator.messages(self.user_id):
            key = (message.chat_id, message.message_id)
            snapshot = (message.text, message.caption, tuple(message.labels))
            if self._shown.get(key) == snapshot:
                continue
            self._shown[key] = snapshot
            self._show(message)

    def _show(self, message: BotMessage) -> None:
        lines: list[str] = []
        if message.photo is not None:
            lines.append(f"[photo: {self._save(message, message.photo, 'png')}]")
        if message.document is not None:
            lines.append(f"[document: {self._save(message, message.document, None)}]")
        body = message.text if message.text is not None else message.caption
        if body:
            lines.append(body)
        lines += [f"[{label}]" for label in message.labels]
        self._print("\n".join(lines) + "\n")

    def _save(self, message: BotMessage, content: bytes, extension: str | None) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = message.filename or f"{message.chat_id}-{message.message_id}.{extension or 'bin'}"
        path = self.files_dir / name
        path.write_bytes(content)
        return path

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _read(path: Path) -> bytes:
    return path.expanduser().read_bytes()


def _aware(instant: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)


async def run_chat(settings: Settings, *, files_dir: Path, stdin: TextIO | None = None) -> int:
    """Run the offline chat until end of input or `!quit`; exit code 0."""
    stdin = stdin or sys.stdin
    setup_logging("WARNING", CHAT_TOKEN)
    logging.getLogger("bot").setLevel(logging.WARNING)
    interactive = stdin.isatty()
    async with BotApiEmulator(first_update_id=first_update_id()) as emulator:
        local = settings.model_copy(
            update={"bot_token": SecretStr(CHAT_TOKEN), "bot_api_url": emulator.base_url}
        )
        clock = Clock()
        app = build_application(local, clock=clock)
        await start_polling(app)
        console = ChatConsole(emulator, app, clock, files_dir, sys.stdout)
        if interactive:
            print(texts.WELCOME)
        try:
            loop = asyncio.get_running_loop()
            while True:
                if interactive:
                    print("> ", end="", flush=True)
                line = await loop.run_in_executor(None, stdin.readline)
                if not line or not await console.handle(line):
                    break
        finally:
            await stop_polling(app)
    return 0
