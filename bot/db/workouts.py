"""Workouts, their exercises and sets, loads for next time, and update idempotency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coach.records import LoggedSet
from bot.coach.timing import local_day
from bot.coach.units import Unit
from bot.db.models import (
    ExerciseLoad,
    HandledUpdate,
    PlanSlot,
    RestTimer,
    Workout,
    WorkoutExercise,
    WorkoutSet,
)


def as_logged(row: WorkoutSet, zone: dt.tzinfo) -> LoggedSet:
    """A stored set as the coaching core sees it, dated on the lifter's own calendar."""
    return LoggedSet(
        exercise_key=row.exercise_key,
        weight=row.weight,
        unit=Unit(row.unit),
        reps=row.reps,
        rir=row.rir,
        performed_on=local_day(row.performed_at, zone),
        warmup=row.warmup,
    )


async def claim_update(
    session: AsyncSession, update_id: int | None, user_id: int, now: dt.datetime
) -> bool:
    """Record that this update is being handled; False if it already was (a redelivery)."""
    if update_id is None:
        return True
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(HandledUpdate)
        .values(update_id=update_id, user_id=user_id, handled_at=now)
        .on_conflict_do_nothing(index_elements=[HandledUpdate.update_id])
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def active_workout(session: AsyncSession, user_id: int) -> Workout | None:
    """The user's workout in progress, locked for this transaction on PostgreSQL."""
    query = select(Workout).where(Workout.user_id == user_id, Workout.status == "active")
    return (await session.scalars(query.with_for_update())).first()


async def workout_exercises(session: AsyncSession, workout_id: int) -> list[WorkoutExercise]:
    """A workout's exercises in order."""
    query = (
        select(WorkoutExercise)
        .where(WorkoutExercise.workout_id == workout_id)
        .order_by(WorkoutExercise.position)
    )
    return list((await session.scalars(query)).all())


async def workout_sets(session: AsyncSession, workout_id: int) -> list[WorkoutSet]:
    """Every set of one workout, in the order lifted."""
    query = select(WorkoutSet).where(WorkoutSet.workout_id == workout_id).order_by(WorkoutSet.id)
    return list((await session.scalars(query)).all())


async def last_set(session: AsyncSession, workout_id: int) -> WorkoutSet | None:
    """The most recent set of a workout (for /undo)."""
    query = (
        select(WorkoutSet)
        .where(WorkoutSet.workout_id == workout_id)
        .order_by(WorkoutSet.id.desc())
        .limit(1)
    )
    return (await session.scalars(query)).first()


async def last_lifted(session: AsyncSession, user_id: int, exercise_key: str) -> WorkoutSet | None:
    """The user's latest working set of an exercise, in any workout."""
    query = (
        select(WorkoutSet)
        .where(
            WorkoutSet.user_id == user_id,
            WorkoutSet.exercise_key == exercise_key,
            WorkoutSet.warmup.is_(False),
        )
        .order_by(WorkoutSet.performed_at.desc(), WorkoutSet.id.desc())
        .limit(1)
    )
    return (await session.scalars(query)).first()


async def loads(session: AsyncSession, user_id: int) -> dict[str, ExerciseLoad]:
    """Next-time loads of every exercise the user has done, by exercise key."""
    rows = await session.scalars(select(ExerciseLoad).where(ExerciseLoad.user_id == user_id))
    return {row.exercise_key: row for row in rows}


async def save_load(session: AsyncSession, load: ExerciseLoad) -> None:
    """Insert or replace the next-time load of one exercise."""
    await session.merge(load)


async def plan_overrides(session: AsyncSession, user_id: int) -> dict[str, PlanSlot]:
    """The user's lasting plan changes, by slot key."""
    rows = await session.scalars(select(PlanSlot).where(PlanSlot.user_id == user_id))
    return {row.slot_key: row for row in rows}


async def history_sets(
    session: AsyncSession, user_id: int, *, before_workout: int | None = None
) -> Sequence[WorkoutSet]:
    """All of a user's sets (optionally only those of earlier workouts), oldest first."""
    query = select(WorkoutSet).where(WorkoutSet.user_id == user_id)
    if before_workout is not None:
        query = query.where(WorkoutSet.workout_id != before_workout)
    return (await session.scalars(query.order_by(WorkoutSet.performed_at, WorkoutSet.id))).all()


async def count_sets(session: AsyncSession, user_id: int) -> int:
    """How many sets a user has stored."""
    query = select(func.count()).select_from(WorkoutSet).where(WorkoutSet.user_id == user_id)
    return int((await session.scalar(query)) or 0)


async def set_rest_timer(
    session: AsyncSession, user_id: int, workout_id: int, due_at: dt.datetime
) -> None:
    """Start (or restart) the user's one rest timer."""
    await session.merge(RestTimer(user_id=user_id, workout_id=workout_id, due_at=due_at))


async def clear_rest_timer(session: AsyncSession, user_id: int) -> None:
    """Stop the user's rest timer, if any."""
    await session.execute(delete(RestTimer).where(RestTimer.user_id == user_id))
