"""What every workout step loads: the lifter's state, sets read back exactly as stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import WorkoutSet
from bot.db.users import create_user

NOW = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


def _exercise(position: int, key: str) -> dict[str, Any]:
    return {
        "position": position,
        "slot_key": f"slot{position}",
        "exercise_key": key,
        "sets": 3,
        "rep_lo": 6,
        "rep_hi": 10,
        "rest_seconds": 120,
        "status": "active" if position == 0 else "pending",
        "target_weight": None,
        "target_unit": None,
        "target_reps": 6,
        "after_increase": False,
    }


def _set(workout_id: int, exercise_id: int, number: int, weight: str, **extra: Any) -> dict:
    return {
        "user_id": 5,
        "workout_id": workout_id,
        "workout_exercise_id": exercise_id,
        "exercise_key": "barbell_row",
        "set_number": number,
        "weight": Decimal(weight),
        "unit": "kg",
        "reps": 8,
        "rir": 2,
        "warmup": False,
        "performed_at": NOW,
        **extra,
    }


async def test_a_lifters_sets_come_back_as_stored_in_the_order_lifted(db: Database) -> None:
    async with db.work() as work:
        await create_user(work.session, 5, "Ann", NOW)
        workout, (first, second, third) = await repo.create_workout(
            work.connection,
            5,
            NOW,
            "reps",
            [_exercise(0, "rdl"), _exercise(1, "barbell_row"), _exercise(2, "shrug")],
        )
        # Sets of the first two exercises alternate (a swap back and forth), with loads
        # that a float would not keep, no reps in reserve, a warm-up, a swapped-out key.
        await repo.add_sets(
            work.connection,
            [
                _set(workout.id, first.id, 1, "102.5", warmup=True, rir=None),
                _set(workout.id, second.id, 1, "33.3333"),
                _set(workout.id, first.id, 2, "100", exercise_key="rdl"),
                _set(workout.id, second.id, 2, "999999.9999", rir=None),
                _set(workout.id, first.id, 3, "0.0001", rir=0, reps=0),
                _set(workout.id, second.id, 3, "45.3592", unit="lb"),
            ],
        )
    async with db.transaction() as session:
        stored = (await session.scalars(select(WorkoutSet).order_by(WorkoutSet.id))).all()
        fields = repo.WorkoutSetRow._fields
        expected = [repo.WorkoutSetRow(*(getattr(s, f) for f in fields)) for s in stored]
    async with db.work() as work:
        state = await repo.lifter_state(work.connection, 5)
    assert state is not None and state.workout is not None
    assert [e.id for e in state.exercises] == [first.id, second.id, third.id]
    assert state.sets == expected
    # The same Decimals as the column's own reading, down to the places they show.
    assert [str(s.weight) for s in state.sets] == [str(s.weight) for s in expected]
    assert state.sets[0].rir is None and state.sets[0].warmup
    assert state.sets[4].weight == Decimal("0.0001") and state.sets[4].reps == 0


async def test_a_lifter_without_a_workout_has_no_exercises_or_sets(db: Database) -> None:
    async with db.transaction() as session:
        await create_user(session, 6, "Bo", NOW)
    async with db.work() as work:
        state = await repo.lifter_state(work.connection, 6)
        assert await repo.lifter_state(work.connection, 7) is None
    assert state is not None and state.user.id == 6 and state.settings.user_id == 6
    assert state.workout is None and state.exercises == [] and state.sets == []
    assert not state.resting and state.checks == [] and state.first_workout_at is None
