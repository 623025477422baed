"""Three webhook workers behind a round-robin proxy on one PostgreSQL database.

Real processes: the emulator (`coach emulator`), three `coach run --webhook` and a
load balancer on loopback (`benchmarks.proxy`) that sends each update to the next
worker, so a lifter's "6" and the "2" right after it are stored by different workers.
Lifters do whole workouts, some messages two at a time, while reminders fan out to
other lifters, and one worker is killed with SIGKILL mid-run.

CI runs 500 reminders and a few dozen lifters; COACH_MULTI_REMINDERS=10000 (and
COACH_MULTI_LIFTERS) run the issue's full size by hand. The figures are printed
(`pytest -s`).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import datetime as dt
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from benchmarks import processes
from benchmarks.client import EmulatorClient
from benchmarks.databases import BenchDatabase, fresh_database, postgres_reachable
from benchmarks.lifting import users
from benchmarks.population import due_at, insert_lifters
from bot.db.models import InboxUpdate
from bot.pipeline.workers import WORKER_LOCKS
from bot.scheduling.leader import FANOUT_LOCK
from tests.harness import sets_by_lifter

pytestmark = pytest.mark.slow

REMINDERS = int(os.environ.get("COACH_MULTI_REMINDERS", "500"))
LIFTERS = int(os.environ.get("COACH_MULTI_LIFTERS", "24"))
WORKERS = 3
PER_SECOND = 30  # Telegram's limit for a bot, all chats together
# How fast the lifters text together: a busy evening (hundreds of lifters resting
# minutes between sets), a fifth of Telegram's 30 a second that their replies and the
# reminders share. Each lifter pauses between steps so that, whatever their number,
# together they send about this many a second. Other workers' replies reach the fan-out
# leader's budget only through the inbox, after they left (`bot.scheduling.budget`): a
# burst far above the average (those held behind the killed worker's updates, released
# together) can still overfill a second; lifters texting near 30 a second would be over
# the limit with their replies alone.
LIFTERS_PER_SECOND = 6.0
PAUSE = (0.5 * LIFTERS / LIFTERS_PER_SECOND, 1.5 * LIFTERS / LIFTERS_PER_SECOND)
FIRST_LIFTER = 1_000_000  # above the reminded lifters' ids (benchmarks.lifting.users)
# Set to True once the shared send budget (branch `budget`) is merged; until then the
# last assertion, the only one that needs it, marks the test xfail instead of failing.
BUDGET_SHARED = True
BUDGET_MISSING = (
    "no shared send budget yet (branch `budget`): the fan-out leader sends 30 reminders "
    "a second and the workers' replies come on top"
)

# (action, what the lifter sends, what the last answer says) and, for a step that
# changes the workout, what a replayed step says instead (a killed worker's update,
# adopted: `bot.pipeline.replay`). "burst": two messages sent together, without
# waiting for the first answer: they must be handled in the order sent.
WORKOUT: tuple[tuple[str, tuple[str, ...], str, str | None], ...] = (
    ("say", ("/workout",), "What weight", None),
    ("say", ("225",), "Set 1 of 3", None),
    ("burst", ("6", "2"), "Logged set 1", "Set 2 of 3"),
    ("say", ("5 reps 2 left",), "Logged set 2", "Set 3 of 3"),
    ("say", ("6, 1 left",), "What weight", None),
    ("say", ("135",), "Set 1 of 3", None),
    ("press", ("8",), "How many more reps", None),
    ("press", ("2",), "Logged set 1", "Set 2 of 3"),
    ("burst", ("7", "1"), "Logged set 2", "Set 3 of 3"),
    ("say", ("/done",), "Workout done", "Your workouts, newest first"),
)
SETS = [("deadlift", 1, 6), ("deadlift", 2, 5), ("deadlift", 3, 6)]
SETS += [("barbell_row", 1, 8), ("barbell_row", 2, 7)]


async def step(
    api: EmulatorClient, user: int, action: str, what: tuple[str, ...], expect: tuple[str, ...]
) -> None:
    """Send (or press), then wait for an answer to each message, the last one saying
    `expect`; silence fails."""
    before = len(await api.messages(user))
    for word in what:
        if action == "press":
            await api.press_label(user, word)
        else:
            await api.send_text(user, word)
    wanted = before + len(what)
    while True:
        new = (await api.wait_for_messages(user, wanted, timeout=60))[before:]
        # Case apart: a replayed step says "Next: set 2 of 3", a fresh one "Set 2 of 3".
        if any(e.casefold() in (m["text"] or "").casefold() for m in new for e in expect):
            return
        wanted += 1


async def train(api: EmulatorClient, user: int, pace: random.Random) -> None:
    """One whole workout, at the lifter's own pace, begun within the first few seconds
    (lifters who all pressed /workout in the same second would be a burst of replies
    near the limit on their own)."""
    await asyncio.sleep(pace.uniform(0, PAUSE[1]))
    for action, what, answer, instead in WORKOUT:
        await asyncio.sleep(pace.uniform(*PAUSE))
        await step(api, user, action, what, (answer, instead or answer))


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def _inode_of_local_port(port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                return fields[9]
    return None


async def lock_holders(
    database: BenchDatabase, workers: list[processes.Child], kind: int
) -> dict[int, int]:
    """Who holds the advisory locks of class `kind`: each lock's number, and the index
    of the worker process holding it (found by its connection's port)."""
    db = database.open()
    try:
        async with db.engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT l.objid, a.client_port FROM pg_locks l JOIN pg_stat_activity a "
                    "USING (pid) WHERE l.locktype = 'advisory' AND l.classid = :kind "
                    "AND l.granted AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                ),
                {"kind": kind},
            )
            ports = {int(number): int(port) for number, port in rows}
    finally:
        await db.dispose()
    sockets = {
        i: _socket_inodes(w.pid) for i, w in enumerate(workers) if w.process.returncode is None
    }
    holders: dict[int, int] = {}
    for number, port in ports.items():
        inode = _inode_of_local_port(port)
        for index, inodes in sockets.items():
            if inode in inodes:
                holders[number] = index
    return holders


