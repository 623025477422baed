"""What the coach says about how it read a message: logged, asked, or not understood.

One short line each, never the whole set prompt again. The reader (``bot.coach.reading``)
decides; these lines only say it.
"""

from __future__ import annotations

from bot.coach.catalog import get_exercise
from bot.coach.reading import Ask, Intent, Missing, Question, SetsRead, Unreadable
from bot.coach.session import Awaiting, WorkoutState
from bot.coach.session.intake import OpenQuestion
from bot.coach.units import format_weight
from bot.replies import Button, row
from bot.texts import workout as workout_texts
from bot.texts.workout import PREFIX

EXAMPLE = "225x6, 2 left"

LOGGED = "Logged {echo}."
WHICH_READING = "Did you mean one of these? Tap it and I'll log it."
CONFIRM_SETS = "Log {echo}?"
OTHER_EXERCISE = "That looks like {named}, but we're on {current}. Log it as {current}?"

_MISSING = {
    Missing.REPS: "Got {understood}. How many reps? Send it like " + EXAMPLE + ".",
    Missing.NUMBERS: "I didn't catch a set there. Send it like " + EXAMPLE + ".",
    Missing.EFFORT: "How many more good reps did you have in you? Send a number like 2.",
    Missing.WEIGHT: "What was the weight? Send it like 135, 60 kg, or 135x5.",
    Missing.SENSE: "That doesn't add up to a set I can log. Send it like " + EXAMPLE + ".",
}


def logged(read: SetsRead) -> str:
    """'Logged 225 lb x 6, RPE 8 = 2 left.'"""
    return LOGGED.format(echo=read.echo)


def question(asked: Question, named: str = "", current: str = "") -> str:
    """The line above the buttons of a question; each option's button shows its echo."""
    if asked.reason is Ask.CONFIRM_SETS:
        return CONFIRM_SETS.format(echo=asked.options[0].echo)
    if asked.reason is Ask.OTHER_EXERCISE:
        return OTHER_EXERCISE.format(named=named, current=current)
    return WHICH_READING


def unreadable(reading: Unreadable) -> str:
    """What was understood and what is missing, in one line."""
    line = _MISSING[reading.missing]
    return line.format(understood=reading.understood or "that")


# -- in a workout ---------------------------------------------------------------------

BUTTON_YES = "Yes, log it"
BUTTON_YES_SETS = "Yes, log {count} sets"
BUTTON_AS_CURRENT = "Yes, as {current}"
BUTTON_NONE = "None of these"
BUTTON_NO = "No"
NOTHING_LOGGED = "OK, nothing logged. Send the set again, like " + EXAMPLE + "."
_BUTTON_MAX = 60  # characters of a button label; long echoes are cut

REST = "Rest {rest} between sets of {name}; I'll ping you when it's time."
TODAY = "{name} today: {load} x {reps} reps."
START_WEIGHT = "Pick the weight you'll start {name} with; a light one is fine. Send it like 135."
_OPENER = {Intent.GREETING: "Hi!", Intent.CHAT: "Noted."}
_NUDGE = {
    Awaiting.REPS: "We're on {name}, set {number} of {total}. Send it like " + EXAMPLE + ".",
    Awaiting.RIR: "How many more reps could you have done on that set? Send a number like 2.",
    Awaiting.START_WEIGHT: "We're on {name}: send the weight you'll start with, like 135.",
}


def _label(text: str) -> str:
    return text if len(text) <= _BUTTON_MAX else text[: _BUTTON_MAX - 1] + "…"


def ask(asked: OpenQuestion, current: str) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The question and its buttons: one per reading, and one to log nothing."""
    data = f"{PREFIX}:a:{asked.exercise_id}:{asked.set_number}"
    no = Button(
        BUTTON_NONE if len(asked.options) > 1 else BUTTON_NO,
        f"{PREFIX}:an:{asked.exercise_id}:{asked.set_number}",
    )
    first = asked.options[0]
    if asked.reason is Ask.WHICH_READING and len(asked.options) == 1:  # a reading to confirm
        return CONFIRM_SETS.format(echo=first.echo), (row(Button(BUTTON_YES, f"{data}:0"), no),)
    if asked.reason is Ask.WHICH_READING:
        picks = [Button(_label(o.echo), f"{data}:{i}") for i, o in enumerate(asked.options)]
        return WHICH_READING, (*(row(b) for b in picks), row(no))
    if asked.reason is Ask.OTHER_EXERCISE:
        named = get_exercise(first.exercise_key).name if first.exercise_key else ""
        text = f"{OTHER_EXERCISE.format(named=named, current=current)} ({first.echo})"
        yes = Button(_label(BUTTON_AS_CURRENT.format(current=current)), f"{data}:0")
        return text, (row(yes, no),)
    count = len(first.sets)
    yes = Button(BUTTON_YES_SETS.format(count=count) if count > 1 else BUTTON_YES, f"{data}:0")
    return CONFIRM_SETS.format(echo=first.echo), (row(yes, no),)


def nudge(intent: Intent, state: WorkoutState) -> str:
    """Greetings and chat: one friendly line pointing to the current step."""
    current = state.current
    step = _NUDGE[state.awaiting].format(
        name=get_exercise(current.exercise_key).name,
        number=state.working_number,
        total=current.sets,
    )
    return f"{_OPENER.get(intent, 'Noted.')} {step}"


def rest(state: WorkoutState) -> str:
    """'How long do I rest?'"""
    current = state.current
    return REST.format(
        rest=workout_texts.rest(current.rest_seconds), name=get_exercise(current.exercise_key).name
    )


def weight(state: WorkoutState) -> str:
    """'What weight?': today's load, or the start-weight question again in words."""
    current = state.current
    name = get_exercise(current.exercise_key).name
    if current.target is None:
        return START_WEIGHT.format(name=name)
    load = format_weight(current.target.weight, current.target.unit)
    return TODAY.format(name=name, load=load, reps=current.rep_range)
