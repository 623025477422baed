"""Cost per update against the floor: CPU of the coach logging sets vs a bare echo bot.

    python -m benchmarks.cost_per_update [--db sqlite|postgres] [--quick] [--processors]

Each bot runs in its own process against its own emulator process. After a warm-up (every
lifter sends /workout and a start weight), each repetition queues a burst of updates
(200 lifters in turn, each lifter's in order) while the bot is paused, resumes it, and
charges it the CPU its process used until the last reply: the bot runs flat out on a
full queue, as at its maximum throughput, and neither the emulator nor this driver is
counted. Repetitions alternate between the bots (echo, coach, echo, coach, ...) so both
see the same machine; figures are medians. The coach's updates are set reports mid-
workout ("100x7 @2": parse, progression, store the set and the position, reply), with
/workout again after each finished workout. At the end every lifter's stored sets must
be exactly those reported, once each, in order.

`--baseline DIR` adds the coach of another checkout (`git worktree add DIR REV`), so a
change's before and after come from one run on the same machine.

`--scheduled N` adds the coach with N lifters (the active ones among them) holding
reminder schedules before it starts, so it has their wake-up jobs armed as it would in
production ("coach N sch").

`--processors` adds the coach with other update-processing settings, each in its own
process: python-telegram-bot's `concurrent_updates=True` (256), a bound of 16,
sequential, and ours (PerChatOrderedProcessor) with other bounds; and the echo bot with
`concurrent_updates=256`, to see what concurrency costs the framework alone.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import processes
from benchmarks.client import EmulatorClient
from benchmarks.databases import BenchDatabase, fresh_database
from benchmarks.lifting import SETS_PER_WORKOUT, START_WEIGHT, compare, reps_of, stored_reps, users
from benchmarks.population import insert_lifters, spread_over_the_week
from benchmarks.processes import Child
from benchmarks.report import Failed, environment, parser, run

TARGET, STRETCH = 2.0, 1.5
PROCESSOR_VARIANTS = ("ptb:256", "ptb:16", "ptb:1", "ordered:4", "ordered:16")


@dataclass
class Contender:
    """One bot under measurement, with its emulator and (for the coach) its database."""

    name: str
    command: tuple[str, ...]
    coach: bool = True  # False: the echo floor (no database, nothing stored to check)
    scheduled: int = 0  # lifters with reminder schedules in its database before it starts
    ordered: bool = True  # keeps each lifter's updates in order (PTB's processors do not)
    database: BenchDatabase | None = None
    api: EmulatorClient | None = None
    child: Child | None = None
    cpu_ms: list[float] = field(default_factory=list)  # per update, one per repetition
    rates: list[float] = field(default_factory=list)  # updates per second
    replies: list[float] = field(default_factory=list)  # messages sent per update


def measured_texts(count: int) -> tuple[list[str], list[int]]:
    """One lifter's measured messages (set reports, /workout after each finished
    workout) and the reps of the sets among them."""
    texts: list[str] = []
    reps: list[int] = []
    in_workout = 0
    while len(texts) < count:
        if in_workout == SETS_PER_WORKOUT:
            texts.append("/workout")
            in_workout = 0
            continue
        reps.append(reps_of(len(reps)))
        texts.append(f"{START_WEIGHT}x{reps[-1]} @2")
        in_workout += 1
    return texts, reps


async def measure(bot: Contender, burst: list[tuple[int, str]]) -> None:
    """Queue `burst` while the bot is paused, let it run, record its CPU per update."""
    assert bot.api is not None and bot.child is not None
    before = await bot.api.stats()
    bot.child.pause()
    try:
        last_id = await bot.api.push_all(burst)
        cpu, started = bot.child.cpu(), time.time()
    finally:
        bot.child.resume()
    finished, after = await bot.api.wait_until_quiet(
        sent_at_least=before["sent"] + len(burst), confirmed_past=last_id, bot=bot.child
    )
    bot.cpu_ms.append((bot.child.cpu() - cpu) * 1000 / len(burst))
    bot.rates.append(len(burst) / max(finished - started, 1e-9))
    bot.replies.append((after["sent"] - before["sent"]) / len(burst))


async def warm_up_and_measure(
    bots: list[Contender], lifters: list[int], texts: list[str], repetitions: int
) -> None:
    """Warm every bot up (a workout and its start weight for each lifter, not counted),
    then measure `texts` in `repetitions` bursts, the bots taking turns in each."""
    warm_up = [(user, text) for text in ("/workout", START_WEIGHT) for user in lifters]
    for bot in bots:
        await measure(bot, warm_up)
        for samples in (bot.cpu_ms, bot.rates, bot.replies):
            samples.clear()
    per_user = len(texts) // repetitions
    for repetition in range(repetitions):
        chunk = texts[repetition * per_user : (repetition + 1) * per_user]
        burst = [(user, text) for text in chunk for user in lifters]
        for bot in bots:
            await measure(bot, burst)
        print(f"repetition {repetition + 1}/{repetitions} done", flush=True)


def contenders(args: argparse.Namespace) -> list[Contender]:
    """The echo floor, the coach as deployed, and the processor variants if asked."""
    bots = [
        Contender("echo", processes.ECHO, coach=False),
        Contender("coach", processes.COACH),
    ]
    if args.scheduled:
        bots.append(
            Contender(f"coach {args.scheduled} sch", processes.COACH, scheduled=args.scheduled)
        )
    if args.baseline:
        tree = args.baseline.resolve()
        command = ("env", f"PYTHONPATH={tree}", processes.coach_script(), *processes.COACH[1:])
        bots.append(Contender(f"coach@{tree.name}", command))
    if args.profile:
        bots[1].command = processes.profiled(processes.COACH, args.profile.resolve())
    if args.processors:
        bots.append(
            Contender(
                "echo ptb:256",
                (*processes.ECHO, "--concurrent-updates", "256"),
                coach=False,
                ordered=False,
            )
        )
        bots += [
            Contender(
                f"coach {spec}",
                processes.coach_variant(spec),
                ordered=spec.startswith("ordered") or spec == "ptb:1",
            )
            for spec in PROCESSOR_VARIANTS
        ]
    return bots


async def start(
    bots: list[Contender], args: argparse.Namespace, workdir: Path, stack: contextlib.AsyncExitStack
) -> None:
    """An emulator, a database (with the scheduled lifters) and a process for each bot."""
    for index, bot in enumerate(bots):
        slug = bot.name.replace(" ", "-").replace(":", "")
        bot.api = await stack.enter_async_context(processes.emulator(workdir, f"emulator-{slug}"))
        if bot.coach:
            bot.database = await stack.enter_async_context(
                fresh_database(args.db, workdir, f"cost{index}")
            )
            if bot.scheduled:
                await bot.database.migrate()
                now = dt.datetime.now(dt.UTC)
                await insert_lifters(bot.database, bot.scheduled, spread_over_the_week(now))
        bot.child = await stack.enter_async_context(
            processes.bot(
                slug, bot.command, workdir, bot.api, bot.database.url if bot.database else None
            )
        )


def summary(bots: list[Contender], kind: str) -> str:
    """The table: CPU per update, throughput, replies, ratio to the echo floor."""
    echo = statistics.median(bots[0].cpu_ms)
    lines = [
        f"{'bot':<18} {'CPU ms/update':>14} {'min-max':>12} {'updates/s':>10} "
        f"{'msgs/update':>12} {'x echo':>7}"
    ]
    for bot in bots:
        cpu = statistics.median(bot.cpu_ms)
        lines.append(
            f"{bot.name:<18} {cpu:>14.2f} {min(bot.cpu_ms):>5.2f}-{max(bot.cpu_ms):<6.2f} "
            f"{statistics.median(bot.rates):>10.0f} {statistics.median(bot.replies):>12.2f} "
            f"{cpu / echo:>7.2f}"
        )
    coach = statistics.median(bots[1].cpu_ms) / echo
    verdict = "met" if coach <= TARGET else "MISSED"
    stretch = " (stretch met)" if coach <= STRETCH else ""
    lines.append(f"coach/echo on {kind}: {coach:.2f}, target <= {TARGET}: {verdict}{stretch}")
    return "\n".join(lines)


async def main(args: argparse.Namespace, workdir: Path) -> None:
    """Warm up, run interleaved repetitions, print medians, check every stored set."""
    lifters = users(args.users)
    per_user = args.updates // (args.users * args.repetitions)
    texts, reps = measured_texts(per_user * args.repetitions)
    print(await environment(args.db), flush=True)
    bots = contenders(args)
    async with contextlib.AsyncExitStack() as stack:
        await start(bots, args, workdir, stack)
        await warm_up_and_measure(bots, lifters, texts, args.repetitions)
        print(
            f"\n{len(lifters) * len(texts)} updates per bot over {len(lifters)} lifters in "
            f"{args.repetitions} repetitions of {len(lifters) * per_user} "
            f"({len(reps)} of each lifter's {len(texts)} are set reports)"
        )
        if not args.quick:
            print(summary(bots, args.db))
        problems = []
        for bot in bots:
            if bot.database is None:
                if min(bot.replies) < 1:
                    problems.append(f"{bot.name}: some updates got no reply")
                continue
            check = compare({u: reps for u in lifters}, await stored_reps(bot.database))
            print(f"{bot.name}: {check}")
            if not check.ok and bot.ordered:
                problems.append(f"{bot.name}: {check}")
        if problems:
            raise Failed("; ".join(problems))


def options() -> argparse.Namespace:
    """Command-line options; --quick shrinks everything."""
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=200)
    options.add_argument("--updates", type=int, default=5000, help="measured, per bot")
    options.add_argument("--repetitions", type=int, default=5)
    options.add_argument(
        "--processors", action="store_true", help="also measure other processor settings"
    )
    options.add_argument(
        "--scheduled",
        type=int,
        default=0,
        help="also measure the coach with this many lifters holding reminder schedules",
    )
    options.add_argument(
        "--baseline",
        type=Path,
        help="also measure the coach of another checkout (`git worktree add DIR REV`), "
        "for before/after figures from one run",
    )
    options.add_argument(
        "--profile", type=Path, help="run the coach under pyinstrument, its session to this file"
    )
    args = options.parse_args()
    if args.quick:
        args.users, args.updates, args.repetitions = 20, 200, 2
    return args


if __name__ == "__main__":
    sys.exit(run(main, options()))
