"""Reminder fan-out: 10,000 lifters due in the same minute, at Telegram's 30 messages/s.

    python -m benchmarks.reminder_fanout [--db sqlite|postgres] [--quick]
                                         [--users 10000] [--scale 1.0] [--faults 0.01]
                                         [--texting 0 --rate 5]

The lifters, their settings and schedules are written straight into the database, every
reminder due at the same minute a moment ago; then `coach run` starts, and its start-up
sweep finds them all. The emulator enforces Telegram's limits (30 messages per second
overall, 1 per chat) and answers a further `--faults` share of sendMessage calls with an
injected 429. `--scale` shrinks the limits' time unit (RateLimit.time_scale), and the
coach's pacer with it, so a CI-size run takes seconds: 0.1 means 300 messages per
second of wall clock, still "30 per (scaled) second".

With `--texting N`, N other lifters do their workouts while the reminders go out
(the messages of `benchmarks.thousand_lifters`, offered at `--rate` per second of the
limit's time, i.e. scaled like it, for about the time the fan-out takes): every one of
their messages is answered at once by the coach, and those answers count against the
same 30 a second. Each lifter writes at most once a (scaled) second, Telegram's limit
per chat.

Printed: the send rate achieved between the first and the last reminder as a fraction
of the limit, how close the closest 31 sends in a row came to one window (the margin left
at arrival), the most messages the bot tried to send in any one window (measured by the
emulator, refused ones included; Telegram allows 30), 429s, with `--texting` the reply
latency, and the things that must be zero: lifters reminded twice, lifters never
reminded, messages never answered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import processes
from benchmarks.client import EmulatorClient
from benchmarks.databases import BenchDatabase, fresh_database
from benchmarks.lifting import users
from benchmarks.population import due_at, insert_lifters
from benchmarks.report import Failed, environment, parser, percentile, run
from benchmarks.thousand_lifters import Sent, latencies, offer, offer_order, workout
from bot.db.models import Delivery

PER_SECOND = 30
TARGET_FRACTION = 0.95
STALL = 0.5  # seconds: a pause between two sends this long is the sender waiting
QUIET = 3.0  # seconds without a send after the last reminder: nothing more is coming
POLL = 0.5  # seconds between looks at the counters (the emulator encodes one per chat)
TEXTING_SHARE = 0.8  # of the fan-out's expected time, lifters text; it ends after them


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


def texting_plan(args: argparse.Namespace) -> list[Sent]:
    """The messages of `--texting` lifters (ids after the reminded ones), in turns, for
    about `TEXTING_SHARE` of the time the fan-out takes at the limit."""
    if not args.texting:
        return []
    texters = users(args.users + args.texting)[args.users :]
    rng = random.Random(7)
    planned = offer_order(texters, {user: workout(rng) for user in texters}, seed=7)
    return planned[: max(1, int(TEXTING_SHARE * args.rate * args.users / PER_SECOND))]


async def text_meanwhile(
    api: EmulatorClient, planned: list[Sent], args: argparse.Namespace
) -> list[Sent]:
    """Offer the planned messages at `--rate` per scaled second (nothing if none)."""
    if not planned:
        return []
    return await offer(api, planned, args.rate / args.scale, max_lag=float("inf"))


async def main(args: argparse.Namespace, workdir: Path) -> None:
    """Fill the database, start the coach, wait for every reminder, count."""
    lifters = users(args.users)
    planned = texting_plan(args)
    texters = sorted({message.user_id for message in planned})
    limit = PER_SECOND / args.scale  # messages per wall-clock second
    print(await environment(args.db), flush=True)
    command = processes.COACH if args.scale == 1 else processes.coach_variant("ordered", args.scale)
    async with (
        processes.emulator(workdir) as api,
        fresh_database(args.db, workdir, "fanout") as database,
    ):
        await database.migrate()
        await insert_lifters(database, args.users, due_at(dt.datetime.now(dt.UTC)))
        await api.introduce(lifters + texters, processes.TOKEN)
        await api.rate_limit(per_second=PER_SECOND, per_chat_per_second=1, time_scale=args.scale)
        if args.faults:
            await api.add_fault(
                method="sendMessage", kind="429", probability=args.faults, seed=1, retry_after=1
            )
        expected_seconds = args.users / limit
        wait = bool(planned)  # texting lifters start once the coach polls
        async with processes.bot("coach", command, workdir, api, database.url, wait=wait) as bot:
            began = time.time()
            sent = await text_meanwhile(api, planned, args)
            _, stats = await api.wait_until_quiet(
                sent_at_least=args.users + len(sent),
                confirmed_past=max((message.update_id for message in sent), default=-1),
                quiet=QUIET,
                timeout=60 + 3 * expected_seconds,
                bot=bot,
                poll=POLL,
            )
            cpu = bot.cpu()
        replies = await api.all_messages(lifters)
        answers = await api.all_messages(texters)
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
        verdict = "met" if fraction >= TARGET_FRACTION else "MISSED"
        print(
            f"send rate {rate:.1f}/s of a limit of {limit:.0f}/s (time scale {args.scale}): "
            f"{fraction:.1%}, "
            + (
                "the rest was left to the replies"
                if sent
                else f"target >= {TARGET_FRACTION:.0%}: {verdict}"
            )
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
        rate_stats = stats["rate"]
        print(
            f"busiest window: {rate_stats['busiest']} messages tried "
            f"(limit {PER_SECOND} per {rate_stats['window']:g} s); 429s from the limiter: "
            f"{rate_stats['rejected_429']} ({rate_stats['rejected_chat']} for one chat), "
            f"bot CPU {1000 * cpu / max(len(times) + len(sent), 1):.2f} ms/message"
        )
    missing = report_texting(sent, answers, args)
    print(f"ledger: {dict(statuses)}")
    print(f"duplicates: {duplicates}, misses: {misses}")
    if duplicates or misses or missing:
        raise Failed(f"{duplicates} duplicate, {misses} missed reminders; {missing} unanswered")


def report_texting(
    sent: list[Sent], answers: dict[int, list[dict[str, object]]], args: argparse.Namespace
) -> int:
    """Print how fast the texting lifters were answered; how many were not."""
    if not sent:
        return 0
    found, missing = latencies(sent, answers)
    span = sent[-1].at - sent[0].at
    ms = [1000 * seconds for seconds in found]
    print(
        f"{len(sent)} messages from {len({m.user_id for m in sent})} texting lifters over "
        f"{span:.1f} s ({len(sent) * args.scale / max(span, 1e-9):.1f} per scaled second); "
        f"reply latency ms: p50 {percentile(ms, 0.5):.1f}  p99 {percentile(ms, 0.99):.1f}  "
        f"max {max(ms, default=float('nan')):.1f}; unanswered: {missing}"
    )
    return missing


def options() -> argparse.Namespace:
    """Command-line options; --quick shrinks everything."""
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=10_000)
    options.add_argument("--scale", type=float, default=1.0, help="RateLimit.time_scale")
    options.add_argument("--faults", type=float, default=0.01, help="share of injected 429s")
    options.add_argument("--texting", type=int, default=0, help="lifters texting meanwhile")
    options.add_argument("--rate", type=float, default=5.0, help="their messages per second")
    args = options.parse_args()
    if args.texting and args.texting < args.rate:
        options.error("each texting lifter writes at most once a second: --texting >= --rate")
    if args.quick:
        args.users, args.scale = 300, 0.1
    return args


if __name__ == "__main__":
    sys.exit(run(main, options()))
