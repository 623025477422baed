"""Workouts, their exercises and sets, loads for next time, and update idempotency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coach.records import LoggedSet
from bot.coach.timing import local_day
from bot.coach.units import Unit
from bot.db.dialect import insert
from bot.db.models import (
    ExerciseLoad,
    HandledUpdate,
    PlanSlot,
    RestTimer,
    User,
    UserSettings,
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
    statement = (
        insert(session, HandledUpdate)
        .values(update_id=update_id, user_id=user_id, handled_at=now)
        .on_conflict_do_nothing(index_elements=[HandledUpdate.update_id])
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(slots=True)
class LifterState:
    """A lifter as a workout step needs them: who, their settings, the workout in progress."""

    user: User
    settings: UserSettings
    workout: Workout | None = None
    exercises: list[WorkoutExercise] = field(default_factory=list)


async def lifter_state(session: AsyncSession, user_id: int) -> LifterState | None:
    """The lifter, settings, active workout and its exercises in one query; None if unknown.

    Every message of a workout starts here, so it is one round trip. On PostgreSQL it locks
    the lifter's settings row until commit: that serializes one lifter's workout steps
    across workers (the workout itself is on the nullable side of the join, which
    PostgreSQL cannot lock).
    """
    query = (
        select(User, UserSettings, Workout, WorkoutExercise)
        .join(UserSettings, UserSettings.user_id == User.id)
        .outerjoin(Workout, and_(Workout.user_id == User.id, Workout.status == "active"))
        .outerjoin(WorkoutExercise, WorkoutExercise.workout_id == Workout.id)
        .where(User.id == user_id)
        .order_by(WorkoutExercise.position)
        .with_for_update(of=UserSettings)
    )
    rows = (await session.execute(query)).all()
    if not rows:
        return None
    user, settings, workout, _ = rows[0]
    return LifterState(user, settings, workout, [row[3] for row in rows if row[3] is not None])


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
    """Start (or restart) the user's one rest timer, in one statement."""
    values = {"workout_id": workout_id, "due_at": due_at}
    statement = (
        insert(session, RestTimer)
        .values(user_id=user_id, **values)
        .on_conflict_do_update(index_elements=[RestTimer.user_id], set_=values)
    )
    await session.execute(statement)


async def clear_rest_timer(session: AsyncSession, user_id: int) -> None:
    """Stop the user's rest timer, if any."""
    await session.execute(delete(RestTimer).where(RestTimer.user_id == user_id))
