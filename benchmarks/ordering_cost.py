"""What keeping each lifter's order across webhook workers costs: CPU per update with
and without the gate (`bot.pipeline.ordering`), on PostgreSQL.

    python -m benchmarks.ordering_cost [--quick] [--users 100] [--updates 3000]
                                       [--repetitions 5]

Two `coach run --webhook` processes, the same but for the gate, each with its own
database and emulator; the emulator posts updates to the webhook one at a time, as
Telegram does. Measured as `benchmarks.cost_per_update` does: after a warm-up, each
repetition queues the same set reports (lifters in turn) while the bot is paused,
resumes it, and charges it the CPU its process used until its last reply; repetitions
alternate between the two bots, figures are medians. One worker each: the gate's
statements per update (hold the update before storing it, look at the chat's previous
one, release it after the reply) are the same with several; what several add is
waiting for another worker, which costs no CPU.

Then the gate alone, in this process: two workers' inboxes on one database take updates
in turn (so each update's previous one is at the other worker), store them, wait for
their turn and are marked handled, with a handler that does nothing; CPU per update
with the gate and without, alternating, medians.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from pathlib import Path

from telegram import Bot, Update

from benchmarks import processes
from benchmarks.cost_per_update import Contender, measured_texts, warm_up_and_measure
from benchmarks.databases import BenchDatabase, fresh_database
from benchmarks.lifting import compare, stored_reps, users
from benchmarks.report import Failed, environment, parser, run
from bot.clock import Clock
from bot.pipeline.inbox import Inbox

CHATS = 49  # odd: with two workers in turn, each chat's next update goes to the other

VARIANTS = (("gate", ()), ("no gate", ("--unordered",)))


async def start(bot: Contender, workdir: Path, stack: contextlib.AsyncExitStack) -> None:
    """An emulator, a database and the webhook worker."""
    slug = bot.name.replace(" ", "-")
    bot.api = await stack.enter_async_context(processes.emulator(workdir, f"emulator-{slug}"))
    bot.database = await stack.enter_async_context(fresh_database("postgres", workdir, slug))
    port = processes.free_port()
    bot.child = await stack.enter_async_context(
        processes.bot(
            slug,
            bot.command,
            workdir,
            bot.api,
            bot.database.url,
            wait=False,
            env=processes.webhook_env(f"http://127.0.0.1:{port}/telegram", port),
        )
    )
    await processes.wait_healthy(bot.child, port)


async def main(args: argparse.Namespace, workdir: Path) -> None:
    """Warm up, run interleaved repetitions, print medians, check every stored set."""
    lifters = users(args.users)
    per_user = args.updates // (args.users * args.repetitions)
    texts, reps = measured_texts(per_user * args.repetitions)
    print(await environment("postgres"), flush=True)
    bots = [
        Contender(name, (*processes.coach_variant("ordered:8"), "--webhook", *flags))
        for name, flags in VARIANTS
    ]
    async with contextlib.AsyncExitStack() as stack:
        for bot in bots:
            await start(bot, workdir, stack)
        await warm_up_and_measure(bots, lifters, texts, args.repetitions)
        print(f"\n{len(lifters) * len(texts)} updates per bot over {len(lifters)} lifters")
        cpu = {bot.name: statistics.median(bot.cpu_ms) for bot in bots}
        for bot in bots:
            print(
                f"{bot.name:<8} {cpu[bot.name]:6.2f} ms CPU/update "
                f"({min(bot.cpu_ms):.2f}-{max(bot.cpu_ms):.2f}), "
                f"{statistics.median(bot.rates):.0f} updates/s"
            )
        extra = cpu["gate"] - cpu["no gate"]
        print(f"the gate: {extra:+.2f} ms CPU/update ({extra / cpu['no gate']:+.0%})")
        problems = []
        for bot in bots:
            assert bot.database is not None
            check = compare({u: reps for u in lifters}, await stored_reps(bot.database))
            print(f"{bot.name}: {check}")
            if not check.ok:
                problems.append(f"{bot.name}: {check}")
        if problems:
            raise Failed("; ".join(problems))
        assert bots[0].database is not None
        await measure_alone(bots[0].database.url, args.alone, args.repetitions)


async def _nothing(update: Update) -> None:
    """A handler that does nothing: only the gate's own cost is left."""


async def gate_alone(url: str, count: int, first_id: int, gated: bool) -> float:
    """CPU ms per update of two inboxes taking `count` updates in turn."""
    databases = [BenchDatabase("postgres", url).open() for _ in range(2)]
    inboxes = [Inbox(db, Clock()) for db in databases]
    bot = Bot(processes.TOKEN)
    queue: asyncio.Queue[object] = asyncio.Queue()
    for inbox in inboxes:
        if gated:
            inbox.order.enable(_nothing)
        await inbox.resume(bot, queue)
    started = time.process_time()
    for number in range(count):
        update_id, inbox = first_id + number, inboxes[number % 2]
        chat = {"id": number % CHATS, "type": "private"}
        message = {"message_id": 1, "date": 0, "chat": chat, "text": "6"}
        update = Update.de_json({"update_id": update_id, "message": message}, bot)
        await inbox.accept([update], queue)
        await queue.get()
        await inbox.order.turn(update)
        inbox.done(update_id)
    for inbox in inboxes:
        await inbox.close()
    cpu = time.process_time() - started
    for db in databases:
        await db.dispose()
    return cpu * 1000 / count


async def measure_alone(url: str, count: int, repetitions: int) -> None:
    """Print the gate's CPU per update in this process, with and without it."""
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for repetition in range(repetitions):
        for gated in (True, False):
            first_id = 10_000_000 * (1 + 2 * repetition + gated)
            cpu[gated].append(await gate_alone(url, count, first_id, gated))
    gate, bare = statistics.median(cpu[True]), statistics.median(cpu[False])
    print(
        f"\nthe gate alone ({count} updates, 2 workers in turn, {repetitions} repetitions): "
        f"{gate:.2f} ms CPU/update with it, {bare:.2f} without: {gate - bare:+.2f} ms"
    )


def options() -> argparse.Namespace:
    """Command-line options; --quick shrinks everything."""
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=100)
    options.add_argument("--updates", type=int, default=3000, help="measured, per bot")
    options.add_argument("--repetitions", type=int, default=5)
    options.add_argument("--alone", type=int, default=2000, help="updates, the gate alone")
    args = options.parse_args()
    args.db = "postgres"  # the gate runs on PostgreSQL only
    if args.quick:
        args.users, args.updates, args.repetitions, args.alone = 20, 200, 2, 200
    return args


if __name__ == "__main__":
    sys.exit(run(main, options()))
