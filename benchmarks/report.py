"""What every benchmark prints besides its figures: the machine, the versions, the command.

Figures are only comparable as ratios measured in one run on one machine, so each run
says where it ran.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Coroutine, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.databases import KINDS, postgres_reachable, postgres_version


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


async def environment(kind: str) -> str:
    """One paragraph: machine, load, versions of everything that matters."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = (
        f"Python {platform.python_version()}, python-telegram-bot {version('python-telegram-bot')}"
        f", SQLAlchemy {version('sqlalchemy')}, "
    )
    if kind == "sqlite":
        versions += f"SQLite {sqlite3.sqlite_version} (aiosqlite {version('aiosqlite')})"
    else:
        versions += f"PostgreSQL {await postgres_version()} (asyncpg {version('asyncpg')})"
    return (
        f"machine: {os.cpu_count()} CPUs ({_cpu_model()}), {_memory_gb():.1f} GB, "
        f"load average {load}\nversions: {versions}\ncommand: {_command()}"
    )


def _command() -> str:
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    program = f"python -m {spec.name}" if spec is not None else f"python {sys.argv[0]}"
    return " ".join([program, *sys.argv[1:]])


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 < fraction <= 1) of some values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def parser(description: str) -> argparse.ArgumentParser:
    """The options every benchmark takes."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument("--db", choices=KINDS, default="sqlite", help="database of the bot")
    options.add_argument(
        "--quick", action="store_true", help="small numbers, checks correctness only (CI)"
    )
    options.add_argument("--keep", type=Path, help="keep the processes' logs in this directory")
    return options


class Failed(Exception):
    """Something was lost or duplicated: the benchmark says so and exits non-zero."""


Main = Callable[[argparse.Namespace, Path], Coroutine[Any, Any, None]]


def run(main: Main, args: argparse.Namespace) -> int:
    """Run a benchmark's async `main(args, workdir)`; exit status 1 if it found a fault."""
    if args.db == "postgres" and not asyncio.run(postgres_reachable()):
        print("PostgreSQL is not reachable; set BENCH_POSTGRES_URL", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        if args.keep is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coach-bench-")))
        else:
            workdir = args.keep.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        try:
            asyncio.run(main(args, workdir))
        except Failed as failure:
            print(
                f"FAILED: {failure} (logs: {args.keep or 'rerun with --keep DIR'})", file=sys.stderr
            )
            return 1
    return 0
