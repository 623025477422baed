"""What the lifter typed, as a workout event: the message reader asked with the workout's
context, and its reading mapped to an event, a request, or a question to ask first.

`take(state, text)` gives an `Event` for `step` when the reading is clear; otherwise the
reading itself (`Question`, `IntentRead`, `Unreadable`) for the shell to answer. A
question's readings are kept (`OpenQuestion`, stored as JSON between messages) until the
lifter picks one; the pick logs exactly that reading, and nothing is stored before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.coach.reading import (
    MAX_REPS,
    MAX_RIR,
    MAX_SETS,
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
    read_message,
)
from bot.coach.session.events import (
    At,
    Event,
    Finish,
    RirAnswered,
    SetReported,
    Skip,
    StartWeightGiven,
    SwapAsked,
    Undo,
)
from bot.coach.session.machine import plausible_start
from bot.coach.session.messages import ReadAs
from bot.coach.session.state import Awaiting, WorkoutState
from bot.coach.units import Unit

_WAITING = {
    Awaiting.REPS: Waiting.SET,
    Awaiting.RIR: Waiting.RIR,
    Awaiting.START_WEIGHT: Waiting.START_WEIGHT,
}
# Requests that are plain workout commands; the others need the shell (lookups, replies).
_COMMANDS: dict[Intent, Event] = {
    Intent.SKIP: Skip(),
    Intent.UNDO: Undo(),
    Intent.DONE: Finish(),
}

Taken = Event | Question | IntentRead | Unreadable


def read_context(state: WorkoutState | None, unit: Unit = Unit.LB) -> ReadContext:
    """What the bot waits for, for the reader: the current exercise, its load and range."""
    if state is None:
        return ReadContext(lifter_unit=unit, waiting=Waiting.NOTHING)
    current = state.current
    target = current.target  # none for a first load: any usual load fits
    return ReadContext(
        exercise_key=current.exercise_key,
        target_weight=None if target is None else target.weight,
        target_unit=None if target is None else target.unit,
        rep_range=current.rep_range,
        lifter_unit=state.unit,
        waiting=_WAITING[state.awaiting],
    )


def reported(read: SetsRead, at: At | None = None) -> SetReported:
    """Sets as read, as the event that logs them; warm-ups stay warm-ups."""
    return SetReported(
        read.sets,
        at,
        read_as=None if _bare(read) else ReadAs(read.echo, _effort(read.sets[-1]), len(read.sets)),
    )


def _bare(read: SetsRead) -> bool:
    """A lone count of reps ("6"): saying it back adds nothing."""
    one = read.sets[0]
    return len(read.sets) == 1 and one == ReadSet(one.reps)


def _effort(read: ReadSet) -> str:
    """RPE as the lifter said it, with the reps left it stands for; "" without RPE."""
    if read.rpe is None:
        return ""
    return f"RPE {read.rpe.normalize():f} = {read.rir} left"


def take(state: WorkoutState, text: str) -> Taken:
    """A typed message read against where the workout stands."""
    reading = read_message(text, read_context(state))
    if state.awaiting is Awaiting.START_WEIGHT:
        if _no_load(reading):
            return Unreadable(Missing.WEIGHT)  # reps before any load: the load is the question
        if isinstance(reading, SetsRead) and not _plausible(state, reading):
            return Question(Ask.WHICH_READING, (reading,))  # "8 8" is no first load: ask
    match reading:
        case SetsRead():
            return reported(reading)
        case EffortRead(rir=rir):
            return RirAnswered(rir)
        case WeightRead(weight=weight, unit=unit):
            return StartWeightGiven(weight, unit)
        case IntentRead(intent=intent) if intent in _COMMANDS:
            return _COMMANDS[intent]
        case IntentRead(intent=Intent.SWAP, exercise_key=None):
            return SwapAsked()
    return reading


def _plausible(state: WorkoutState, read: SetsRead) -> bool:
    first = read.sets[0]
    return first.weight is None or plausible_start(state, first.weight, first.unit)


def _no_load(reading: Reading) -> bool:
    """Sets (or every reading offered) without a weight for the first one."""
    if isinstance(reading, SetsRead):
        return reading.sets[0].weight is None
    return isinstance(reading, Question) and all(_no_load(o) for o in reading.options)


# -- questions left open ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """A question asked at one set of one exercise, with the readings it offered."""

    reason: Ask
    exercise_id: int
    set_number: int
    options: tuple[SetsRead, ...]

    def asked_at(self, at: At) -> bool:
        """Whether a button pressed at `at` belongs to this question."""
        return (self.exercise_id, self.set_number) == (at.exercise_id, at.set_number)

    def pick(self, state: WorkoutState, at: At, index: int) -> SetReported | None:
        """The event that logs reading `index`; None for another question's button or
        once the workout has moved on."""
        here = At(state.current.id, state.set_number)
        if not (self.asked_at(at) and self.asked_at(here) and 0 <= index < len(self.options)):
            return None
        return reported(self.options[index])


def open_question(state: WorkoutState, asked: Question) -> OpenQuestion:
    """The question as asked now, at the current set."""
    return OpenQuestion(asked.reason, state.current.id, state.set_number, asked.options)


def dump(question: OpenQuestion) -> str:
    """The question as JSON, for the database."""
    return json.dumps(
        {
            "reason": question.reason.value,
            "exercise_id": question.exercise_id,
            "set_number": question.set_number,
            "options": [
                {"echo": o.echo, "key": o.exercise_key, "sets": [_dump_set(s) for s in o.sets]}
                for o in question.options
            ],
        }
    )


def _dump_set(s: ReadSet) -> list[object]:
    decimal = [None if v is None else str(v) for v in (s.weight, s.rpe)]
    return [
        s.reps,
        decimal[0],
        None if s.unit is None else s.unit.value,
        s.rir,
        decimal[1],
        s.warmup,
    ]


def load(text: str | None) -> OpenQuestion | None:
    """A stored question, or None when there is none or it is not one we wrote."""
    if not text:
        return None
    try:
        data = json.loads(text)
        options = tuple(
            SetsRead(
                tuple(_load_set(s) for s in o["sets"][:MAX_SETS]),
                str(o["echo"]),
                None if o["key"] is None else str(o["key"]),
            )
            for o in data["options"]
        )
        if not options or any(not o.sets for o in options):
            return None
        return OpenQuestion(
            Ask(data["reason"]), int(data["exercise_id"]), int(data["set_number"]), options
        )
    except (ValueError, KeyError, TypeError, IndexError, InvalidOperation):
        return None


def _load_set(raw: list[object]) -> ReadSet:
    reps, weight, unit, rir, rpe, warmup = raw
    read = ReadSet(
        reps=_whole(reps, MAX_REPS),
        weight=None if weight is None else Decimal(str(weight)),
        unit=None if unit is None else Unit(str(unit)),
        rir=None if rir is None else _whole(rir, MAX_RIR),
        rpe=None if rpe is None else Decimal(str(rpe)),
        warmup=warmup is True,
    )
    if read.weight is not None and not read.weight.is_finite():
        raise ValueError("weight")
    return read


def _whole(value: object, most: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise ValueError(value)
    return value
