"""Where a bot's CPU goes, by layer, from a pyinstrument session (`--profile FILE`).

    python -m benchmarks.profile_summary coach.pyisession

A sample counts for the first layer, in the order below, that appears on its stack:
start-up imports, idle (waiting in epoll), the JobQueue, the database (SQLAlchemy and
its driver), Bot API calls over HTTP; otherwise the layer of the innermost frame. The
share is of the time not spent idle. `pyinstrument --load FILE` shows the full tree.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence

# (layer, substrings of a frame identifier); a sample takes the first layer on its stack.
ANYWHERE = (
    ("start-up imports", ("<frozen importlib",)),
    ("JobQueue (APScheduler)", ("apscheduler/", "telegram/ext/_jobqueue")),
    ("database (SQLAlchemy, driver)", ("sqlalchemy/", "aiosqlite/", "asyncpg/")),
    ("Bot API calls (httpx)", ("httpx/", "httpcore/", "h11/", "anyio/")),
)
INNERMOST = (
    ("PTB: updates, dispatch", ("telegram/",)),
    ("coach code (bot/)", ("/bot/",)),
    ("event loop (asyncio)", ("asyncio/", "selectors.py")),
)
IDLE = "epoll.poll"


def layer(stack: Sequence[str]) -> str:
    """The layer a sampled stack (outermost frame first) is charged to."""
    if stack and stack[-1].startswith(IDLE):
        return "idle"
    for name, marks in ANYWHERE:
        if any(mark in frame for frame in stack for mark in marks):
            return name
    innermost = next((f for f in reversed(stack) if "<built-in>" not in f), "")
    for name, marks in INNERMOST:
        if any(mark in innermost for mark in marks):
            return name
    return "other"


def summary(path: str) -> str:
    """Shares of busy time by layer, largest first."""
    from pyinstrument.session import Session  # a development tool, not a dependency

    session = Session.load(path)
    seconds: defaultdict[str, float] = defaultdict(float)
    for stack, duration in session.frame_records:
        seconds[layer(stack)] += duration
    busy = sum(v for k, v in seconds.items() if k != "idle")
    lines = [f"busy {busy:.1f} s of {session.duration:.1f} s sampled"]
    lines += [
        f"{100 * v / busy:5.1f}%  {k}"
        for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])
        if k != "idle"
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(sys.argv[1]))
