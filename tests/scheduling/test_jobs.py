"""`replace_once`: one job per name, due when last asked, on a real JobQueue."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.ext import Application, ApplicationBuilder, JobQueue

from bot.scheduling import jobs
from tests.harness import TEST_TOKEN

KWARGS = {"misfire_grace_time": 300, "coalesce": True}


async def wake_up(context: Any) -> None:
    context.job.data.append(context.job.user_id)


async def other(context: Any) -> None:
    """A different callback under the same name."""


def queue_of(app: Application) -> JobQueue:
    assert isinstance(app.job_queue, JobQueue)
    return app.job_queue


@pytest.fixture
async def app() -> AsyncIterator[Application]:
    built = ApplicationBuilder().token(TEST_TOKEN).build()
    yield built
    if queue_of(built).scheduler.running:
        await queue_of(built).stop(wait=False)


def due(app: Application, name: str) -> dt.datetime:
    found = queue_of(app).scheduler.get_job(name)
    assert found is not None
    return found.next_run_time


def named(app: Application, name: str) -> int:
    return sum(job.name == name for job in queue_of(app).jobs())


async def test_asking_again_moves_the_one_job_to_the_new_time(app: Application) -> None:
    await queue_of(app).start()
    jobs.replace_once(app, wake_up, name="rest:1", when=300, user_id=1, data=[], **KWARGS)
    first = due(app, "rest:1")
    jobs.replace_once(app, wake_up, name="rest:1", when=30, user_id=1, data=None, **KWARGS)
    jobs.replace_once(app, wake_up, name="rest:2", when=30, user_id=2, data=None, **KWARGS)
    now = dt.datetime.now(dt.UTC)
    assert named(app, "rest:1") == named(app, "rest:2") == 1
    assert now < due(app, "rest:1") <= now + dt.timedelta(seconds=30) < first


async def test_a_restarted_job_keeps_its_settings_and_fires_once(app: Application) -> None:
    await queue_of(app).start()
    fired: list[int] = []
    jobs.replace_once(app, wake_up, name="rest:1", when=60, user_id=1, data=fired, **KWARGS)
    aps_job = queue_of(app).scheduler.get_job("rest:1")
    jobs.replace_once(app, wake_up, name="rest:1", when=0.05, user_id=1, data=fired, **KWARGS)
    moved = queue_of(app).scheduler.get_job("rest:1")
    assert moved is aps_job  # moved, not removed and added again (that costs 3x the CPU)
    assert (moved.misfire_grace_time, moved.coalesce) == (300, True)
    await asyncio.sleep(0.5)
    assert fired == [1] and named(app, "rest:1") == 0


async def test_another_callback_data_or_settings_replace_the_job(app: Application) -> None:
    await queue_of(app).start()
    first: list[int] = []
    jobs.replace_once(app, wake_up, name="wake", when=60, data=first, **KWARGS)
    for callback, data, kwargs in (
        (wake_up, [], KWARGS),  # new data (a wake-up carries its moment)
        (other, None, KWARGS),
        (other, None, {**KWARGS, "coalesce": False}),
        (other, None, {**KWARGS, "max_instances": 2}),
    ):
        jobs.replace_once(app, callback, name="wake", when=60, data=data, **kwargs)
        found = jobs.find(app, "wake")
        assert found is not None and named(app, "wake") == 1
        assert found.callback is callback and found.data is data
        assert found.job.coalesce is kwargs["coalesce"]
        assert found.job.max_instances == kwargs.get("max_instances", 1)


async def test_before_the_scheduler_starts_one_pending_job_per_name(app: Application) -> None:
    fired: list[int] = []
    jobs.replace_once(app, wake_up, name="rest:1", when=60, user_id=1, data=fired, **KWARGS)
    jobs.replace_once(app, wake_up, name="rest:1", when=0.05, user_id=1, data=fired, **KWARGS)
    await queue_of(app).start()
    assert named(app, "rest:1") == 1
    await asyncio.sleep(0.5)
    assert fired == [1]
