"""End-of-workout and weekly numbers: sets, reps, volume, best sets, hard sets per muscle.

Warm-ups are left out of every count: they prepare, they don't train.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.coach.anatomy import MUSCLES
from bot.coach.catalog import get_exercise
from bot.coach.records import LoggedSet, epley
from bot.coach.units import Unit, convert

HARD_SET_MAX_RIR = 3


@dataclass(frozen=True, slots=True)
class ExerciseSummary:
    """One exercise in a workout; volume is in the summary's unit."""

    exercise_key: str
    sets: int
    reps: int
    volume: Decimal
    best: LoggedSet


@dataclass(frozen=True, slots=True)
class WorkoutSummary:
    """A whole workout, exercises in the order they were first done."""

    sets: int
    reps: int
    volume: Decimal
    unit: Unit
    exercises: tuple[ExerciseSummary, ...]


def _volume(logged: LoggedSet, unit: Unit) -> Decimal:
    return convert(logged.weight, logged.unit, unit) * logged.reps


def _summarize_exercise(key: str, sets: list[LoggedSet], unit: Unit) -> ExerciseSummary:
    return ExerciseSummary(
        exercise_key=key,
        sets=len(sets),
        reps=sum(s.reps for s in sets),
        volume=sum((_volume(s, unit) for s in sets), Decimal(0)),
        best=max(sets, key=lambda s: epley(convert(s.weight, s.unit, unit), s.reps, s.rir)),
    )


def summarize(sets: Sequence[LoggedSet], unit: Unit) -> WorkoutSummary:
    """Totals and per-exercise lines; the best set is the highest estimated 1RM."""
    groups: dict[str, list[LoggedSet]] = {}
    for logged in sets:
        if not logged.warmup:
            groups.setdefault(logged.exercise_key, []).append(logged)
    exercises = tuple(_summarize_exercise(key, group, unit) for key, group in groups.items())
    return WorkoutSummary(
        sets=sum(e.sets for e in exercises),
        reps=sum(e.reps for e in exercises),
        volume=sum((e.volume for e in exercises), Decimal(0)),
        unit=unit,
        exercises=exercises,
    )


def hard_sets_per_muscle(sets: Sequence[LoggedSet]) -> dict[str, int]:
    """Hard sets (not warm-up, 3 or fewer reps left or unknown) per primary muscle.

    Every muscle appears, in anatomy order, so a week that skipped one shows a zero.
    """
    counts = {muscle.key: 0 for muscle in MUSCLES}
    for logged in sets:
        if logged.warmup or (logged.rir is not None and logged.rir > HARD_SET_MAX_RIR):
            continue
        for muscle in get_exercise(logged.exercise_key).primary_muscles:
            counts[muscle] += 1
    return counts
