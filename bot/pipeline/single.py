"""SQLite is for one process: a second `coach run` on the same file says so and stops.

Two processes on one SQLite file would each think they own the update queue, the
reminders and the file's single writer lock; nothing orders one lifter's messages
between them. The first process holds an exclusive lock on `<file>.lock` (released by
the kernel when it exits, even after SIGKILL); the second cannot take it.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy import make_url

SECOND_PROCESS = (
    "Another coach process is already running on the SQLite database {path}. SQLite is "
    "for one process: stop the other one, or use PostgreSQL (DATABASE_URL) to run "
    "several workers."
)


def hold_sqlite(url: str) -> IO[bytes] | None:
    """Lock the SQLite file of `url` for this process; the open lock file to keep (None
    for PostgreSQL or an in-memory database). RuntimeError if another process has it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    path = Path(parsed.database).resolve()
    handle = open(f"{path}.lock", "ab")  # noqa: SIM115 - kept open while the process runs
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise RuntimeError(SECOND_PROCESS.format(path=path)) from None
    return handle
