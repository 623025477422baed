"""A 10 MB, 100,000-row import: peak memory, the longest transaction, other lifters' wait.

The file is the real Hevy excerpt in tests/data/exports repeated with its dates moved
back a week per copy, so every row is a distinct set. `--all-match` keeps only rows of
lifts we coach, so every row is written (the worst case for the database). Run:

    python -m benchmarks.import_large [--all-match] [--memory] [--url DATABASE_URL]
                                      [--export ROUNDS]

It previews and imports the file through TransferService on a fresh database while
another lifter's one-row transaction runs every 20 ms, and prints: rows, bytes, sets
written, time, peak traced memory (with --memory) of the preview and the import, the longest
transaction (on SQLite each holds the write lock from BEGIN IMMEDIATE to COMMIT), and
the longest wait of the other lifter's transactions.

`--export ROUNDS` then reads the imported history that many times with each command that
reads all of it (/export in both layouts, /prs) or one lift's (/progress) and prints, per
command, the median wall time, the event loop's longest stall (a ticker wakes every
10 ms and records the largest gap between wake-ups), the other lifter's longest wait, and
the size and digest of what was sent (equal digests: equal replies, so two versions of
the code can be compared). Run it with another checkout's code by
running this file as a script: `PYTHONPATH=/other/checkout python benchmarks/import_large.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime as dt
import hashlib
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.clock import Clock
from bot.coach.transfer import exercise_key_for
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import User, WorkoutSet
from bot.db.users import ensure_user
from bot.replies import Outcome
from bot.services import transfer
from bot.services.history import HistoryService

SOURCE = Path(__file__).parents[1] / "tests" / "data" / "exports" / "hevy_kg_day_month.csv"
ROWS = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 100_000
LIFTER, OTHER = 1, 2
TICK_S = 0.01
Read = Callable[[], Awaitable[Outcome]]


@dataclass(frozen=True)
class Round:
    """One read: its wall time, the loop's longest stall, the other lifter's longest wait,
    and what it sent."""

    wall: float
    stall: float
    wait: float
    sent: bytes


def build(all_match: bool) -> bytes:
    rows = list(csv.reader(io.StringIO(SOURCE.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    if all_match:
        body = [r for r in body if exercise_key_for(r[4]) is not None]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    written, week = 0, 0
    while written < ROWS:
        for row in body[: ROWS - written]:
            moved = list(row)
            for index in (1, 2):
                when = dt.datetime.strptime(row[index], "%d %b %Y, %H:%M")
                moved[index] = (when - dt.timedelta(weeks=week)).strftime("%d %b %Y, %H:%M")
            writer.writerow(moved)
        written += min(len(body), ROWS - written)
        week += 1
    return out.getvalue().encode()


class Timed(Database):
    """A Database that records how long each transaction lasted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.durations: list[tuple[float, str]] = []

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator:  # type: ignore[override]
        caller = sys._getframe(2).f_code.co_name
        async with super().transaction() as session:
            started = time.perf_counter()
            yield session
        self.durations.append((time.perf_counter() - started, caller))


async def other_lifter(db: Database, stop: asyncio.Event, waits: list[float]) -> None:
    while not stop.is_set():
        asked = time.perf_counter()
        async with db.transaction() as session:
            waits.append(time.perf_counter() - asked)
            user = await session.get(User, OTHER)
            assert user is not None
            user.first_name = f"Other {len(waits)}"
        await asyncio.sleep(0.02)


async def loop_watch(stop: asyncio.Event, stalls: list[float]) -> None:
    """Wake every 10 ms; record how much later than asked each wake-up came."""
    while not stop.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(TICK_S)
        stalls.append(time.perf_counter() - asked - TICK_S)


