"""Wake-up jobs keyed by name, found, replaced and removed without scanning the JobQueue.

PTB's `get_jobs_by_name` wraps every job in the scheduler to compare names, so
looking one job up that way costs time in proportion to all jobs. The job's name
doubles as its APScheduler id here, so each of these is one dictionary lookup.

Before the scheduler starts (during `post_init`), APScheduler keeps added jobs in a
pending list where `replace_existing` does not replace and lookups find the oldest
entry; removing before adding keeps one job per name there too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import Application, Job, JobQueue

_MISSING = object()


def replace_once(
    app: Application,
    callback: Any,
    *,
    name: str,
    when: float | dt.datetime,
    user_id: int | None = None,
    data: object = None,
    **job_kwargs: Any,
) -> None:
    """Run `callback` once at `when`, replacing any job of the same name."""
    queue = app.job_queue
    assert isinstance(queue, JobQueue)
    if _reschedule(queue, callback, name, when, user_id, data, job_kwargs):
        return
    remove(app, name)
    queue.run_once(
        callback,
        when=when,
        name=name,
        user_id=user_id,
        data=data,
        job_kwargs={**job_kwargs, "id": name, "replace_existing": True},
    )


def _reschedule(
    queue: JobQueue,
    callback: Any,
    name: str,
    when: float | dt.datetime,
    user_id: int | None,
    data: object,
    job_kwargs: dict[str, Any],
) -> bool:
    """Move the job of that name to `when` if it is the same job but for its time, as a
    rest timer restarted at every set is; whether it did. Far cheaper than removing the
    job and adding a new one, and it leaves the same single job behind. Only once the
    scheduler runs: pending jobs are replaced as the module docstring says."""
    scheduler = queue.scheduler
    found = scheduler.get_job(name) if scheduler.running else None
    if found is None:
        return False
    job: Job[Any] = Job.from_aps_job(found)
    same_job = job.callback is callback and job.data is data and job.user_id == user_id
    if not same_job or any(getattr(found, k, _MISSING) != v for k, v in job_kwargs.items()):
        return False
    # As `run_once` reads `when`: seconds from now, or a moment (in the scheduler's zone
    # when it has none).
    run_date = (
        when
        if isinstance(when, dt.datetime)
        else dt.datetime.now(scheduler.timezone) + dt.timedelta(seconds=when)
    )
    timezone = run_date.tzinfo or scheduler.timezone
    scheduler.reschedule_job(name, trigger="date", run_date=run_date, timezone=timezone)
    return True


def find(app: Application, name: str) -> Job | None:
    """The scheduled job of that name, if there is one (a job that started running is gone)."""
    if app.job_queue is None:
        return None
    found = app.job_queue.scheduler.get_job(name)
    return None if found is None else Job.from_aps_job(found)


def remove(app: Application, name: str) -> None:
    """Remove the job of that name, if there is one."""
    if app.job_queue is None:
        return
    with contextlib.suppress(JobLookupError):
        app.job_queue.scheduler.remove_job(name)
