"""`coach chat`: the real bot over real HTTP against the in-process emulator, in a terminal.

Each input line is one message from the current user (`[Label]` presses a button,
`!user ID`, `!wait 3m`, `!quit` are directives). Every line is fully handled, and all
replies printed, before the next is read, so scripted runs print the same every time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import sys
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr
from telegram.ext import Application

from bot.app import build_application, inbox_of, processor_of, start_polling, stop_polling
from bot.clock import Clock
from bot.config import Settings
from bot.localapi import BotApiEmulator, BotMessage
from bot.logs import setup_logging
from bot.scheduling.sweep import fire_due

# The emulator accepts any well-formed token; this one only ever talks to loopback.
CHAT_TOKEN = "100000001:offline-chat-token-not-a-secret"
DEFAULT_USER_ID = 1001
_WAIT = re.compile(r"^(\d+)\s*(s|sec|m|min|h|d)?$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


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
                self._print(f"(there is no button labelled {line[1:-1]!r})")
                return True
        else:
            update_id = await self.emulator.send_text(self.user_id, line)
        await processor_of(self.app).wait_processed(update_id)
        self.flush()
        return True

    async def _directive(self, directive: str) -> bool:
        name, _, argument = directive.partition(" ")
        if name == "quit":
            return False
        if name == "user" and argument.strip().lstrip("-").isdigit():
            self.user_id = int(argument)
            self._print(f"(you are now user {self.user_id})")
        elif name == "wait" and (delta := parse_wait(argument)) is not None:
            self.clock.advance(delta)
            await fire_due(self.app)
            self.flush()
        else:
            self._print("(directives: !user ID, !wait 3m, !quit)")
        return True

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


async def run_chat(settings: Settings, *, files_dir: Path, stdin: TextIO | None = None) -> int:
    """Run the offline chat until end of input or `!quit`; exit code 0."""
    stdin = stdin or sys.stdin
    setup_logging("WARNING", CHAT_TOKEN)
    logging.getLogger("bot").setLevel(logging.WARNING)
    interactive = stdin.isatty()
    async with BotApiEmulator() as emulator:
        local = settings.model_copy(
            update={"bot_token": SecretStr(CHAT_TOKEN), "bot_api_url": emulator.base_url}
        )
        clock = Clock()
        app = build_application(local, clock=clock)
        await start_polling(app)
        # Telegram's update ids go on across runs; a fresh emulator's would start at 1,
        # and the inbox would take them for redeliveries of last run's messages.
        emulator.world.updates.next_id = await inbox_of(app).last_update_id() + 1
        console = ChatConsole(emulator, app, clock, files_dir, sys.stdout)
        if interactive:
            print("Talking to Upper Back Coach offline. Try /start. !quit to leave.")
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
