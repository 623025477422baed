"""Typed text into workout events: the reader asked with the workout's context, its
readings turned into events, and questions kept until a pick, as plain function calls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.coach import session as ws
from bot.coach.reading import Ask, Intent, IntentRead, Missing, Question, Unreadable, Waiting
from bot.coach.session import intake
from bot.coach.units import Unit
from bot.texts import workout as texts
from tests.coach.test_session import workout

NOW = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


def sets_of(event: object) -> list[tuple[int, Decimal | None, int | None, bool]]:
    assert isinstance(event, ws.SetReported)
    return [(s.reps, s.weight, s.reps_in_reserve, s.warmup) for s in event.sets]


def test_the_context_is_where_the_workout_stands() -> None:
    context = intake.read_context(workout())
    assert context.exercise_key == "deadlift" and context.target_weight == Decimal(225)
    assert context.waiting is Waiting.SET and context.rep_range is not None
    assert intake.read_context(workout(first_target=None)).waiting is Waiting.START_WEIGHT
    asking, _ = ws.step(workout(), ws.SetReported((ws.ReportedSet(6),)), NOW)
    assert intake.read_context(asking).waiting is Waiting.RIR
    assert intake.read_context(None, Unit.KG).waiting is Waiting.NOTHING


def test_at_eight_after_a_set_is_rpe_and_is_echoed() -> None:
    event = intake.take(workout(), "200x5@9")
    assert sets_of(event) == [(5, Decimal(200), 1, False)]
    read_as = ws.ReadAs("200 lb x 5, RPE 9 = 1 left", "RPE 9 = 1 left")
    assert isinstance(event, ws.SetReported) and event.read_as == read_as
    _, effects = ws.step(workout(), event, NOW)
    said = [e.message for e in effects if isinstance(e, ws.Say)]
    assert said[0] == read_as and isinstance(said[1], ws.Logged)
    assert "Logged set 1: 200 lb x 5 (RPE 9 = 1 left)." in texts.render(said)[0].text


def test_a_warm_up_never_counts_as_a_working_set() -> None:
    event = intake.take(workout(), "warmup 60 for 10")
    assert sets_of(event) == [(10, Decimal(60), None, True)]
    state, _ = ws.step(workout(), event, NOW)
    assert state.sets[-1].warmup and state.working_number == 1
    assert state.current.target == ws.Load(Decimal(225), Unit.LB)  # the target stays


def test_reps_before_any_load_ask_for_the_load() -> None:
    new = workout(first_target=None)
    assert intake.take(new, "6 reps") == Unreadable(Missing.WEIGHT)
    assert isinstance(intake.take(new, "8 8"), Question)  # 8 lb is no first deadlift
    assert sets_of(intake.take(new, "135x5")) == [(5, Decimal(135), None, False)]


def test_answers_follow_the_question_asked() -> None:
    assert intake.take(workout(first_target=None), "60 kg") == ws.StartWeightGiven(
        Decimal(60), Unit.KG
    )
    asking, _ = ws.step(workout(), ws.SetReported((ws.ReportedSet(6),)), NOW)
    assert intake.take(asking, "2") == ws.RirAnswered(2)
    assert intake.take(asking, "rpe 8") == ws.RirAnswered(2)
    assert sets_of(intake.take(asking, "5 reps, 1 left")) == [(5, None, 1, False)]


def test_commands_in_plain_words_are_events() -> None:
    assert intake.take(workout(), "I'm done for today") == ws.Finish()
    assert intake.take(workout(), "skip this one") == ws.Skip()
    assert intake.take(workout(), "undo") == ws.Undo()
    assert intake.take(workout(), "swap") == ws.SwapAsked()
    named = intake.take(workout(), "swap for cable row")
    assert named == IntentRead(Intent.SWAP, "cable_row", "cable row")  # the shell looks it up


def test_unclear_text_is_answered_not_logged() -> None:
    assert isinstance(intake.take(workout(), "3x5"), Question)
    assert isinstance(intake.take(workout(), "225"), Unreadable)
    assert isinstance(intake.take(workout(), "hello coach"), IntentRead)


def test_a_question_logs_exactly_the_reading_picked() -> None:
    state = workout()
    asked = intake.take(state, "3x5 @ 225")
    assert isinstance(asked, Question) and asked.reason is Ask.CONFIRM_SETS
    stored = intake.load(intake.dump(intake.open_question(state, asked)))
    assert stored is not None and stored.options == asked.options
    here = ws.At(state.current.id, state.set_number)
    picked = stored.pick(state, here, 0)
    assert sets_of(picked) == [(5, Decimal(225), None, False)] * 3
    assert stored.pick(state, here, 1) is None  # no second reading was offered
    assert stored.pick(state, ws.At(state.current.id, 2), 0) is None  # another set's button
    assert picked is not None
    moved_on, _ = ws.step(state, picked, NOW)
    assert stored.pick(moved_on, here, 0) is None  # the workout moved on: stale
    assert len(moved_on.sets) == 2  # the last of the three asks for reps left first


@given(st.text(max_size=200))
def test_a_stored_question_that_is_not_ours_reads_as_none(text: str) -> None:
    assert intake.load(text) is None or isinstance(intake.load(text), intake.OpenQuestion)


def test_a_damaged_question_reads_as_none() -> None:
    good = intake.dump(
        intake.open_question(workout(), Question(Ask.CONFIRM_SETS, ()))  # no options
    )
    assert intake.load(good) is None
    assert intake.load('{"reason": "confirm_sets", "exercise_id": 1, "set_number": 1}') is None
    forged = (
        '{"reason": "confirm_sets", "exercise_id": 1, "set_number": 1, "options": '
        '[{"echo": "x", "key": null, "sets": [[-3, "NaN", null, null, null, false]]}]}'
    )
    assert intake.load(forged) is None
