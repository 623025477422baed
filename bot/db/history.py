"""Queries over a lifter's stored history: pages of workouts, sets for charts and export,
fingerprints for imports, pending imports, and deleting everything about a lifter.

Repositories read and add; the caller's transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, Table, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import Base
from bot.db.inbox import forget_chat
from bot.db.models import OtherSet, PendingImport, User, Workout, WorkoutSet

# Years of imported history can be 100,000 sets: read them a page at a time, so the event
# loop (and every other lifter) never waits long for one.
SET_PAGE_ROWS = 1_000
"""Rows per page of sets: read and converted on the event loop in about 10 ms."""
SetRow = Row[*tuple[Any, ...]]


async def workouts_page(
    session: AsyncSession,
    user_id: int,
    *,
    offset: int,
    limit: int,
    exercise_key: str | None = None,
) -> list[Workout]:
    """Workouts that have sets (of `exercise_key`, if given; else of any exercise, other
    exercises kept from imports too), newest first."""
    has_sets = exists().where(WorkoutSet.workout_id == Workout.id)
    if exercise_key is not None:
        has_sets = has_sets.where(WorkoutSet.exercise_key == exercise_key)
    has_other_sets = exists().where(OtherSet.workout_id == Workout.id)
    query = (
        select(Workout)
        .where(
            Workout.user_id == user_id,
            has_sets if exercise_key is not None else or_(has_sets, has_other_sets),
        )
        .order_by(Workout.started_at.desc(), Workout.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def other_sets_of_workouts(
    session: AsyncSession, workout_ids: Collection[int]
) -> list[OtherSet]:
    """The sets of exercises that are none of our lifts in some workouts, in file order."""
    if not workout_ids:
        return []
    query = (
        select(OtherSet)
        .where(OtherSet.workout_id.in_(workout_ids))
        .order_by(OtherSet.performed_at, OtherSet.id)
    )
    return list((await session.scalars(query)).all())


async def sets_of_workouts(
    session: AsyncSession, workout_ids: Collection[int], *, exercise_key: str | None = None
) -> list[WorkoutSet]:
    """The sets of some workouts (of one exercise, if given), in the order lifted."""
    if not workout_ids:
        return []
    query = select(WorkoutSet).where(WorkoutSet.workout_id.in_(workout_ids))
    if exercise_key is not None:
        query = query.where(WorkoutSet.exercise_key == exercise_key)
    query = query.order_by(WorkoutSet.performed_at, WorkoutSet.set_number, WorkoutSet.id)
    return list((await session.scalars(query)).all())


async def sets_page(
    session: AsyncSession,
    model: type[WorkoutSet] | type[OtherSet],
    user_id: int,
    after_id: int,
    *,
    exercise_key: str | None = None,
) -> Sequence[SetRow]:
    """The next `SET_PAGE_ROWS` of the user's sets of one table (our lifts, only
    `exercise_key`'s if given; or other exercises kept from imports) after id `after_id`,
    by id, as plain rows: the set's columns as named in the model (its exercise's as
    `exercise_key` or `exercise_name`), and its workout's as `workout_name`,
    `workout_started_at` and `workout_finished_at`.

    Rows, not entities: making 80,000 of each took 2 s of the event loop's time. By id, so
    SQLite walks its index on (user_id) in order and PostgreSQL its primary key (until the
    server has statistics for a freshly imported history, it sorts each page from the
    whole history: slower, but on the server, not on the event loop).
    """
    exercise = WorkoutSet.exercise_key if model is WorkoutSet else OtherSet.exercise_name
    query = (
        select(
            model.id,
            model.performed_at,
            model.workout_id,
            Workout.name.label("workout_name"),
            Workout.started_at.label("workout_started_at"),
            Workout.finished_at.label("workout_finished_at"),
            exercise,
            model.set_number,
            model.weight,
            model.unit,
            model.reps,
            model.rir,
            model.warmup,
            model.notes,
        )
        .join(Workout, model.workout_id == Workout.id)
        .where(model.user_id == user_id, model.id > after_id)
        .order_by(model.id)
        .limit(SET_PAGE_ROWS)
    )
    if exercise_key is not None:
        query = query.where(WorkoutSet.exercise_key == exercise_key)
    return (await session.execute(query)).all()


async def exercises_trained(session: AsyncSession, user_id: int) -> list[str]:
    """Keys of every exercise the user has sets of, most sets first."""
    query = (
        select(WorkoutSet.exercise_key)
        .where(WorkoutSet.user_id == user_id)
        .group_by(WorkoutSet.exercise_key)
        .order_by(func.count().desc(), WorkoutSet.exercise_key)
    )
    return list((await session.scalars(query)).all())


async def stored_fingerprints(session: AsyncSession, user_id: int) -> set[str]:
    """Fingerprints of the user's sets that have one (imported sets)."""
    query = select(WorkoutSet.fingerprint).where(
        WorkoutSet.user_id == user_id, WorkoutSet.fingerprint.is_not(None)
    )
    return {value for value in (await session.scalars(query)).all() if value is not None}


async def imported_workouts(
    session: AsyncSession, user_id: int, import_keys: Collection[str]
) -> dict[str, Workout]:
    """Workouts an earlier import created, by import key, among `import_keys`."""
    if not import_keys:
        return {}
    query = select(Workout).where(Workout.user_id == user_id, Workout.import_key.in_(import_keys))
    return {w.import_key: w for w in (await session.scalars(query)).all() if w.import_key}


async def pending_import(session: AsyncSession, user_id: int) -> PendingImport | None:
    """The file the user sent and has not confirmed or cancelled yet."""
    return await session.get(PendingImport, user_id)


async def save_pending_import(
    session: AsyncSession, user_id: int, filename: str, content: bytes, now: dt.datetime
) -> None:
    """Keep a file until its preview is answered, replacing any earlier one."""
    await session.merge(
        PendingImport(
            user_id=user_id, created_at=now, filename=filename[:255], content=content, mapping="{}"
        )
    )


async def drop_pending_import(session: AsyncSession, user_id: int) -> bool:
    """Forget the user's pending file; False if there was none (already answered)."""
    result = await session.execute(delete(PendingImport).where(PendingImport.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _tables_about_users() -> list[Table]:
    """Every table with a `user_id` column, children before parents."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "user_id" in t.columns]


async def delete_user(session: AsyncSession, user_id: int) -> bool:
    """Delete every row about the user; False if there was no such user.

    Rows hang off `users` with ON DELETE CASCADE; every table with a `user_id` column is
    also cleared explicitly, so a table added later without the cascade is not missed.
    """
    for table in _tables_about_users():
        await session.execute(delete(table).where(table.c.user_id == user_id))
    await forget_chat(session, user_id)  # their messages waiting in the inbox, too
    result = await session.execute(delete(User).where(User.id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def count_workouts(session: AsyncSession, user_id: int) -> int:
    """How many workouts the user has (any status, any source)."""
    query = select(func.count()).select_from(Workout).where(Workout.user_id == user_id)
    return int((await session.scalar(query)) or 0)
