"""Workouts, their exercises and sets, and loads for next time.

The shapes of a set, and why each differs:

- `models.WorkoutSet`: the stored row, with its idempotency keys (update id, fingerprint).
- `StoredSet` -> `as_logged` -> `coach.records.LoggedSet`: what records, summaries and
  charts compare; dated on the lifter's calendar, with no place in a workout.
- `WorkoutSetRow` -> `coach.session.DoneSet`: what a workout step needs; its place in
  the workout (exercise, set number) for undo and the position, and no date.
- `coach.transfer`'s `ImportedSet` / `ExportSet`: the file formats of other apps.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from sqlalchemy import (
    Executable,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from bot.coach.calibration import Check
from bot.coach.records import LoggedSet
from bot.coach.timing import local_day
from bot.coach.units import Unit
from bot.db.dialect import dialect_of, insert_into
from bot.db.direct import Direct
from bot.db.inbox import claim_update as claim_update  # the ledger lives in the inbox
from bot.db.models import (
    IN_PROGRESS,
    ExerciseLoad,
    PlanSlot,
    RestTimer,
    RirCheck,
    User,
    UserSettings,
    Weight,
    Workout,
    WorkoutExercise,
    WorkoutSet,
)
from bot.db.rows import (
    Changes,
    ExerciseRow,
    SettingsRow,
    UserRow,
    WorkoutRow,
    columns_for,
)


class StoredSet(Protocol):
    """A set's stored columns: a `WorkoutSet` entity, or a plain row of them."""

    @property
    def exercise_key(self) -> str: ...
    @property
    def weight(self) -> Decimal: ...
    @property
    def unit(self) -> str: ...
    @property
    def reps(self) -> int: ...
    @property
    def rir(self) -> int | None: ...
    @property
    def performed_at(self) -> dt.datetime: ...
    @property
    def warmup(self) -> bool: ...


def as_logged(row: StoredSet, zone: dt.tzinfo) -> LoggedSet:
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


# Statements every message runs are built once: building one costs more CPU than running it.
class WorkoutSetRow(NamedTuple):
    """A set's place in its workout and what was lifted: a plain row, read every step."""

    id: int
    workout_exercise_id: int | None
    exercise_key: str
    set_number: int
    weight: Decimal
    unit: str
    reps: int
    rir: int | None
    warmup: bool


def _joined(*texts: SQLColumnExpression[str]) -> SQLColumnExpression[str]:
    """SQL text expressions as one, ':' between them: a row folded into a string."""
    return functools.reduce(lambda left, right: left + ":" + right, texts)


# A set as text, "id:set_number:weight:unit:reps:rir:warmup:exercise_key", so that an
# exercise's sets fold into one string (`_SETS`): the rir empty when NULL (a NULL would
# void the whole text), the key last (split off whatever it holds). A weight renders
# exactly: PostgreSQL's numeric as written, SQLite's REAL with 15 significant digits,
# more than the column's 10; `_set_row` gives it the column's scale, as the ORM would.
_SET = _joined(
    cast(WorkoutSet.id, String),
    cast(WorkoutSet.set_number, String),
    cast(WorkoutSet.weight, String),
    WorkoutSet.unit,
    cast(WorkoutSet.reps, String),
    func.coalesce(cast(WorkoutSet.rir, String), ""),
    case((WorkoutSet.warmup, "1"), else_="0"),
    WorkoutSet.exercise_key,
)
_SETS = (
    select(func.aggregate_strings(_SET, ";"))
    .where(WorkoutSet.workout_exercise_id == WorkoutExercise.id)
    .scalar_subquery()
)
_WEIGHT_PLACES = Decimal(10) ** -(Weight.scale or 0)
# Read with the lifter's state, each once per query (neither refers to a joined row):
# their reps-in-reserve checks as "reps:predicted:amrap;..." (the bias needs no order), and
# when their first workout started (the first check is due four weeks on). Folded in, they
# cost no round trip of their own on every message of a workout.
_CHECK = _joined(
    cast(RirCheck.reps, String),
    cast(RirCheck.predicted_rir, String),
    cast(RirCheck.amrap_reps, String),
)
_CHECKS = (
    select(func.aggregate_strings(_CHECK, ";"))
    .where(RirCheck.user_id == bindparam("user_id"))
    .scalar_subquery()
)
_any_workout = aliased(Workout)
_FIRST_STARTED = (
    select(func.min(_any_workout.started_at))
    .where(_any_workout.user_id == bindparam("user_id"))
    .scalar_subquery()
)
_USER = columns_for(UserRow, User.__table__)
_SETTINGS = columns_for(SettingsRow, UserSettings.__table__)
_WORKOUT = columns_for(WorkoutRow, Workout.__table__)
_EXERCISE = columns_for(ExerciseRow, WorkoutExercise.__table__)
_LIFTER_STATE = (
    select(
        *_USER,
        *_SETTINGS,
        *_WORKOUT,
        *_EXERCISE,
        _SETS,
        RestTimer.user_id.is_not(None),
        _CHECKS,
        _FIRST_STARTED,
    )
    .join(UserSettings, UserSettings.user_id == User.id)
    .outerjoin(Workout, and_(Workout.user_id == User.id, IN_PROGRESS))
    .outerjoin(WorkoutExercise, WorkoutExercise.workout_id == Workout.id)
    .outerjoin(RestTimer, RestTimer.user_id == User.id)
    .where(User.id == bindparam("user_id"))
    .order_by(WorkoutExercise.position)
    .with_for_update(of=UserSettings.__table__)
)
_LIFTER_STATE_ON_DRIVER = Direct(_LIFTER_STATE)
# Where each part of a `_LIFTER_STATE` row starts.
_AT_SETTINGS = len(_USER)
_AT_WORKOUT = _AT_SETTINGS + len(_SETTINGS)
_AT_EXERCISE = _AT_WORKOUT + len(_WORKOUT)
_AT_REST = _AT_EXERCISE + len(_EXERCISE)


