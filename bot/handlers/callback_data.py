"""Callback data: one strict parser for every button the coach sends.

Telegram hands back whatever callback data a client sends, so a lifter with a modified
client can press data the coach never made, in their own chat: reps in reserve of -3,
superscript digits (`"²".isdigit()` is true and `int("²")` fails), numbers too big for
the database. Each feature lists here the shapes its buttons have; a handler asks
`parse` first and answers "that button is out of date" to anything else, so what
reaches a service holds ASCII digits within bounds and words from a fixed alphabet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.coach.plans import MAX_SETS
from bot.coach.reading import MAX_REPS, MAX_RIR
from bot.services import history, plan, privacy, schedule, settings, transfer, workout

MAX_BYTES = 64  # Telegram's limit for callback data
BIGINT_MAX = 2**63 - 1  # ids are stored as BIGINT


@dataclass(frozen=True, slots=True)
class Whole:
    """A whole number written in ASCII digits, lo <= n <= hi."""

    lo: int
    hi: int

    def read(self, text: str) -> int | None:
        # Length first: int() of a long digit string is slow, and no bound needs it.
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(self.hi)):
            return None
        value = int(text)
        return value if self.lo <= value <= self.hi else None


@dataclass(frozen=True, slots=True)
class Word:
    """A word matching an ASCII pattern in full (a literal is a pattern too)."""

    pattern: str

    def read(self, text: str) -> str | None:
        return text if re.fullmatch(self.pattern, text, flags=re.ASCII) else None


Field = Whole | Word
Form = tuple[Field, ...]
Value = int | str


def literal(text: str) -> Word:
    """A fixed part, such as an action letter."""
    return Word(re.escape(text))


def parse(data: str | None, prefix: str, forms: Sequence[Form]) -> tuple[Value, ...] | None:
    """The values of `data` (`<prefix>:<part>:...`) read by the first form all its parts
    fit, or None when no form fits: forged, garbled, or from another version."""
    if data is None or len(data.encode()) > MAX_BYTES:
        return None
    head, *parts = data.split(":")
    if head != prefix:
        return None
    for form in forms:
        if len(form) != len(parts):
            continue
        values = [field.read(part) for field, part in zip(form, parts, strict=True)]
        if all(value is not None for value in values):
            return tuple(value for value in values if value is not None)
    return None


ID = Whole(1, BIGINT_MAX)  # a row id, or a Telegram user id
KEY = Word(r"[a-z][a-z0-9_]{0,39}")  # an exercise or plan slot key
SET_NUMBER = Whole(1, 100)
REPS = Whole(0, MAX_REPS)
RIR = Whole(0, MAX_RIR)
WEIGHT = Word(r"[0-9]{1,5}(\.[0-9]{1,3})?")

WORKOUT: tuple[Form, ...] = (
    (literal("r"), ID, SET_NUMBER, REPS),
    (literal("q"), ID, SET_NUMBER, RIR),
    (literal("p"), ID, SET_NUMBER, REPS),
    (literal("sw"), ID, WEIGHT),
    (literal("sw"), ID, WEIGHT, literal("y")),
    (literal("k"), ID),
    (literal("x"), ID),
    (literal("xs"), ID, KEY),
    (literal("a"), ID, SET_NUMBER, Whole(0, 2)),  # pick reading n of a question
    (literal("an"), ID, SET_NUMBER),  # none of the readings
    (literal("wd"), ID),
    (literal("wn"), ID),
)
PLAN: tuple[Form, ...] = (
    (literal("o"),),
    (literal("z"),),
    (literal("z"), literal("y")),
    (literal("s"), KEY),
    (literal("x"), KEY, KEY),
    (literal("keep"), KEY, KEY),
    (literal("n"), KEY, Whole(1, MAX_SETS)),
    (literal("r"), KEY, REPS, REPS),
    (literal("t"), KEY, Whole(0, 3600)),
)
SCHEDULE: tuple[Form, ...] = (
    (literal("o"), ID),
    (literal("d"), ID, Whole(0, schedule.ALL_DAYS_MASK)),
    (literal("n"), ID, Whole(0, schedule.ALL_DAYS_MASK)),
    (literal("t"), ID, Word(r"([01][0-9]|2[0-3])[0-5][0-9]")),
    (literal("z"), ID),
    (literal("w"), ID),
    (literal("u"), ID),
)
HISTORY: tuple[Form, ...] = ((ID, Whole(0, 2**31 - 1), Word(r"([a-z][a-z0-9_]{0,39})?")),)
TRANSFER: tuple[Form, ...] = (
    (ID, literal("ok"), Word(r"[0-9a-f]{16}")),
    (ID, literal("no")),
    (ID, literal("map"), Whole(0, 99)),
    (ID, literal("to"), Whole(0, 99), KEY),
    (ID, literal("back")),
)
PRIVACY: tuple[Form, ...] = ((ID, literal("yes")), (ID, literal("no")))
HOWTO: tuple[Form, ...] = ((KEY,),)
SETTINGS: tuple[Form, ...] = (
    (literal("u"), ID, Word(r"lb|kg")),
    (literal("z"), ID),
    (Word(r"[bpdc]"), ID, WEIGHT),
    (literal("w"), ID, Word(r"on|off")),
)

# Each feature's prefix and shapes, for handlers that serve several and for tests.
FEATURES: dict[str, tuple[Form, ...]] = {
    workout.PREFIX: WORKOUT,
    plan.PREFIX: PLAN,
    schedule.PREFIX: SCHEDULE,
    history.PREFIX: HISTORY,
    transfer.PREFIX: TRANSFER,
    privacy.PREFIX: PRIVACY,
    settings.PREFIX: SETTINGS,
    "h": HOWTO,  # bot.handlers.reference.PREFIX, which imports this module
}


def parse_any(data: str | None) -> tuple[str, tuple[Value, ...]] | None:
    """The feature prefix and values of data any feature could have sent, else None."""
    prefix = (data or "").partition(":")[0]
    forms = FEATURES.get(prefix)
    if forms is None:
        return None
    values = parse(data, prefix, forms)
    return None if values is None else (prefix, values)