async def busy_worker(
    database: BenchDatabase, workers: list[processes.Child]
) -> tuple[int, list[int]]:
    """A worker with updates in hand (the most, within a few seconds), not the one leading
    the fan-out: killing the leader would leave reminders to the next sweep, a minute
    on; the index of its process and its updates."""
    leading = set((await lock_holders(database, workers, FANOUT_LOCK)).values())
    best: tuple[int, int, list[int]] = (-1, 0, [])
    for _ in range(50):
        in_hand = await pending_by_worker(database)
        for number, index in (await lock_holders(database, workers, WORKER_LOCKS)).items():
            updates = in_hand.get(number, [])
            if index not in leading and len(updates) > len(best[2]):
                best = (index, number, updates)
        if best[2]:
            break
        await asyncio.sleep(0.1)
    if best[0] < 0:
        best = (next(i for i in range(len(workers)) if i not in leading), 0, [])
    return best[0], best[2]


async def pending_by_worker(database: BenchDatabase) -> dict[int, list[int]]:
    """The updates stored and not yet handled, by the worker that has them."""
    db = database.open()
    try:
        async with db.transaction() as session:
            rows = await session.execute(
                select(InboxUpdate.worker, InboxUpdate.update_id).where(
                    InboxUpdate.done_at.is_(None), InboxUpdate.worker.is_not(None)
                )
            )
            found: dict[int, list[int]] = {}
            for worker, update_id in rows:
                found.setdefault(int(worker or 0), []).append(int(update_id))
            return found
    finally:
        await db.dispose()


def busiest_second(times: list[float]) -> tuple[int, float]:
    """The most messages that arrived within any one second, and when that second began."""
    times = sorted(times)
    return max(
        ((bisect.bisect_left(times, t + 1.0) - i, t) for i, t in enumerate(times)),
        default=(0, 0.0),
    )


def within(chats: list[list[dict]], start: float) -> int:
    """How many of these chats' messages arrived in the second from `start`."""
    return sum(start <= float(m["sent_at"]) < start + 1.0 for chat in chats for m in chat)


