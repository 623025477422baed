"""Reminder fan-out: 10,000 lifters due in the same minute, at Telegram's 30 messages/s.

    python -m benchmarks.reminder_fanout [--db sqlite|postgres] [--quick]
                                         [--users 10000] [--scale 1.0] [--faults 0.01]

The lifters, their settings and schedules are written straight into the database, every
reminder due at the same minute a moment ago; then `coach run` starts, and its start-up
sweep finds them all. The emulator enforces Telegram's limits (30 messages per second
overall, 1 per chat) and answers a further `--faults` share of sendMessage calls with an
injected 429. `--scale` shrinks the limits' time unit (RateLimit.time_scale), and the
coach's pacer with it, so a CI-size run takes seconds: 0.1 means 300 messages per
second of wall clock, still "30 per (scaled) second".

Printed: the send rate achieved between the first and the last reminder as a fraction
of the limit, how close the closest 31 sends in a row came to one window (the margin left
at arrival), 429s, and the two things that must be zero: lifters reminded twice and
lifters never reminded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import processes
from benchmarks.databases import BenchDatabase, fresh_database
from benchmarks.lifting import users
from benchmarks.population import due_at, insert_lifters
from benchmarks.report import Failed, environment, parser, run
from bot.db.models import Delivery

PER_SECOND = 30
TARGET_FRACTION = 0.95
STALL = 0.5  # seconds: a pause between two sends this long is the sender waiting
QUIET = 3.0  # seconds without a send after the last reminder: nothing more is coming
POLL = 0.5  # seconds between looks at the counters (the emulator encodes one per chat)


async def ledger(database: BenchDatabase) -> Counter[str]:
    """Deliveries by status, from the coach's own exactly-once ledger."""
    db = database.open()
    try:
        async with db.transaction() as session:
            rows = await session.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            )
            return Counter({str(status): int(count) for status, count in rows})
    finally:
        await db.dispose()


async def main(args: argparse.Namespace, workdir: Path) -> None:
    """Fill the database, start the coach, wait for every reminder, count."""
    lifters = users(args.users)
    limit = PER_SECOND / args.scale  # messages per wall-clock second
    print(await environment(args.db), flush=True)
    command = processes.COACH if args.scale == 1 else processes.coach_variant("ordered", args.scale)
    async with (
        processes.emulator(workdir) as api,
        fresh_database(args.db, workdir, "fanout") as database,
    ):
        await database.migrate()
        await insert_lifters(database, args.users, due_at(dt.datetime.now(dt.UTC)))
        await api.introduce(lifters, processes.TOKEN)
        await api.rate_limit(per_second=PER_SECOND, per_chat_per_second=1, time_scale=args.scale)
        if args.faults:
            await api.add_fault(
                method="sendMessage", kind="429", probability=args.faults, seed=1, retry_after=1
            )
        expected_seconds = args.users / limit
        async with processes.bot("coach", command, workdir, api, database.url, wait=False) as bot:
            began = time.time()
            _, stats = await api.wait_until_quiet(
                sent_at_least=args.users,
                confirmed_past=-1,
                quiet=QUIET,
                timeout=60 + 3 * expected_seconds,
                bot=bot,
                poll=POLL,
            )
            cpu = bot.cpu()
        replies = await api.all_messages(lifters)
        statuses = await ledger(database)

    times = sorted(float(m["sent_at"]) for chat in replies.values() for m in chat)
    counts = Counter({user: len(chat) for user, chat in replies.items()})
    duplicates = sum(count - 1 for count in counts.values() if count > 1)
    misses = sum(1 for user in lifters if counts[user] == 0)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / span if span > 0 else float("nan")
    print(
        f"\n{len(times)} reminders to {args.users} lifters in {span:.1f} s "
        f"(first after {times[0] - began:.1f} s from process start)"
        if times
        else "\nno reminder was sent"
    )
    if not args.quick:
        fraction = rate / limit
        print(
            f"send rate {rate:.1f}/s of a limit of {limit:.0f}/s (time scale {args.scale}): "
            f"{fraction:.1%}, target >= {TARGET_FRACTION:.0%}: "
            f"{'met' if fraction >= TARGET_FRACTION else 'MISSED'}"
        )
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        stalls = [gap for gap in gaps if gap > STALL]
        print(
            f"{len(stalls)} pauses longer than {STALL} s between sends, {sum(stalls):.1f} s "
            f"in all; longest {max(gaps, default=0):.2f} s"
        )
        tightest = min((b - a for a, b in zip(times, times[PER_SECOND:], strict=False)), default=0)
        print(
            f"closest {PER_SECOND + 1} sends in a row: {tightest * 1000 / args.scale:.0f} ms "
            f"from first to last (the limit: over 1000 ms, scaled)"
        )
        print(
            f"429s from the limiter: {stats['rate']['rejected_429']}, "
            f"bot CPU {1000 * cpu / max(len(times), 1):.2f} ms/reminder"
        )
    print(f"ledger: {dict(statuses)}")
    print(f"duplicates: {duplicates}, misses: {misses}")
    if duplicates or misses:
        raise Failed(f"{duplicates} duplicate and {misses} missed reminders")


def options() -> argparse.Namespace:
    """Command-line options; --quick shrinks everything."""
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=10_000)
    options.add_argument("--scale", type=float, default=1.0, help="RateLimit.time_scale")
    options.add_argument("--faults", type=float, default=0.01, help="share of injected 429s")
    args = options.parse_args()
    if args.quick:
        args.users, args.scale = 300, 0.1
    return args


if __name__ == "__main__":
    sys.exit(run(main, options()))
