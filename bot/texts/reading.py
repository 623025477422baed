"""What the coach says about how it read a message: logged, asked, or not understood.

One short line each, never the whole set prompt again. The reader (``bot.coach.reading``)
decides; these lines only say it.
"""

from __future__ import annotations

from bot.coach.reading import Ask, Missing, Question, SetsRead, Unreadable

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
