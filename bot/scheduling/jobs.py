"""Wake-up jobs keyed by name, replaced and removed without scanning the JobQueue.

PTB's `get_jobs_by_name` wraps every job in the scheduler to compare names, so
looking one lifter's job up that way costs time in proportion to all lifters: arming
100,000 reminders at start-up took hours. The job's name doubles as its APScheduler
id here, so adding replaces in place and removing is one dictionary lookup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import Application, JobQueue


def replace_once(
    app: Application,
    callback: Any,
    *,
    name: str,
    when: float | dt.datetime,
    user_id: int | None = None,
    **job_kwargs: Any,
) -> None:
    """Run `callback` once at `when`, replacing any job of the same name."""
    queue = app.job_queue
    assert isinstance(queue, JobQueue)
    queue.run_once(
        callback,
        when=when,
        name=name,
        user_id=user_id,
        job_kwargs={**job_kwargs, "id": name, "replace_existing": True},
    )


def remove(app: Application, name: str) -> None:
    """Remove the job of that name, if there is one."""
    if app.job_queue is None:
        return
    with contextlib.suppress(JobLookupError):
        app.job_queue.scheduler.remove_job(name)
