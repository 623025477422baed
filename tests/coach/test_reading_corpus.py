"""The reader against a corpus of real lifters' messages (tests/corpus/messages.tsv).

Each row gives the message, what the bot was waiting for, the reading it must give and
where the message comes from (tests/corpus/sources.tsv). Accuracy is printed; the test
fails below 98 % and on any confident reading that differs from the expected one: a
wrong set stored in silence is the worst failure this product has.
"""

from decimal import Decimal

import pytest

from bot.coach.catalog import RepRange
from bot.coach.reading import (
    Ask,
    EffortRead,
    IntentRead,
    Question,
    ReadContext,
    Reading,
    ReadSet,
    SetsRead,
    Unreadable,
    Waiting,
    WeightRead,
    read_message,
)
from bot.coach.units import Unit
from tests.coach.corpus import read_tsv, source_keys

LB, KG = Unit.LB, Unit.KG


def _context(key: str, weight: int | str, unit: Unit, reps: tuple[int, int]) -> ReadContext:
    return ReadContext(key, Decimal(weight), unit, RepRange(*reps), unit)


CONTEXTS: dict[str, ReadContext] = {
    "row": _context("barbell_row", 225, LB, (6, 8)),
    "rowkg": _context("barbell_row", 100, KG, (6, 8)),
    "dl": _context("deadlift", 315, LB, (4, 6)),
    "dlkg": _context("deadlift", 140, KG, (4, 6)),
    "db": _context("single_arm_dumbbell_row", 30, KG, (8, 10)),
    "dblb": _context("single_arm_dumbbell_row", 70, LB, (8, 10)),
    "fp": _context("face_pull", 25, KG, (10, 12)),
    "rdl": _context("romanian_deadlift", 185, LB, (6, 8)),
    "seal": _context("seal_row", 135, LB, (8, 10)),
    "new": ReadContext("barbell_row", None, None, RepRange(6, 8), LB),
    "-": ReadContext(),
    "rir": ReadContext("barbell_row", Decimal(225), LB, RepRange(6, 8), LB, Waiting.RIR),
    "start": ReadContext("seal_row", None, None, RepRange(8, 10), LB, Waiting.START_WEIGHT),
    "startkg": ReadContext("deadlift", None, None, RepRange(4, 6), KG, Waiting.START_WEIGHT),
}


def _number(value: Decimal) -> str:
    return f"{value.normalize() + 0:f}"


def describe_set(one: ReadSet) -> str:
    """The corpus notation: 225x6, 100kgx5, 6 (reps only), then rir2 / rpe8 / wu."""
    text = str(one.reps)
    if one.weight is not None:
        text = f"{_number(one.weight)}{one.unit or ''}x{one.reps}"
    if one.rpe is not None:
        text += f" rpe{_number(one.rpe)}"
    elif one.rir is not None:
        text += f" rir{one.rir}"
    return text + (" wu" if one.warmup else "")


def describe_sets(read: SetsRead) -> str:
    if len(read.sets) > 1 and len(set(read.sets)) == 1:
        return f"{len(read.sets)}*{describe_set(read.sets[0])}"
    return ";".join(describe_set(s) for s in read.sets)


def describe(reading: Reading) -> str:
    """A reading in the corpus notation."""
    match reading:
        case SetsRead():
            return describe_sets(reading)
        case Question(reason=Ask.CONFIRM_SETS, options=(only,)):
            return describe_sets(only)
        case Question(reason=Ask.OTHER_EXERCISE, options=(only,)):
            return f"other:{only.exercise_key} {describe_sets(only)}"
        case Question():
            return "ask"
        case EffortRead(rpe=None):
            return f"rir:{reading.rir}"
        case EffortRead():
            return f"rpe:{_number(reading.rpe)}" if reading.rpe is not None else ""
        case WeightRead():
            return f"weight:{_number(reading.weight)}{reading.unit or ''}"
        case IntentRead(exercise_key=None):
            return f"intent:{reading.intent}"
        case IntentRead():
            return f"intent:{reading.intent}:{reading.exercise_key}"
        case Unreadable():
            return "none"
    raise AssertionError(reading)


def _confident(reading: Reading) -> bool:
    """Stored or acted on without a question."""
    return isinstance(reading, SetsRead | EffortRead | WeightRead | IntentRead)


def _rows() -> list[dict[str, str]]:
    return read_tsv("messages.tsv")


def test_the_corpus_is_big_and_every_message_has_a_known_source() -> None:
    rows = _rows()
    assert len(rows) >= 400
    assert {row["source"] for row in rows} <= source_keys()
    assert {row["context"] for row in rows} <= set(CONTEXTS)


def test_messages_read_as_lifters_mean_them(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _rows()
    misses: list[str] = []
    confident_wrong: list[str] = []
    for row in rows:
        reading = read_message(row["text"], CONTEXTS[row["context"]])
        got = describe(reading)
        if got == row["expected"] or (row["expected"] == "ask" and isinstance(reading, Question)):
            continue
        line = f"{row['text']!r} [{row['context']}]: expected {row['expected']}, got {got}"
        misses.append(line)
        if _confident(reading):
            confident_wrong.append(line)
    accuracy = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(
            f"\nmessage corpus: {len(rows) - len(misses)}/{len(rows)} read right ({accuracy:.1%})"
        )
        for line in misses:
            print("  miss:", line)
    assert not confident_wrong, "confident readings that differ:\n" + "\n".join(confident_wrong)
    assert accuracy >= 0.98
