"""The reader's promises, beyond the corpus: it never raises, never stores a wrong set
silently, and says how it read what it logs."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.catalog import RepRange
from bot.coach.reading import (
    Ask,
    EffortRead,
    Intent,
    IntentRead,
    Missing,
    Question,
    ReadContext,
    Reading,
    ReadSet,
    SetsRead,
    Unreadable,
    Waiting,
    WeightRead,
    echo_set,
    read_message,
)
from bot.coach.units import Unit

ROW = ReadContext("barbell_row", Decimal(225), Unit.LB, RepRange(6, 8), Unit.LB)
KINDS = (SetsRead, EffortRead, WeightRead, Question, IntentRead, Unreadable)


def one_set(reading: Reading) -> ReadSet:
    assert isinstance(reading, SetsRead), reading
    (only,) = reading.sets
    return only


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("225x6 @8", "225 lb x 6, RPE 8 = 2 left"),
        ("225x6, 2 left", "225 lb x 6, 2 left"),
        ("6", "6 reps"),
        ("warmup 135x10", "warm-up 135 lb x 10"),
        ("100 kg x 5", "100 kg x 5"),
        ("1", "1 rep"),
    ],
)
def test_a_logged_set_says_how_it_was_read(text: str, echo: str) -> None:
    reading = read_message(text, ROW)
    assert isinstance(reading, SetsRead) and reading.echo == echo


@pytest.mark.parametrize(
    ("text", "rir", "rpe"),
    [
        ("225x6 @0", 0, None),
        ("225x6 @5", 5, None),
        ("225x6 @5.5", 4, "5.5"),
        ("225x6 @6", 4, "6"),
        ("225x6 @8.5", 1, "8.5"),
        ("225x6 @10", 0, "10"),
    ],
)
def test_the_one_at_rule_meets_at_five(text: str, rir: int, rpe: str | None) -> None:
    read = one_set(read_message(text, ROW))
    assert read.rir == rir
    assert read.rpe == (None if rpe is None else Decimal(rpe))


@pytest.mark.parametrize("text", ["6 @ 225", "6 @ 11", "6 @ 10 kg"])
def test_at_a_load_is_the_weight(text: str) -> None:
    read = one_set(read_message(text, ReadContext()))
    assert read.reps == 6 and read.weight is not None and read.rir is None


@pytest.mark.parametrize(
    "text", ["3x5", "5, 5, 4", "3x5 @ 225", "225 x 5 x 3", "225x6\n225x6\n225x5"]
)
def test_several_sets_are_logged_only_after_a_yes(text: str) -> None:
    reading = read_message(text, ROW)
    assert isinstance(reading, Question) and reading.reason is Ask.CONFIRM_SETS
    assert len(reading.options) == 1 and len(reading.options[0].sets) == 3


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("8 8 7", "8 reps; 8 reps; 7 reps"),
        ("8/8/7 @ 135", "135 lb x 8; 135 lb x 8; 135 lb x 7"),
        ("225x6 225x5", "225 lb x 6; 225 lb x 5"),
        ("5,4 @ 150 kg", "150 kg x 5; 150 kg x 4"),
        ("185 x 8, 8, 7", "185 lb x 8; 185 lb x 8; 185 lb x 7"),
    ],
)
def test_lists_of_sets_keep_the_load_they_name(text: str, echo: str) -> None:
    reading = read_message(text, ROW)
    assert isinstance(reading, Question) and reading.reason is Ask.CONFIRM_SETS
    assert reading.options[0].echo == echo


def test_close_readings_become_a_question_with_each_option() -> None:
    reading = read_message("12 2", ReadContext("face_pull", Decimal(25), Unit.KG, RepRange(10, 12)))
    assert isinstance(reading, Question) and reading.reason is Ask.WHICH_READING
    assert {o.echo for o in reading.options} == {"12 reps, 2 left", "12 kg x 2"}


def test_a_load_far_from_the_target_is_asked_about() -> None:
    reading = read_message("20 10", ROW)
    assert isinstance(reading, Question)


def test_another_exercise_named_is_asked_about() -> None:
    reading = read_message("seal row 135x8", ROW)
    assert isinstance(reading, Question) and reading.reason is Ask.OTHER_EXERCISE
    assert reading.options[0].exercise_key == "seal_row"
    assert isinstance(read_message("barbell rows 225x6", ROW), SetsRead)


@pytest.mark.parametrize(
    ("text", "missing", "understood"),
    [
        ("225", Missing.REPS, "225 lb"),
        ("60 kg", Missing.REPS, "60 kg"),
        ("2 left", Missing.REPS, "2 left"),
        ("rpe 8", Missing.REPS, "RPE 8 = 2 left"),
        ("bar x 5", Missing.WEIGHT, ""),
        ("0x0", Missing.SENSE, ""),
        ("banana", Missing.NUMBERS, ""),
    ],
)
def test_unreadable_says_what_was_understood_and_what_is_missing(
    text: str, missing: Missing, understood: str
) -> None:
    assert read_message(text, ROW) == Unreadable(missing, understood)


def test_answers_to_the_bots_questions() -> None:
    rir = ReadContext("barbell_row", Decimal(225), Unit.LB, RepRange(6, 8), waiting=Waiting.RIR)
    assert read_message("2", rir) == EffortRead(2, None, "2 left")
    assert read_message("@9", rir) == EffortRead(1, Decimal(9), "RPE 9 = 1 left")
    assert read_message("none", rir) == EffortRead(0, None, "0 left")
    assert read_message("skip", rir) == IntentRead(Intent.SKIP)
    start = ReadContext("seal_row", waiting=Waiting.START_WEIGHT, lifter_unit=Unit.KG)
    assert read_message("60", start) == WeightRead(Decimal(60), None, "60 kg")
    assert read_message("135 lb", start) == WeightRead(Decimal(135), Unit.LB, "135 lb")


@pytest.mark.parametrize(
    ("text", "intent", "key"),
    [
        ("how do I do a seal row", Intent.HOWTO, "seal_row"),
        ("facepull?", Intent.HOWTO, "face_pull"),
        ("cues", Intent.HOWTO, "barbell_row"),
        ("swap for cable row", Intent.SWAP, "cable_row"),
        ("skip this one", Intent.SKIP, None),
        ("that was wrong", Intent.UNDO, None),
        ("I'm done for today", Intent.DONE, None),
        ("what's next", Intent.NEXT, None),
        ("how long do I rest", Intent.REST, None),
        ("what weight?", Intent.WEIGHT, None),
        ("hello coach", Intent.GREETING, None),
        ("💪", Intent.CHAT, None),
    ],
)
def test_plain_words_are_requests(text: str, intent: Intent, key: str | None) -> None:
    reading = read_message(text, ROW)
    assert isinstance(reading, IntentRead)
    assert (reading.intent, reading.exercise_key) == (intent, key)


def test_howto_of_a_lift_we_do_not_coach_keeps_the_words_for_the_reply() -> None:
    reading = read_message("how do i do a sumo deadlift", ROW)
    assert reading == IntentRead(Intent.HOWTO, None, "sumo deadlift")


@pytest.mark.parametrize("mark", ["\u200b", "\u200e", "\u200f", "\ufeff", "\u2060"])
def test_invisible_marks_do_not_block_a_report(mark: str) -> None:
    assert one_set(read_message(f"{mark}225x6{mark}", ROW)) == ReadSet(6, Decimal(225))


def test_echo_of_a_set_in_the_lifters_unit() -> None:
    assert echo_set(ReadSet(8, Decimal("102.5"), Unit.KG, 1, Decimal("8.5")), Unit.LB) == (
        "102.5 kg x 8, RPE 8.5 = 1 left"
    )


ANY_TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="0123456789x×*@#+.,:;/- \n kglbsrpiRPEIftwuleftankmoreset", max_size=60),
    st.text(min_size=250, max_size=2000),
    st.lists(
        st.sampled_from(
            [
                "225",
                "6",
                "x",
                "@",
                "8",
                "rpe",
                "rir",
                "kg",
                "lbs",
                "for",
                "at",
                "with",
                "/",
                ",",
                "left",
                "failure",
                "warmup",
                "sets",
                "of",
                "3",
                "0",
                "10.5",
                "six",
                "one",
            ]
        ),
        max_size=12,
    ).map(" ".join),
)
CONTEXTS = st.builds(
    ReadContext,
    exercise_key=st.sampled_from([None, "barbell_row", "face_pull"]),
    target_weight=st.one_of(st.none(), st.decimals(min_value=1, max_value=1000, places=1)),
    target_unit=st.one_of(st.none(), st.sampled_from(Unit)),
    rep_range=st.one_of(st.none(), st.just(RepRange(6, 8)), st.just(RepRange(1, 100))),
    lifter_unit=st.sampled_from(Unit),
    waiting=st.sampled_from(Waiting),
)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT, CONTEXTS)
def test_the_reader_is_total(text: str, context: ReadContext) -> None:
    """Any text gets a reading, a question or its own 'unreadable', never an exception."""
    reading = read_message(text, context)
    assert isinstance(reading, KINDS)
    sets = [s for o in reading.options for s in o.sets] if isinstance(reading, Question) else []
    if isinstance(reading, SetsRead):
        sets = list(reading.sets)
        assert reading.echo
    for one in sets:
        assert 0 <= one.reps <= 100
        assert one.rir is None or 0 <= one.rir <= 10
        assert one.weight is None or 0 <= one.weight <= 2200
        assert not (one.reps == 0 and one.weight == 0)
