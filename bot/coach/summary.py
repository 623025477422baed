"""End-of-workout and weekly numbers: sets, reps, volume, best sets, hard sets per muscle.

Warm-ups are left out of every count: they prepare, they don't train.

A hard set ends 3 or fewer reps short of failure (or says nothing about it). It counts
one set for each muscle that mainly moves the weight and half a set for each helping
muscle: a barbell row is a full set for the rhomboids and traps and half a set for the
rear delts. Volume studies often land on about 10-20 hard sets per muscle per week
(``WEEKLY_GUIDE``): a guide to read a week by, not a rule.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.coach.anatomy import MUSCLES
from bot.coach.catalog import get_exercise
from bot.coach.records import LoggedSet, epley
from bot.coach.units import Unit, convert

HARD_SET_MAX_RIR = 3
SECONDARY_SHARE = Decimal("0.5")
WEEKLY_GUIDE = (10, 20)


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


def hard_sets_per_muscle(sets: Sequence[LoggedSet]) -> dict[str, Decimal]:
    """Hard sets per muscle: 1 for a main mover, 0.5 for a helper; warm-ups never count.

    Every muscle an exercise trains appears, in anatomy order, so a week that skipped one
    shows a zero.
    """
    counts = {muscle.key: Decimal(0) for muscle in MUSCLES if muscle.exercises}
    for logged in sets:
        if logged.warmup or (logged.rir is not None and logged.rir > HARD_SET_MAX_RIR):
            continue
        exercise = get_exercise(logged.exercise_key)
        for muscle in exercise.primary_muscles:
            counts[muscle] += 1
        for muscle in exercise.secondary_muscles:
            counts[muscle] += SECONDARY_SHARE
    return counts


@dataclass(frozen=True, slots=True)
class WeekCount:
    """Hard sets per muscle (anatomy order) over the days ``first`` to ``last``."""

    first: date
    last: date
    hard_sets: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class HardSetWeeks:
    """This week so far (Monday to today) and all of last week, for ``/history week``."""

    this_week: WeekCount
    last_week: WeekCount


def _week(sets: Sequence[LoggedSet], first: date, last: date) -> WeekCount:
    inside = [s for s in sets if first <= s.performed_on <= last]
    return WeekCount(first, last, tuple(hard_sets_per_muscle(inside).items()))


def hard_set_weeks(sets: Sequence[LoggedSet], today: date) -> HardSetWeeks:
    """Hard sets per muscle this week so far and last week, weeks starting on Monday."""
    monday = today - timedelta(days=today.weekday())
    return HardSetWeeks(
        this_week=_week(sets, monday, today),
        last_week=_week(sets, monday - timedelta(days=7), monday - timedelta(days=1)),
    )
