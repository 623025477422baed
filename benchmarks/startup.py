"""Start-up and memory: time to the first getUpdates and peak RSS with 100,000 lifters.

    python -m benchmarks.startup [--db sqlite|postgres] [--quick] [--users 100000]

The database holds `--users` lifters, each with settings and a reminder schedule due
some time in the coming week (none due now). `coach run` is started against the
emulator; start-up is from creating the process to the emulator receiving its first
getUpdates (migrations checked, rest timers and reminders restored, commands set), and
memory is the process's peak resident set (VmHWM) a moment later. For scale, the same is
measured for the bare echo bot and for the coach on an empty database, alternately.
Correctness: nothing was due, so nothing may be sent at start-up, and the coach must
still answer a lifter afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import processes
from benchmarks.client import EmulatorClient
from benchmarks.databases import BenchDatabase, fresh_database
from benchmarks.lifting import FIRST_USER
from benchmarks.population import insert_lifters, spread_over_the_week
from benchmarks.report import Failed, environment, parser, run
from bot.db.inbox import last_update_id
from bot.db.models import InboxUpdate

TARGET_SECONDS, TARGET_MB = 3.0, 150.0


@dataclass
class Contender:
    """A bot started again and again, with what each start took."""

    name: str
    command: tuple[str, ...]
    database: BenchDatabase | None = None
    seconds: list[float] = field(default_factory=list)  # math.inf: never polled in time
    peak_mb: list[float] = field(default_factory=list)


async def start_once(bot: Contender, workdir: Path, args: argparse.Namespace) -> None:
    """Start the bot on a fresh emulator, time it, check it, stop it.

    A bot still not polling after `--timeout` seconds counts as infinitely slow (its memory
    so far is recorded) and is stopped.
    """
    url = bot.database.url if bot.database else None
    async with (
        processes.emulator(workdir) as api,
        processes.bot(bot.name, bot.command, workdir, api, url, wait=False) as child,
    ):
        try:
            polling_at = await api.wait_for_polling(child, args.timeout)
        except TimeoutError:
            bot.seconds.append(math.inf)
            bot.peak_mb.append(processes.memory_mb(child.pid))
            return
        bot.seconds.append(polling_at - child.started_at)
        await asyncio.sleep(args.settle)
        bot.peak_mb.append(processes.memory_mb(child.pid))
        if bot.database is None:
            return
        sent = (await api.stats())["sent"]
        if sent:
            raise Failed(f"{bot.name} sent {sent} messages at start-up with nothing due")
        await continue_update_ids(api, bot.database)
        update_id = await api.send_text(FIRST_USER, "/start")
        await api.wait_until_quiet(sent_at_least=1, confirmed_past=update_id, bot=child)


async def inbox_rows(database: BenchDatabase) -> tuple[int, int]:
    """How many updates the inbox holds, and the highest id among them (0 if none)."""
    db = database.open()
    try:
        async with db.transaction() as session:
            count = await session.scalar(select(func.count()).select_from(InboxUpdate))
            return int(count or 0), await last_update_id(session)
    finally:
        await db.dispose()


async def continue_update_ids(api: EmulatorClient, database: BenchDatabase) -> None:
    """Make a fresh emulator's update ids go on after the stored ones, as Telegram's do.

    Its ids start at 1, and the inbox would take them for redeliveries of the last
    start's messages. The update pushed carries the highest stored id (so the coach
    drops it as a redelivery) and moves the emulator's next id past it.
    """
    _, last = await inbox_rows(database)
    if last:
        message = {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": FIRST_USER, "type": "private", "first_name": "Lifter"},
            "from": {"id": FIRST_USER, "is_bot": False, "first_name": "Lifter"},
            "text": "/start",
        }
        await api.push_update({"update_id": last, "message": message})


def _seconds(value: float, timeout: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else f"> {timeout:.0f}"


def table(bots: Sequence[Contender], timeout: float) -> str:
    """Medians of every start."""
    lines = [f"{'bot':<26} {'start-up s':>10} {'peak RSS MB':>12}"]
    for bot in bots:
        lines.append(
            f"{bot.name:<26} {_seconds(statistics.median(bot.seconds), timeout):>10} "
            f"{statistics.median(bot.peak_mb):>12.0f}"
        )
    return "\n".join(lines)


async def main(args: argparse.Namespace, workdir: Path) -> None:
    """Fill a database, then start each bot in turn, several times."""
    print(await environment(args.db), flush=True)
    async with contextlib.AsyncExitStack() as stack:
        full = await stack.enter_async_context(fresh_database(args.db, workdir, "full"))
        empty = await stack.enter_async_context(fresh_database(args.db, workdir, "empty"))
        for database in (full, empty):
            await database.migrate()
        began = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        await insert_lifters(full, args.users, spread_over_the_week(now))
        print(f"inserted {args.users} lifters in {time.perf_counter() - began:.1f} s", flush=True)
        bots = [
            Contender("echo", processes.ECHO),
            Contender("coach, empty database", processes.COACH, empty),
            Contender(f"coach, {args.users} lifters", processes.COACH, full),
        ]
        for _ in range(args.repetitions):
            for bot in bots:
                await start_once(bot, workdir, args)
        inboxes = [await inbox_rows(bot.database) for bot in bots if bot.database is not None]
    print(table(bots, args.timeout))
    seconds, peak = statistics.median(bots[-1].seconds), statistics.median(bots[-1].peak_mb)
    if not args.quick:
        print(
            f"with {args.users} lifters: {_seconds(seconds, args.timeout)} s (target < "
            f"{TARGET_SECONDS:.0f}: {'met' if seconds < TARGET_SECONDS else 'MISSED'}), "
            f"{peak:.0f} MB (target < {TARGET_MB:.0f}: {'met' if peak < TARGET_MB else 'MISSED'})"
        )
    if all(math.isfinite(s) for bot in bots for s in bot.seconds):
        print("nothing was sent at start-up, and the coach answered afterwards")
        for bot, (rows, _) in zip(bots[1:], inboxes, strict=True):
            print(f"inbox of '{bot.name}' after {len(bot.seconds)} starts: {rows} rows")
    else:
        print(f"not checked: a bot never polled within {args.timeout:.0f} s")


def options() -> argparse.Namespace:
    """Command-line options; --quick shrinks everything."""
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=100_000)
    options.add_argument("--repetitions", type=int, default=3)
    options.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for the first getUpdates"
    )
    options.add_argument(
        "--settle", type=float, default=2.0, help="seconds after start-up before memory is read"
    )
    args = options.parse_args()
    if args.quick:
        args.users, args.repetitions, args.settle = 2_000, 1, 0.5
    return args


if __name__ == "__main__":
    sys.exit(run(main, options()))