@dataclass(slots=True)
class LifterState:
    """A lifter as a workout step needs them: who, their settings, the workout in progress
    with its exercises and sets (in the order lifted), whether a rest timer runs, their
    reps-in-reserve checks and when their first workout started."""

    user: UserRow
    settings: SettingsRow
    workout: WorkoutRow | None = None
    exercises: list[ExerciseRow] = field(default_factory=list)
    sets: list[WorkoutSetRow] = field(default_factory=list)
    resting: bool = False
    checks: list[Check] = field(default_factory=list)
    first_workout_at: dt.datetime | None = None


async def lifter_state(connection: AsyncConnection, user_id: int) -> LifterState | None:
    """The lifter, settings, active workout, its exercises and sets, checks and first
    workout's start in one query, as plain rows; None if unknown.

    Every message of a workout starts here, so it is one round trip, of one row per
    exercise (one without a workout) with that exercise's sets folded into a string.
    One row per set made the lifter's, settings', workout's and exercise's columns come
    back and be converted again for every set; a second query for the exercises and
    their sets cost its own round trip, more than it saved. On PostgreSQL it locks the
    lifter's settings row until commit: that serializes one lifter's workout steps
    across workers (the workout itself is on the nullable side of the join, which
    PostgreSQL cannot lock).
    """
    rows = await _LIFTER_STATE_ON_DRIVER.rows(connection, {"user_id": user_id})
    if not rows:
        return None
    first_row = rows[0]
    workout = None
    if first_row[_AT_WORKOUT] is not None:
        workout = WorkoutRow(*first_row[_AT_WORKOUT:_AT_EXERCISE])
    exercises: list[ExerciseRow] = []
    sets: list[WorkoutSetRow] = []
    for row in rows:
        if row[_AT_EXERCISE] is None:
            continue
        exercise = ExerciseRow(*row[_AT_EXERCISE:_AT_REST])
        exercises.append(exercise)
        folded = row[_AT_REST]
        if folded:
            sets.extend(_set_row(exercise.id, one) for one in folded.split(";"))
    sets.sort(key=lambda s: s.id)  # folded in no particular order
    resting, checks, first = first_row[_AT_REST + 1 :]
    return LifterState(
        UserRow(*first_row[:_AT_SETTINGS]),
        SettingsRow(*first_row[_AT_SETTINGS:_AT_WORKOUT]),
        workout,
        exercises,
        sets,
        bool(resting),
        _checks(checks),
        first,
    )


def _set_row(exercise_id: int, text: str) -> WorkoutSetRow:
    """One set `_SET` wrote as text, back as the row the ORM would have read."""
    id_, number, weight, unit, reps, rir, warmup, key = text.split(":", 7)
    return WorkoutSetRow(
        id=int(id_),
        workout_exercise_id=exercise_id,
        exercise_key=key,
        set_number=int(number),
        weight=Decimal(weight).quantize(_WEIGHT_PLACES),
        unit=unit,
        reps=int(reps),
        rir=int(rir) if rir else None,
        warmup=warmup == "1",
    )


def _checks(folded: str | None) -> list[Check]:
    """The checks `_CHECKS` folded into one string, back as the core's `Check`s."""
    if not folded:
        return []
    return [Check(*(int(n) for n in one.split(":"))) for one in folded.split(";")]


async def has_active_workout(session: AsyncSession, user_id: int) -> bool:
    """Whether the lifter has a workout in progress."""
    query = select(Workout.id).where(Workout.user_id == user_id, IN_PROGRESS)
    return (await session.scalar(query)) is not None


