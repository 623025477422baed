"""SQL statements per update: what one lifter's workout costs the database, message by message.

    python -m benchmarks.statements [--db sqlite|postgres]

The real Application (tests.harness) against the emulator, a new lifter doing a short
workout (/workout first, start weights, set reports, the exercise's last set, /done) and
a second workout two days later. Every statement the driver executes is counted: the
handler's own (the update's transaction), and apart from them the pipeline's inbox rows
(the update stored on arrival, and marked done), which run in their own transactions;
a done mark may land after the reply, so in the next message's count. BEGIN and COMMIT
are not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.databases import fresh_database
from benchmarks.report import environment, parser, run
from bot.localapi import BotApiEmulator
from tests.harness import BotHarness

# A message, or a number of days to let pass; what each message is, for the table.
SCRIPT: tuple[tuple[str | int, str], ...] = (
    ("/workout", "/workout, new lifter"),
    ("225", "start weight"),
    ("225x6 @2", "set report"),
    ("225x5 @2", "set report"),
    ("225x6 @1", "set report, ends the exercise"),
    ("135", "start weight"),
    ("135x8 @2", "set report"),
    ("/done", "/done"),
    (2, ""),
    ("/workout", "/workout, known lifter"),
    ("235x6 @2", "set report"),
)
PIPELINE = ("INSERT INTO inbox (update_id, received_at, chat_id", "UPDATE inbox SET done_at")


def _normal(statement: str) -> str:
    return " ".join(statement.split())


async def main(args: argparse.Namespace, workdir: Path) -> None:
    print(await environment(args.db), flush=True)
    async with fresh_database(args.db, workdir, "statements") as bench:
        await bench.migrate()
        db = bench.open()
        executed: list[str] = []

        def count(*event_args: Any) -> None:
            executed.append(_normal(event_args[2]))

        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with BotApiEmulator() as emulator:
                bot = BotHarness(emulator=emulator, db=db)
                await bot.start()
                print(f"\n{'message':<12} {'what':<32} {'handler':>7} {'inbox':>5}")
                for message, what in SCRIPT:
                    if isinstance(message, int):
                        bot.clock.advance(dt.timedelta(days=message))
                        continue
                    executed.clear()
                    await bot.say(message)
                    statements = [s for s in executed if not s.startswith(("BEGIN", "COMMIT"))]
                    inbox = sum(s.startswith(PIPELINE) for s in statements)
                    print(f"{message:<12} {what:<32} {len(statements) - inbox:>7} {inbox:>5}")
                await bot.stop()
        finally:
            await db.dispose()


if __name__ == "__main__":
    raise SystemExit(run(main, parser(__doc__ or "").parse_args()))
