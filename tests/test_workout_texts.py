"""Every count the workout says, rendered with 0, 1 and 2: no "1 sets", no "The 0 sets"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.coach import session as ws
from bot.coach.catalog import RepRange
from bot.coach.progression import LoadSteps
from bot.coach.records import LoggedSet
from bot.coach.summary import summarize
from bot.coach.units import Unit
from bot.texts import workout as texts

LB = Unit.LB
DAY = dt.date(2026, 3, 2)


def deadlift(sets: int = 3) -> ws.ExerciseState:
    return ws.ExerciseState(
        1,
        "deadlift",
        "hinge",
        sets,
        RepRange(4, 6),
        120,
        ws.ExerciseStatus.ACTIVE,
        ws.Load(Decimal(225), LB),
        4,
    )


def done(n: int) -> tuple[ws.DoneSet, ...]:
    return tuple(
        ws.DoneSet(1, "deadlift", i + 1, Decimal(225 + 10 * i), LB, 6, 2) for i in range(n)
    )


def text(*messages: ws.Message, facts: texts.SummaryFacts | None = None) -> str:
    return "\n".join(r.text for r in texts.render(messages, facts))


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "No sets were logged"),
        (1, "Your 1 set is saved."),
        (2, "Your 2 sets are saved."),
    ],
)
def test_cancelled(count: int, expected: str) -> None:
    assert expected in text(ws.Cancelled(count))


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "1 exercise."), (2, "2 exercises."), (0, "0 exercises.")]
)
def test_started(count: int, expected: str) -> None:
    assert f"Today's workout: {expected}" in text(ws.Started(count))


@pytest.mark.parametrize(("sets", "expected"), [(1, "1 set x"), (2, "2 sets x")])
def test_exercise_card(sets: int, expected: str) -> None:
    question = ws.Question(deadlift(sets), 1, 5, ws.Awaiting.REPS, 1, 1, LB, intro=True)
    assert expected in text(question)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "Deadlift done: 0 sets, best -."),
        (1, "Deadlift done: 1 set, best 225 lb x 6. Next time 235 lb x 4."),
        (2, "Deadlift done: 2 sets, best 235 lb x 6. Next time 235 lb x 4."),
    ],
)
def test_exercise_done_line(count: int, expected: str) -> None:
    message = ws.ExerciseDone("deadlift", done(count), ws.Load(Decimal(235), LB), 4)
    assert expected in text(message)


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "1 set, 6 reps, 1350 lb moved."), (2, "2 sets, 12 reps")]
)
def test_summary_totals_in_whole_units(count: int, expected: str) -> None:
    sets = done(count)
    logged = [LoggedSet(s.exercise_key, s.weight, s.unit, s.reps, s.rir, DAY) for s in sets]
    facts = texts.SummaryFacts(summarize(logged, LB))
    assert expected in text(ws.Summary(sets, (), LB), facts=facts)


def test_summary_volume_is_rounded_to_whole_units() -> None:
    odd = (ws.DoneSet(1, "deadlift", 1, Decimal("143.33"), LB, 5, 2),)
    logged = [LoggedSet("deadlift", Decimal("143.33"), LB, 5, 2, DAY)]
    assert "717 lb moved" in text(
        ws.Summary(odd, (), LB), facts=texts.SummaryFacts(summarize(logged, LB))
    )


@pytest.mark.parametrize(("reps", "expected"), [(0, "0 reps"), (1, "1 rep"), (2, "2 reps")])
def test_answer_undone(reps: int, expected: str) -> None:
    assert f"Took back those {expected}" in text(ws.AnswerUndone(reps))


def test_the_last_set_says_its_change_is_for_next_time() -> None:
    state = ws.WorkoutState((deadlift(1),), LB, LoadSteps.defaults(LB))
    _, effects = ws.step(
        state, ws.SetReported((ws.ReportedSet(6, rir=2),)), dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    )
    said = text(*(e.message for e in effects if isinstance(e, ws.Say)))
    assert "For next time: 235 lb x 4 (6 reps hit the top of 4-6: +10 lb)." in said
    assert "Deadlift done: 1 set, best 225 lb x 6. Next time 235 lb x 4." in said


def test_a_converted_load_shows_what_was_typed() -> None:
    logged = ws.Logged(
        ws.DoneSet(1, "deadlift", 1, Decimal(145), LB, 5, 2), 1, None, ws.Load(Decimal(65), Unit.KG)
    )
    assert "Logged set 1: 145 lb (you typed 65 kg) x 5 (2 left)." in text(logged)
