"""Random text at every step of a workout always gets an answer and never corrupts it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db.models import Workout, WorkoutExercise, WorkoutSet
from tests.harness import LIFTER, BotHarness

VALID = st.sampled_from(["6", "225x6 @2", "5 reps, 1 left", "2", "135", "8 0", "failed at 4"])
ANY_TEXT = st.text(min_size=1, max_size=300).filter(lambda t: t.strip() and t[0] != "/")
MESSAGES = st.one_of(VALID, ANY_TEXT, st.sampled_from(["/undo", "/skip", "1e309", "NaN", "-0"]))


async def assert_consistent(bot: BotHarness) -> None:
    """Every exercise's sets are numbered 1..n, and the position points after them."""
    async with bot.db.transaction() as session:
        workout = (
            await session.scalars(
                select(Workout).where(Workout.user_id == LIFTER, Workout.status == "active")
            )
        ).first()
        sets = (await session.scalars(select(WorkoutSet).where(WorkoutSet.user_id == LIFTER))).all()
        by_exercise: dict[int | None, list[int]] = {}
        for row in sets:
            by_exercise.setdefault(row.workout_exercise_id, []).append(row.set_number)
        for numbers in by_exercise.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
        if workout is None:
            return
        exercises = (
            await session.scalars(
                select(WorkoutExercise).where(WorkoutExercise.workout_id == workout.id)
            )
        ).all()
        current = next(e for e in exercises if e.position == workout.current_index)
        assert current.status == "active"
        assert workout.current_set == len(by_exercise.get(current.id, [])) + 1
        assert workout.awaiting in {"reps", "rir", "start_weight"}
        assert (workout.awaiting == "rir") == (workout.pending_reps is not None)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(message=MESSAGES)
async def test_random_text_mid_workout_gets_a_reply_and_keeps_the_workout_sound(
    bot: BotHarness, message: str
) -> None:
    if not (await bot.say("/workout")):
        raise AssertionError("/workout got no reply")
    replies = await bot.say(message)
    assert replies, f"no reply to {message!r}"
    assert all((m.text or "").strip() for m in replies)
    await assert_consistent(bot)
