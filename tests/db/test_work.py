"""A workout step's transaction: Core rows written column by column, a session on demand."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError

import pytest
from sqlalchemy import select

from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import UserSettings, Workout
from bot.db.rows import WorkoutRow
from bot.db.users import create_user, save_settings, user_and_settings
from tests.db.test_workouts import NOW, _exercise


async def _lifter_with_workout(db: Database, user_id: int) -> None:
    async with db.work() as work:
        await create_user(work.session, user_id, "Ann", NOW)
        await repo.create_workout(
            work.connection, user_id, NOW, "reps", [_exercise(0, "rdl"), _exercise(1, "shrug")]
        )


async def test_a_step_writes_only_the_columns_it_changed(db: Database) -> None:
    await _lifter_with_workout(db, 5)
    async with db.work() as work:
        state = await repo.lifter_state(work.connection, 5)
    assert state is not None and state.workout is not None
    workout, (first, second) = state.workout, state.exercises
    # Something else writes another column after this step read the row.
    async with db.work() as work:
        await work.connection.execute(Workout.__table__.update().values(question='{"open": 1}'))
    workout.assign(current_set=2, awaiting="rir")
    first.assign(target_reps=first.target_reps)  # the same value: no change
    second.assign(status="active")
    assert workout.changed == {"current_set": 2, "awaiting": "rir"}
    assert first.changed == {}
    async with db.work() as work:
        await repo.save_changes(work.connection, workout, [first, second])
    assert workout.changed == {} and second.changed == {}  # stored now
    async with db.work() as work:
        again = await repo.lifter_state(work.connection, 5)
    assert again is not None and again.workout is not None
    assert (again.workout.current_set, again.workout.awaiting) == (2, "rir")
    assert again.workout.question == '{"open": 1}'  # not written back over
    assert [e.status for e in again.exercises] == ["active", "active"]


async def test_a_new_workout_reads_back_as_the_rows_it_was_created_as(db: Database) -> None:
    async with db.work() as work:
        await create_user(work.session, 6, "Bo", NOW)
        created, exercises = await repo.create_workout(
            work.connection, 6, NOW, "start_weight", [_exercise(1, "shrug"), _exercise(0, "rdl")]
        )
    assert [e.position for e in exercises] == [0, 1]
    async with db.work() as work:
        state = await repo.lifter_state(work.connection, 6)
    assert state is not None and state.workout is not None
    assert (state.workout.id, state.workout.awaiting, state.workout.status) == (
        created.id,
        "start_weight",
        "active",
    )
    assert [(e.id, e.exercise_key) for e in state.exercises] == [
        (e.id, e.exercise_key) for e in exercises
    ]


async def test_session_and_connection_changes_commit_together(db: Database) -> None:
    async with db.work() as work:
        await create_user(work.session, 7, "Cy", NOW)
    async with db.work() as work:
        _, settings = await user_and_settings(work.session, 7)
        settings.unit = "kg"  # an entity change: flushed before the commit
        await save_settings(work.connection, 7, time_zone="Europe/Paris")
    async with db.transaction() as session:
        stored = await session.get(UserSettings, 7)
    assert stored is not None and (stored.unit, stored.time_zone) == ("kg", "Europe/Paris")


async def test_a_failed_step_keeps_nothing_of_either(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.work() as work:
            await create_user(work.session, 8, "Di", NOW)
            await repo.create_workout(work.connection, 8, NOW, "reps", [_exercise(0, "rdl")])
            raise RuntimeError("the step failed")
    async with db.work() as work:
        assert await repo.lifter_state(work.connection, 8) is None
        assert (await work.connection.execute(select(Workout.id))).all() == []


def test_a_row_counts_a_column_as_changed_only_when_its_value_differs() -> None:
    row = WorkoutRow(1, 0, 1, "reps", None, "active", None, None)
    row.assign(current_set=1, pending_reps=None, status="active")
    assert row.changed == {}
    when = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    row.assign(status="done", finished_at=when)
    assert row.changed == {"status": "done", "finished_at": when} and row.status == "done"


def test_a_row_changes_only_through_assign() -> None:
    row = WorkoutRow(1, 0, 1, "reps", None, "active", None, None)
    with pytest.raises(FrozenInstanceError):
        row.status = "done"  # type: ignore[misc]  # would be lost: nothing records it
    assert row.status == "active" and row.changed == {}