async def watched_round(db: Database, read: Read) -> Round:
    """One read with the loop watched and the other lifter writing meanwhile."""
    stop, stalls, waits = asyncio.Event(), [0.0], [0.0]
    watchers = [
        asyncio.create_task(loop_watch(stop, stalls)),
        asyncio.create_task(other_lifter(db, stop, waits)),
    ]
    await asyncio.sleep(TICK_S)
    started = time.perf_counter()
    outcome = await read()
    wall = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*watchers)
    sent = b"".join(r.document or r.photo or r.text.encode() for r in outcome.replies)
    return Round(wall, max(stalls), max(waits), sent)


def reads(db: Database, clock: Clock) -> dict[str, Read]:
    """The lifter's commands that read the whole history (or one lift's)."""
    exports = transfer.TransferService(db, clock)
    history = HistoryService(db, clock)
    return {
        "/export": lambda: exports.export(LIFTER, ""),
        "/export strong": lambda: exports.export(LIFTER, "strong"),
        "/prs": lambda: history.records(LIFTER),
        "/progress barbell row": lambda: history.progress(LIFTER, "barbell row"),
    }


async def measure_reads(db: Database, clock: Clock, rounds: int) -> None:
    """Print each read's median figures over `rounds` runs."""
    for name, read in reads(db, clock).items():
        done = [await watched_round(db, read) for _ in range(rounds)]
        digests = {hashlib.sha256(r.sent).hexdigest()[:16] for r in done}
        print(
            f"{name}: {rounds} rounds, medians: "
            f"wall {statistics.median(r.wall for r in done) * 1000:.0f} ms, "
            f"longest loop stall {statistics.median(r.stall for r in done) * 1000:.0f} ms, "
            f"other lifter's longest wait {statistics.median(r.wait for r in done) * 1000:.0f} ms;"
            f" sent {len(done[0].sent) / 1e6:.2f} MB, sha256 {', '.join(sorted(digests))}"
        )


async def main(all_match: bool, url: str, memory: bool, export_rounds: int) -> None:
    content = build(all_match)
    db = Timed.from_url(url)
    await upgrade_to_head(db.engine)
    clock = Clock()
    async with db.transaction() as session:
        for user in (LIFTER, OTHER):
            await ensure_user(session, user, "Lifter", clock.now())
    service = transfer.TransferService(db, clock)
    stop, waits = asyncio.Event(), []
    probe = asyncio.create_task(other_lifter(db, stop, waits))
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    preview = await service.preview(LIFTER, "Lifter", "big.csv", "text/csv", content)
    preview_peak = tracemalloc.get_traced_memory()[1]
    previewed = time.perf_counter()
    tracemalloc.reset_peak()
    db.durations = []
    reply = await service.confirm(LIFTER, transfer.digest(content))
    import_peak = tracemalloc.get_traced_memory()[1]
    done = time.perf_counter()
    tracemalloc.stop()
    stop.set()
    await probe
    async with db.transaction() as session:
        stored = len((await session.scalars(select(WorkoutSet.id))).all())
    print(f"file: {ROWS} rows, {len(content) / 1e6:.1f} MB; sets written: {stored}")
    print(f"preview: {previewed - started:.1f} s, peak traced memory {preview_peak / 1e6:.1f} MB")
    print(f"import: {done - previewed:.1f} s, peak traced memory {import_peak / 1e6:.1f} MB")
    slowest = sorted(db.durations)[-5:]
    print(f"transactions during the import: {len(db.durations)}, slowest (ms):", end=" ")
    print(", ".join(f"{d * 1000:.0f} ({caller})" for d, caller in slowest))
    print(f"other lifter: {len(waits)} transactions, longest wait {max(waits) * 1000:.0f} ms")
    print(preview.replies[0].text.splitlines()[0], "/", reply.replies[0].text.splitlines()[0])
    if export_rounds:
        await measure_reads(db, clock, export_rounds)
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--all-match", action="store_true")
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--memory", action="store_true", help="trace memory (about 3x slower)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--export", type=int, default=0, metavar="ROUNDS", help="then export")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite+aiosqlite:///{folder}/import.db"
        asyncio.run(main(args.all_match, url, args.memory, args.export))