_NEW_WORKOUT = (
    insert(Workout)
    .values(
        user_id=bindparam("user_id"),
        started_at=bindparam("started_at"),
        awaiting=bindparam("awaiting"),
    )
    .returning(*_WORKOUT)
)
# Rows come back in any order (they are sorted by position after): asking for the order
# of the parameters made SQLite insert row by row.
_NEW_EXERCISES = insert(WorkoutExercise).returning(*_EXERCISE)


async def create_workout(
    connection: AsyncConnection,
    user_id: int,
    started_at: dt.datetime,
    awaiting: str,
    exercises: Sequence[dict[str, Any]],
) -> tuple[WorkoutRow, list[ExerciseRow]]:
    """Insert a workout and its exercises (column values by name, in order) in two
    statements; the new rows come back as `lifter_state` would read them.

    Through the ORM's unit of work it took one INSERT per exercise and an UPDATE, and
    reading the new workout back one more query; starting a workout is the busiest
    moment of a crowded hour (benchmarks/thousand_lifters).
    """
    values = {"user_id": user_id, "started_at": started_at, "awaiting": awaiting}
    workout = WorkoutRow(*(await connection.execute(_NEW_WORKOUT, values)).one())
    rows = [{**exercise, "workout_id": workout.id} for exercise in exercises]
    created = [ExerciseRow(*row) for row in await connection.execute(_NEW_EXERCISES, rows)]
    return workout, sorted(created, key=lambda row: row.position)


# The columns to set come from the parameters: a step writes only what it changed.
_SAVE_WORKOUT = Direct(update(Workout).where(Workout.id == bindparam("row_id")))
_SAVE_EXERCISE = Direct(update(WorkoutExercise).where(WorkoutExercise.id == bindparam("row_id")))


async def save_changes(
    connection: AsyncConnection, workout: WorkoutRow, exercises: Sequence[ExerciseRow]
) -> None:
    """Write the columns a step changed on the workout and its exercises, one UPDATE per
    changed row; afterwards the rows count as stored."""
    changed: list[tuple[Direct, Changes]] = [(_SAVE_WORKOUT, workout)]
    changed += [(_SAVE_EXERCISE, exercise) for exercise in exercises]
    for statement, row in changed:
        if row.changed:
            await statement.run(connection, {"row_id": row.id, **row.changed})
            row.changed.clear()


_REMOVE_SET = delete(WorkoutSet).where(
    WorkoutSet.workout_exercise_id == bindparam("exercise_id"),
    WorkoutSet.set_number == bindparam("number"),
)


async def remove_set(connection: AsyncConnection, exercise_id: int, number: int) -> None:
    """Delete one set of a workout's exercise (an undo)."""
    await connection.execute(_REMOVE_SET, {"exercise_id": exercise_id, "number": number})


_NEW_SET = Direct(insert(WorkoutSet))
_NEW_CHECK = insert(RirCheck)


async def add_sets(connection: AsyncConnection, sets: Sequence[dict[str, Any]]) -> None:
    """Store sets (column values by name), an INSERT each on the driver: through the ORM,
    each new entity cost more CPU than the statement itself. A message logs one set,
    rarely more."""
    for one in sets:
        await _NEW_SET.run(connection, one)


async def add_check(connection: AsyncConnection, check: dict[str, Any]) -> None:
    """Store a reps-in-reserve check (column values by name), as `add_sets` does."""
    await connection.execute(_NEW_CHECK, check)


async def loads(session: AsyncSession, user_id: int) -> dict[str, ExerciseLoad]:
    """Next-time loads of every exercise the user has done, by exercise key."""
    rows = await session.scalars(select(ExerciseLoad).where(ExerciseLoad.user_id == user_id))
    return {row.exercise_key: row for row in rows}


@functools.cache
def _load_upsert(dialect: str) -> Executable:
    statement = insert_into(dialect, ExerciseLoad)
    replaced = ("weight", "unit", "target_reps", "after_increase", "updated_at")
    return statement.on_conflict_do_update(
        index_elements=[ExerciseLoad.user_id, ExerciseLoad.exercise_key],
        set_={column: statement.excluded[column] for column in replaced},
    )


async def save_loads(connection: AsyncConnection, loads: Sequence[ExerciseLoad]) -> None:
    """Insert or replace next-time loads, in one statement (merging each took two)."""
    if not loads:
        return
    rows = [
        {
            "user_id": load.user_id,
            "exercise_key": load.exercise_key,
            "weight": load.weight,
            "unit": load.unit,
            "target_reps": load.target_reps,
            "after_increase": bool(load.after_increase),
            "updated_at": load.updated_at,
        }
        for load in loads
    ]
    await connection.execute(_load_upsert(dialect_of(connection)), rows)