async def test_three_webhook_workers_keep_each_lifters_order_and_send_each_reminder_once(
    tmp_path: Path,
) -> None:
    if not await postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    pace = random.Random(f"multi-{REMINDERS}-{LIFTERS}")
    reminded = users(REMINDERS)
    lifters = [FIRST_LIFTER + i for i in range(LIFTERS)]
    async with (
        processes.emulator(tmp_path) as api,
        fresh_database("postgres", tmp_path, "multi") as database,
        contextlib.AsyncExitStack() as stack,
    ):
        await database.migrate()
        await insert_lifters(database, REMINDERS, due_at(dt.datetime.now(dt.UTC)))
        await api.introduce(reminded, processes.TOKEN)
        workers, balancer = await stack.enter_async_context(
            processes.webhook_workers(WORKERS, tmp_path, api, database.url)
        )
        began = time.time()
        training = asyncio.gather(*(train(api, user, pace) for user in lifters))
        try:
            await asyncio.sleep(3.0 + pace.uniform(0, 3.0))
            assert not training.done()
            index, orphans = await busy_worker(database, workers)
            victim = workers[index]
            victim.process.send_signal(signal.SIGKILL)
            await victim.process.wait()
            killed_at = time.time()
            await asyncio.wait_for(training, 60 + 2 * len(WORKOUT) * PAUSE[1])
            trained_at = time.time()
            deadline = time.monotonic() + 60 + 3 * REMINDERS / PER_SECOND
            while True:  # every reminder sent, then nothing more for a moment
                stats = await api.stats()
                counts = stats["sent_by_chat"]
                if all(counts.get(str(u), 0) >= 1 for u in reminded):
                    break
                assert time.monotonic() < deadline, "reminders still missing"
                await asyncio.sleep(0.5)
            await asyncio.sleep(3.0)
            for worker in workers:
                if worker is not victim:
                    worker.check_alive()  # the others carried on
        finally:
            training.cancel()
        lifter_messages = await api.all_messages(lifters)
        reminder_messages = await api.all_messages(reminded)

        db = database.open()
        stored = await sets_by_lifter(db)
        async with db.transaction() as session:
            waits = (
                await session.execute(
                    select(
                        func.extract("epoch", InboxUpdate.done_at - InboxUpdate.received_at)
                    ).where(InboxUpdate.done_at.is_not(None), InboxUpdate.chat_id.in_(lifters))
                )
            ).scalars()
            longest_wait = max((float(w) for w in waits), default=0.0)
            orphans_done = (
                await session.scalars(
                    select(InboxUpdate.done_at).where(InboxUpdate.update_id.in_(orphans))
                )
            ).all()
            pending = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.done_at.is_(None))
            )
        await db.dispose()

    left = [d.timestamp() - killed_at for d in orphans_done if d and d.timestamp() > killed_at]
    every = [*lifter_messages.values(), *reminder_messages.values()]
    peak, second = busiest_second([float(m["sent_at"]) for chat in every for m in chat])
    replies = within(list(lifter_messages.values()), second)
    print(
        f"\n{sum(map(len, stored.values()))} sets by {LIFTERS} lifters, "
        f"{sum(map(len, lifter_messages.values()))} replies, "
        f"{sum(map(len, reminder_messages.values()))} reminders to {REMINDERS}; "
        f"proxy: {dict(balancer.served)} served, {sum(balancer.refused.values())} refused, "
        f"{balancer.failed} answered 502; killed after {killed_at - began:.1f} s, lifters "
        f"done after {trained_at - began:.1f} s; the killed worker left {len(left)} updates "
        f"unmarked, the last handled {max(left, default=0):.1f} s after the kill; "
        f"longest an update waited to be handled {longest_wait:.1f} s; "
        f"busiest second: {peak} messages ({replies} replies, {peak - replies} reminders)"
    )
    assert pending == 0  # the killed worker's updates were handled by the others
    for user in lifters:  # every set once, in the order sent
        assert stored.get(user, []) == SETS, user
    reminders = Counter({u: len(reminder_messages[u]) for u in reminded})
    assert set(reminders.values()) == {1}  # every reminder once
    if not BUDGET_SHARED and peak > PER_SECOND:
        pytest.xfail(f"{BUDGET_MISSING} (busiest second: {peak} messages)")
    assert peak <= PER_SECOND, (  # when, and whose: replies released together, or reminders
        f"busiest second: {peak} messages ({replies} replies, {peak - replies} reminders), "
        f"{second - killed_at:+.1f} s from the kill"
    )