async def plan_overrides(session: AsyncSession, user_id: int) -> dict[str, PlanSlot]:
    """The user's lasting plan changes, by slot key."""
    rows = await session.scalars(select(PlanSlot).where(PlanSlot.user_id == user_id))
    return {row.slot_key: row for row in rows}


_LOGGED_HISTORY = (
    select(
        WorkoutSet.exercise_key,
        WorkoutSet.weight,
        WorkoutSet.unit,
        WorkoutSet.reps,
        WorkoutSet.rir,
        WorkoutSet.performed_at,
        WorkoutSet.warmup,
    )
    .where(
        WorkoutSet.user_id == bindparam("user_id"),
        WorkoutSet.workout_id != bindparam("workout_id"),
    )
    .order_by(WorkoutSet.performed_at, WorkoutSet.id)
)


_LOGGED_OF = _LOGGED_HISTORY.where(
    WorkoutSet.exercise_key.in_(bindparam("exercise_keys", expanding=True))
)


async def logged_before(
    connection: AsyncConnection,
    user_id: int,
    workout_id: int,
    exercise_keys: Collection[str],
    zone: dt.tzinfo,
) -> list[LoggedSet]:
    """A user's sets of some exercises outside one workout, oldest first, as the core's
    records see them: a summary judges today's exercises against their own past only.
    Plain rows, not entities, of those exercises alone: with years of imported history,
    the whole of it read at every summary held the event loop for seconds."""
    params = {"user_id": user_id, "workout_id": workout_id, "exercise_keys": list(exercise_keys)}
    rows = await connection.execute(_LOGGED_OF, params)
    return [as_logged(row, zone) for row in rows]


class _HistoryRow(NamedTuple):
    """A `_LOGGED_HISTORY` row read on the driver, by name."""

    exercise_key: str
    weight: Decimal
    unit: str
    reps: int
    rir: int | None
    performed_at: dt.datetime
    warmup: bool


_RECENT_SETS = Direct(
    _LOGGED_HISTORY.where(WorkoutSet.exercise_key == bindparam("exercise_key")).where(
        WorkoutSet.performed_at >= bindparam("since")
    )
)


async def recent_sets_of(
    connection: AsyncConnection,
    user_id: int,
    exercise_key: str,
    workout_id: int,
    since: dt.datetime,
    zone: dt.tzinfo,
) -> list[LoggedSet]:
    """One exercise's sets outside one workout since `since`, oldest first: the story
    next time is decided from (stalls, layoffs). Bounded, so it stays cheap per update."""
    params = {
        "user_id": user_id,
        "workout_id": workout_id,
        "exercise_key": exercise_key,
        "since": since,
    }
    rows = await _RECENT_SETS.rows(connection, params)
    return [as_logged(_HistoryRow(*row), zone) for row in rows]


async def history_sets(session: AsyncSession, user_id: int) -> Sequence[WorkoutSet]:
    """All of a user's sets, oldest first."""
    query = select(WorkoutSet).where(WorkoutSet.user_id == user_id)
    return (await session.scalars(query.order_by(WorkoutSet.performed_at, WorkoutSet.id))).all()


async def count_sets(session: AsyncSession, user_id: int) -> int:
    """How many sets a user has stored."""
    query = select(func.count()).select_from(WorkoutSet).where(WorkoutSet.user_id == user_id)
    return int((await session.scalar(query)) or 0)


@functools.cache
def _rest_timer_upsert(dialect: str) -> Direct:
    statement = insert_into(dialect, RestTimer)
    return Direct(
        statement.on_conflict_do_update(
            index_elements=[RestTimer.user_id],
            set_={
                "workout_id": statement.excluded.workout_id,
                "due_at": statement.excluded.due_at,
            },
        )
    )


async def set_rest_timer(
    connection: AsyncConnection, user_id: int, workout_id: int, due_at: dt.datetime
) -> None:
    """Start (or restart) the user's one rest timer, in one statement."""
    await _rest_timer_upsert(dialect_of(connection)).run(
        connection, {"user_id": user_id, "workout_id": workout_id, "due_at": due_at}
    )


_CLEAR_REST_TIMER = Direct(delete(RestTimer).where(RestTimer.user_id == bindparam("user_id")))


async def clear_rest_timer(connection: AsyncConnection, user_id: int) -> None:
    """Stop the user's rest timer, if any (Core: an ORM delete first looks for the rows)."""
    await _CLEAR_REST_TIMER.run(connection, {"user_id": user_id})


async def rir_checks(session: AsyncSession, user_id: int) -> list[Check]:
    """A lifter's reps-in-reserve checks, oldest first: what their bias is estimated from."""
    query = select(RirCheck).where(RirCheck.user_id == user_id)
    rows = await session.scalars(query.order_by(RirCheck.performed_at, RirCheck.id))
    return [Check(r.reps, r.predicted_rir, r.amrap_reps) for r in rows]
