"""Read what a lifter texts between sets, the way a coach would, using what the bot waits for.

``read_message(text, context)`` never raises. It returns one of:

* ``SetsRead``: one clear reading of one set (several sets come as a ``Question``
  to confirm, because nothing is logged in bulk without a yes);
* ``EffortRead`` / ``WeightRead``: the answer to "how many more reps?" or "what weight?";
* ``Question``: two or more close readings (or one that needs a yes); store nothing
  until the lifter picks;
* ``IntentRead``: not a set but a request (form cues, skip, swap, undo, done, ...);
* ``Unreadable``: what was understood and what is missing.

How a set is read, so the results are predictable:

1. The text is cleaned (invisible marks dropped, number words made digits with
   text2num) and cut at commas into segments; a segment of only effort ("2 left")
   belongs to the one before it.
2. Effort is taken out first: ``rpe 8``, ``rir 2``, ``2 left``, ``2 in the tank``,
   ``could have done 2 more``, ``failure``. The one ``@`` rule: ``@N`` after a set is
   reps in reserve for N from 0 to 5 and RPE for N above 5 up to 10 (RPE 5 and 5 in
   reserve are the same effort); above 10, or with a unit, it is the weight.
3. The numbers left get every role assignment their joiners allow (weight, reps,
   sets, reps in reserve); each is scored by how usual that notation is and how well
   the numbers fit the context (load near the target, reps near the range).
4. One reading clearly ahead wins; close ones become a question.
"""

import functools
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import permutations

from text_to_num import alpha2digit

from bot.coach.catalog import RepRange
from bot.coach.lookup import find_exercise
from bot.coach.units import Unit, convert, format_weight, parse_unit

MAX_REPS = 100
MAX_RIR = 10
MAX_SETS = 20
MAX_WEIGHT: dict[Unit, Decimal] = {Unit.KG: Decimal(1000), Unit.LB: Decimal(2200)}
_MAX_TEXT = 300
_MAX_NUMBERS = 12
_CONFIDENT_RATIO = 2.0
_SURE_SCORE = 0.08  # below this even a lone reading is asked about
_MIN_SCORE = 0.004


class Waiting(StrEnum):
    """What the bot asked for last, which decides how a bare number is read."""

    SET = "set"
    RIR = "rir"
    START_WEIGHT = "start_weight"
    NOTHING = "nothing"
    """No workout going: sets are still read, and the caller decides what to do."""


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the bot is waiting for; every field is optional so any caller can build one."""

    exercise_key: str | None = None
    target_weight: Decimal | None = None
    target_unit: Unit | None = None
    rep_range: RepRange | None = None
    lifter_unit: Unit = Unit.LB
    waiting: Waiting = Waiting.SET

    @property
    def unit(self) -> Unit:
        """The unit a weight typed without one is in."""
        return self.target_unit or self.lifter_unit


@dataclass(frozen=True, slots=True)
class ReadSet:
    """One set as read. ``unit`` None means the lifter gave none (use the context's).

    ``rir`` is always filled when any effort was given: from RPE as floor(10 - RPE),
    the cautious side that never makes a set look easier than it was.
    """

    reps: int
    weight: Decimal | None = None
    unit: Unit | None = None
    rir: int | None = None
    rpe: Decimal | None = None
    warmup: bool = False

    @property
    def reps_in_reserve(self) -> int | None:
        """`rir` when given, else from RPE (a set made by hand may carry RPE alone)."""
        if self.rir is not None:
            return self.rir
        return None if self.rpe is None else max(0, rir_of_rpe(self.rpe))


def rir_of_rpe(rpe: Decimal) -> int:
    """Reps in reserve for an RPE, rounded down: RPE 8.5 is 1 left, never 2."""
    return math.floor(10 - rpe)


@dataclass(frozen=True, slots=True)
class SetsRead:
    """Sets read from one message, with the way they were read ("225 lb x 6, RPE 8 = 2 left")."""

    sets: tuple[ReadSet, ...]
    echo: str
    exercise_key: str | None = None
    """An exercise the message names that is not the current one (None: the current one)."""


@dataclass(frozen=True, slots=True)
class EffortRead:
    """An answer to "how many more reps could you have done?"."""

    rir: int
    rpe: Decimal | None
    echo: str


@dataclass(frozen=True, slots=True)
class WeightRead:
    """An answer to "what weight will you start with?"; unit None means the context's."""

    weight: Decimal
    unit: Unit | None
    echo: str


class Ask(StrEnum):
    """Why a question is asked instead of logging."""

    WHICH_READING = "which_reading"
    """Two or more readings fit about equally."""
    CONFIRM_SETS = "confirm_sets"
    """Several sets in one message: log them all only after a yes."""
    OTHER_EXERCISE = "other_exercise"
    """The message names another exercise than the current one."""


@dataclass(frozen=True, slots=True)
class Question:
    """Nothing is stored until the lifter picks one of ``options`` (best first)."""

    reason: Ask
    options: tuple[SetsRead, ...]


class Intent(StrEnum):
    """Plain-word requests, each doing what the matching command does."""

    HOWTO = "howto"
    SKIP = "skip"
    SWAP = "swap"
    UNDO = "undo"
    DONE = "done"
    NEXT = "next"
    REST = "rest"
    WEIGHT = "weight"
    GREETING = "greeting"
    CHAT = "chat"


@dataclass(frozen=True, slots=True)
class IntentRead:
    """A request; ``exercise_key``: the exercise it names (howto, swap to); ``query``: its words."""

    intent: Intent
    exercise_key: str | None = None
    query: str = ""


class Missing(StrEnum):
    """What an unreadable message lacks."""

    REPS = "reps"
    """A weight but no reps ("225 lb")."""
    NUMBERS = "numbers"
    """No numbers and no request we know."""
    EFFORT = "effort"
    """The bot asked for reps in reserve and got something else."""
    WEIGHT = "weight"
    """The bot asked for a starting weight and got something else."""
    SENSE = "sense"
    """Numbers that fit no set (out of range, too many, 0 x 0)."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """What was understood (notation, possibly empty) and what is missing."""

    missing: Missing
    understood: str = ""


Reading = SetsRead | EffortRead | WeightRead | Question | IntentRead | Unreadable


# -- echo ------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return f"{value.normalize() + 0:f}"


def echo_set(read: ReadSet, unit: Unit) -> str:
    """A set the way the bot says it back: "225 lb x 6, RPE 8 = 2 left"."""
    head = "warm-up " if read.warmup else ""
    if read.weight is None:
        text = f"{head}{read.reps} rep{'s' if read.reps != 1 else ''}"
    else:
        text = f"{head}{format_weight(read.weight, read.unit or unit)} x {read.reps}"
    if read.rpe is not None:
        text += f", RPE {_number(read.rpe)} = {read.rir} left"
    elif read.rir is not None:
        text += f", {read.rir} left"
    return text


def echo_sets(sets: Sequence[ReadSet], unit: Unit) -> str:
    """Several sets: "3 sets of 225 lb x 5", or each one when they differ."""
    if len(sets) > 1 and len(set(sets)) == 1:
        return f"{len(sets)} sets of {echo_set(sets[0], unit)}"
    return "; ".join(echo_set(s, unit) for s in sets)


# -- cleaning --------------------------------------------------------------------------

_UNIT_WORD = r"(?:kgs?|kilos?|kilograms?|lbs?|pounds?|#|k)"
_NUM = r"\d+(?:\.\d+)?"
_REPS_WORD = r"(?:reps?|rpes|repetitions?|r|times)"
_DIGIT = re.compile(r"\d")
_APOSTROPHE_IN_WORD = re.compile(r"[a-z]+'[a-z]+")

_CLEAN_STEPS: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    # (texts one of which the pattern needs: a cheap look skips it on most messages; none:
    # always run), pattern, replacement
    ((" and a half",), re.compile(r"(\d+) and a half\b"), r"\1.5"),
    (
        (",",),
        re.compile(rf"(\d+),(\d{{1,2}})(?=\s*(?:{_UNIT_WORD}|x|×|\*)(?![a-z]))"),
        r"\1.\2",
    ),  # "102,5 kg"
    (
        ("set",),
        re.compile(r"\bset\s*#?\s*\d+\s*[:.)-]"),
        " ",
    ),  # "Set 1: 175 lbs x 7" numbers the set
    (("w/",), re.compile(r"\bw/\s*"), " with "),
    ((), re.compile(r"[×*]"), " x "),
    (("-", "–"), re.compile(r"(\d)\s*(?:-|–)\s*(?=[a-z])"), r"\1 "),
    (
        ("st", "nd", "rd", "th"),
        re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"),
        " ",
    ),  # "1st set": a set number, not a count
    ((), re.compile(r"(?<=[\d.])(?=[a-z#@/])|(?<=[a-z#@/:])(?=\d)"), " "),
    ((), re.compile(r"[!?.]+(?=\s|$)|[\"'`~^()\[\]{}<>=_|\\]"), " "),
)


_NOT_A_COUNT = re.compile(
    r"\b(?:(this|that|the|last|next|which|other|another|each|every) one|(one)[\s-]arm)\b"
)


@functools.lru_cache(maxsize=4096)
def _shown(char: str) -> bool:
    """Letters, digits, punctuation and the signs sets are written with; not marks or emoji."""
    return unicodedata.category(char)[0] not in "CS" or char in "\n#*+×"


def _clean(text: str) -> str:
    """Casefold, drop invisible marks and emoji, turn number words into digits."""
    plain = unicodedata.normalize("NFKC", text)
    plain = "".join(filter(_shown, plain))
    plain = plain.replace("\n", " , ")  # one set a line, like a log
    plain = " ".join(plain.casefold().replace("’", "'").split())
    plain = _APOSTROPHE_IN_WORD.sub(lambda m: m.group().replace("'", ""), plain)
    plain = _NOT_A_COUNT.sub(lambda m: f"{m.group(1)} item" if m.group(1) else "onearm", plain)
    plain = alpha2digit(plain, "en", threshold=0)
    for needs, pattern, replacement in _CLEAN_STEPS:
        if not needs or any(text in plain for text in needs):
            plain = pattern.sub(replacement, plain)
    return " ".join(plain.split())


# -- effort ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Effort:
    rir: int
    rpe: Decimal | None = None


def _from_rpe(rpe: Decimal) -> _Effort | None:
    if not Decimal(1) <= rpe <= Decimal(10) or rpe * 2 != int(rpe * 2):
        return None
    return _Effort(rir=rir_of_rpe(rpe), rpe=rpe)


def _from_rir(value: Decimal) -> _Effort | None:
    if not 0 <= value <= MAX_RIR:
        return None
    return _Effort(rir=math.floor(value))


def _from_at(value: Decimal) -> _Effort | None:
    """The one @ rule: 0-5 is reps in reserve, above 5 up to 10 is RPE."""
    return _from_rir(value) if value <= 5 else _from_rpe(value)


_EFFORT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(?:@|\bat)?\s*\brpe\s*:?\s*@?\s*({_NUM})"), "rpe"),
    (re.compile(rf"\b({_NUM})\s*rpe\b"), "rpe"),
    (re.compile(rf"(?:@|\bat)?\s*\brir\s*:?\s*({_NUM})"), "rir"),
    (re.compile(rf"\b({_NUM})\s*\+?\s*rir\b"), "rir"),
    (
        re.compile(
            rf"\b(?:i\s+)?(?:could(?:ve| have)?|can|had)\s+(?:done|do|got|get|gotten)?\s*"
            rf"({_NUM})\s*\+?\s*more\b(?:\s+reps?)?"
        ),
        "rir",
    ),
    (
        re.compile(
            rf"\b({_NUM})\s*\+?\s*(?:more\s+)?(?:reps?\s+)?"
            r"(?:left|spare|more|in\s+reserve|in\s+(?:the\s+)?tank)"
            r"(?:\s+in\s+(?:the\s+)?tank|\s+in\s+reserve)?\b"
        ),
        "rir",
    ),
    (
        re.compile(
            r"\b(?:none|nothing|no\s+reps?|no\s+more|0)\s+"
            r"(?:left|more|spare|in\s+(?:the\s+)?tank|in\s+reserve)"
            r"(?:\s+in\s+(?:the\s+)?tank)?\b"
        ),
        "zero",
    ),
    (
        re.compile(
            r"\b(?:(?:to|till|until|til|hit|reached|went to)\s+)?"
            r"(?:fail(?:ure|ed|ing)?|technical failure|max effort)\b"
        ),
        "zero",
    ),
)
_FAILED_AT = re.compile(rf"\bfail(?:ed|ing)?\s+(?:at|on)\s+(?:rep\s+)?(\d+)(?:\s*{_REPS_WORD})?\b")
_AT_EFFORT = re.compile(
    rf"(?:@|\bat\b)\s*({_NUM})\s*(\+)?(?!\s*(?:{_UNIT_WORD}|sets?|reps?|x)\b)(?!\s*\d)"
)
_WARMUP = re.compile(r"\b(?:warm\s*-?\s*ups?|warming\s+up|wu|w)\b")
_EFFORT_WORD = re.compile(r"rpe|rir|more|left|spare|tank|reserve|fail|max effort")
"""A word every pattern above (and _FAILED_AT) needs: one look rules them all out."""


@dataclass(frozen=True, slots=True)
class _Segment:
    """One comma-separated part of a message, with effort and warm-up taken out."""

    text: str
    effort: _Effort | None = None
    effort_conflict: bool = False
    warmup: bool = False
    failed_reps: int | None = None


def _take_effort(text: str) -> _Segment:
    """Take every effort phrase out of a segment; two different ones are a conflict."""
    found: list[_Effort] = []
    failed_reps: int | None = None
    worded = _EFFORT_WORD.search(text) is not None  # most sets ("100x7 @2") give none
    match = _FAILED_AT.search(text) if worded else None
    if match:
        failed_reps = int(match.group(1))
        text = text[: match.start()] + " " + text[match.end() :]
        found.append(_Effort(rir=0))
    for pattern, kind in _EFFORT_PATTERNS if worded else ():
        while (match := pattern.search(text)) is not None:
            effort: _Effort | None
            if kind == "zero":
                effort = _Effort(rir=0)
            else:
                value = Decimal(match.group(1))
                effort = _from_rpe(value) if kind == "rpe" else _from_rir(value)
            found.append(effort if effort is not None else _Effort(rir=-1))
            text = text[: match.start()] + " " + text[match.end() :]
    # "@N" after a set: effort by the one @ rule (numbers before it make it "after a set").
    for match in list(_AT_EFFORT.finditer(text))[::-1]:
        value = Decimal(match.group(1))
        if value > 10 or not _DIGIT.search(text, 0, match.start()):
            continue
        effort = _from_at(value)
        found.append(effort if effort is not None else _Effort(rir=-1))
        text = text[: match.start()] + " " + text[match.end() :]
    text, warmups = _WARMUP.subn(" ", text)
    conflict = len({e.rir for e in found}) > 1 or any(e.rir < 0 for e in found)
    effort = max(found, key=lambda e: e.rpe is not None) if found and not conflict else None
    return _Segment(
        text=" ".join(text.split()),
        effort=effort,
        effort_conflict=conflict,
        warmup=warmups > 0,
        failed_reps=failed_reps,
    )


# -- numbers and their joiners ---------------------------------------------------------


class _Role(StrEnum):
    WEIGHT = "w"
    REPS = "r"
    SETS = "s"
    RIR = "rir"


@dataclass(frozen=True, slots=True)
class _Num:
    value: Decimal
    text: str
    unit: Unit | None = None
    forced: _Role | None = None
    joiner: str = ""  # what joins it to the number before: x, for, at, with, /, space


_JOINERS = {
    "x": "x",
    "by": "x",
    "for": "for",
    "at": "at",
    "@": "at",
    "with": "with",
    "/": "/",
    "of": "of",
}
_SOFT_WORDS = frozenset({"the", "a", "an", "my", "just", "about", "only", "total", "then"})
_NO_LOAD_WORDS = frozenset({"bar", "bw", "bodyweight", "body"})
_TOKEN = re.compile(rf"({_NUM})|([a-z]+|[#@/+-])")
_REPS_TOKEN = re.compile(_REPS_WORD)


@dataclass(frozen=True, slots=True)
class _Parsed:
    numbers: tuple[_Num, ...]
    words: tuple[str, ...]


def _numbers(text: str) -> _Parsed:
    """Numbers with their unit, role words ("reps", "sets") and joiners; other words kept."""
    numbers: list[_Num] = []
    words: list[str] = []
    joiner = ""
    pending_reps = False  # "sets of 5": the next number is reps
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    for index, token in enumerate(tokens):
        if token[0].isdigit():
            forced = _Role.REPS if pending_reps else None
            numbers.append(_Num(Decimal(token), token, None, forced, joiner or "space"))
            joiner, pending_reps = "", False
            continue
        after_number = index > 0 and tokens[index - 1][0].isdigit()
        unit = Unit.KG if token == "k" else parse_unit(token)  # "70k" in kilo logs
        if unit is not None and after_number and numbers[-1].unit is None:
            numbers[-1] = replace(numbers[-1], unit=unit, forced=_Role.WEIGHT)
        elif _REPS_TOKEN.fullmatch(token) and after_number:
            if numbers[-1].forced is None:
                numbers[-1] = replace(numbers[-1], forced=_Role.REPS)
        elif token in ("set", "sets") and after_number:
            numbers[-1] = replace(numbers[-1], forced=_Role.SETS)
            nxt = tokens[index + 1] if index + 1 < len(tokens) else ""
            pending_reps = nxt in ("of", "x", "for")
        elif token in _JOINERS:
            if not (token == "of" and pending_reps):
                joiner = _JOINERS[token]
        elif token in ("+", "-", "and") or token in _SOFT_WORDS:
            continue
        else:
            words.append(token)
            joiner = "word"  # "1e309": a word between two numbers joins nothing
    return _Parsed(tuple(numbers), tuple(words))


# -- candidate readings ----------------------------------------------------------------

# How usual each notation is: (joiner, role before, role after) -> prior.
_PAIR_PRIOR: dict[tuple[str, _Role, _Role], float] = {
    ("x", _Role.WEIGHT, _Role.REPS): 1.0,
    ("x", _Role.REPS, _Role.WEIGHT): 0.5,
    ("x", _Role.SETS, _Role.REPS): 0.8,
    ("x", _Role.REPS, _Role.SETS): 0.7,
    ("x", _Role.WEIGHT, _Role.SETS): 0.1,
    ("for", _Role.WEIGHT, _Role.REPS): 1.0,
    ("for", _Role.REPS, _Role.WEIGHT): 0.15,
    ("for", _Role.SETS, _Role.REPS): 0.3,
    ("for", _Role.WEIGHT, _Role.SETS): 0.8,
    ("at", _Role.REPS, _Role.WEIGHT): 1.0,
    ("at", _Role.WEIGHT, _Role.REPS): 0.1,
    ("with", _Role.REPS, _Role.WEIGHT): 1.0,
    ("with", _Role.WEIGHT, _Role.REPS): 0.1,
    ("/", _Role.WEIGHT, _Role.REPS): 1.0,
    ("/", _Role.REPS, _Role.WEIGHT): 0.3,
    ("/", _Role.REPS, _Role.RIR): 0.2,
    ("of", _Role.SETS, _Role.REPS): 1.0,
    ("of", _Role.REPS, _Role.WEIGHT): 0.8,
    ("space", _Role.WEIGHT, _Role.REPS): 0.9,
    ("space", _Role.REPS, _Role.RIR): 0.8,
    ("space", _Role.REPS, _Role.WEIGHT): 0.25,
    ("space", _Role.SETS, _Role.REPS): 0.1,
    ("space", _Role.WEIGHT, _Role.SETS): 0.5,
    ("space", _Role.REPS, _Role.SETS): 0.1,
}


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A reading with its score (notation prior x fit) and its fit to the context alone."""

    sets: tuple[ReadSet, ...]
    score: float
    fit: float


def _whole(value: Decimal, limit: int) -> int | None:
    if value != value.to_integral_value() or not 0 <= value <= limit:
        return None
    return int(value)


def _weight_fit(weight: Decimal, unit: Unit | None, context: ReadContext, warmup: bool) -> float:
    """How likely a load is, next to the target (or, with none, next to usual loads)."""
    if context.target_weight is not None and context.target_weight > 0:
        target_unit = context.target_unit or context.lifter_unit
        ratio = convert(weight, unit or context.unit, target_unit) / context.target_weight
        low = Decimal("0.2") if warmup else Decimal("0.45")
        if low <= ratio <= Decimal("1.6"):
            return 1.0
        if Decimal("0.1") <= ratio <= Decimal("2.5"):
            return 0.3
        return 0.03
    in_kg = convert(weight, unit or context.unit, Unit.KG)
    if in_kg < 2:
        return 0.05
    if in_kg < 5:
        return 0.25
    return 0.8


def _reps_fit(reps: int, context: ReadContext) -> float:
    """How likely a rep count is, next to the rep range (or usual counts)."""
    if reps == 0:
        return 0.2
    rep_range = context.rep_range
    if rep_range is not None:
        if rep_range.lo <= reps <= rep_range.hi:
            return 1.0
        gap = rep_range.lo - reps if reps < rep_range.lo else reps - rep_range.hi
        return max(0.05, 0.9 - 0.6 * gap / rep_range.hi)
    if reps <= 20:
        return 0.8
    return 0.3 if reps <= 30 else 0.05


def _rir_fit(rir: int) -> float:
    return 1.0 if rir <= 4 else 0.6 if rir == 5 else 0.05


def _sets_fit(sets: int) -> float:
    if 2 <= sets <= 6:
        return 1.0
    return 0.3 if sets == 1 else 0.6 if sets <= 8 else 0.2 if sets <= 10 else 0.03


def _prior(roles: Sequence[_Role], joiners: Sequence[str]) -> float:
    """Product of pair priors over neighbours; role pairs with numbers between count as far."""
    score = 1.0
    for before, after in zip(range(len(roles)), range(1, len(roles)), strict=False):
        pair = (joiners[after], roles[before], roles[after])
        score *= _PAIR_PRIOR.get(pair, 0.0)
    for index in range(1, len(roles)):
        if roles[index - 1 : index + 1] == (_Role.REPS, _Role.SETS) and (
            index == 1 or joiners[index - 1] != "x"
        ):
            score *= 0.3  # "5x3" or "315 3x5" is rarely reps x sets; "225x5x3" is
    return score


def _assignments(forced: Sequence[_Role | None]) -> Iterator[tuple[_Role, ...]]:
    """Every way to give the numbers distinct roles that keeps forced roles."""
    pool = (_Role.WEIGHT, _Role.REPS, _Role.SETS, _Role.RIR)
    for roles in permutations(pool, len(forced)):
        if _Role.REPS not in roles:
            continue
        if _Role.RIR in roles and roles.index(_Role.RIR) < roles.index(_Role.REPS):
            continue  # reps in reserve follow the reps they qualify
        if all(f in (None, role) for f, role in zip(forced, roles, strict=True)):
            yield roles


@functools.lru_cache(maxsize=1024)
def _scored_assignments(
    forced: tuple[_Role | None, ...], joiners: tuple[str, ...]
) -> tuple[tuple[tuple[_Role, ...], float], ...]:
    """The assignments worth building, with their priors.

    They depend only on the notation's shape (forced roles and joiners), which few
    messages vary, so they are kept rather than worked out for every message.
    """
    out = []
    for roles in _assignments(forced):
        prior = _prior(roles, joiners) if len(forced) > 1 else 1.0
        if all(f is not None for f in forced):
            prior = max(prior, 1.0)
        if prior > 0:
            out.append((roles, prior))
    return tuple(out)


def _read_segment(
    segment: _Segment, numbers: Sequence[_Num], context: ReadContext
) -> list[_Candidate]:
    """Every reading of one segment's numbers, scored."""
    effort = segment.effort
    if segment.failed_reps is not None:
        numbers = [*numbers, _Num(Decimal(segment.failed_reps), "", None, _Role.REPS, "x")]
    if not numbers or len(numbers) > 4:
        return []
    out: list[_Candidate] = []
    shape = tuple(n.forced for n in numbers), tuple(n.joiner for n in numbers)
    for roles, prior in _scored_assignments(*shape):
        values = dict(zip(roles, numbers, strict=True))
        candidate = _build(values, segment, effort, context, prior)
        if candidate is not None:
            out.append(candidate)
    return out


def _build(
    values: dict[_Role, _Num],
    segment: _Segment,
    effort: _Effort | None,
    context: ReadContext,
    prior: float,
) -> _Candidate | None:
    reps = _whole(values[_Role.REPS].value, MAX_REPS)
    if reps is None:
        return None
    score = _reps_fit(reps, context)
    weight: Decimal | None = None
    unit: Unit | None = None
    if _Role.WEIGHT in values:
        weight, unit = values[_Role.WEIGHT].value, values[_Role.WEIGHT].unit
        if not _fits_weight(weight, unit, context):
            return None
        if weight == 0 and reps == 0:
            return None
        score *= _weight_fit(weight, unit, context, segment.warmup) if weight else 0.1
    count = 1
    if _Role.SETS in values:
        sets = _whole(values[_Role.SETS].value, MAX_SETS)
        if sets is None or sets == 0:
            return None
        count = sets
        score *= _sets_fit(sets)
    if _Role.RIR in values:
        if effort is not None:
            return None
        rir = _whole(values[_Role.RIR].value, MAX_RIR)
        if rir is None:
            return None
        effort = _Effort(rir=rir)
        score *= _rir_fit(rir)
    one = ReadSet(
        reps=reps,
        weight=weight,
        unit=unit,
        rir=None if effort is None else effort.rir,
        rpe=None if effort is None else effort.rpe,
        warmup=segment.warmup,
    )
    return _Candidate((one,) * count, prior * score, score)


def _best_per_reading(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Same sets read two ways count once, at their best score; best first."""
    best: dict[tuple[ReadSet, ...], _Candidate] = {}
    for c in candidates:
        kept = best.get(c.sets)  # one look: hashing sets is much of the cost here
        if kept is None or kept.score < c.score:
            best[c.sets] = c
    return sorted(best.values(), key=lambda c: -c.score)


def _combine(parts: Sequence[list[_Candidate]], context: ReadContext) -> list[_Candidate]:
    """Several segments, each its own set(s): the best of each, weights carried forward."""
    sets: list[ReadSet] = []
    score = fit = 1.0
    weight: tuple[Decimal, Unit | None] | None = None
    for part in parts:
        if not part:
            return []
        top = _best_per_reading(part)
        head = top[0]
        if len(top) > 1 and top[1].score * _CONFIDENT_RATIO > head.score:
            score *= 0.5  # one unsure part makes the whole unsure
        for one in head.sets:
            if one.weight is None and weight is not None:
                one = replace(one, weight=weight[0], unit=weight[1])
            elif one.weight is not None:
                weight = (one.weight, one.unit)
            sets.append(one)
        score *= head.score
        fit = min(fit, head.fit)
    if len(sets) > MAX_SETS:
        return []
    first = next(((s.weight, s.unit) for s in sets if s.weight is not None), None)
    if first is not None:  # "5,4 @ 150kg": the load given last holds for the sets before it
        sets = [replace(s, weight=first[0], unit=first[1]) if s.weight is None else s for s in sets]
    if any(s.reps == 0 and s.weight == 0 for s in sets):
        return []  # 0 x 0 is no set, however it was spelled
    return [_Candidate(tuple(sets), score ** (1 / len(parts)), fit)]


# -- intents ---------------------------------------------------------------------------

_INTENT_PATTERNS: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.REST,
        re.compile(
            r"\b(?:how long|how much|how many (?:min|minutes|seconds))\b.*\brest|"
            r"\brest(?:ing)? (?:time|period|length)|^rest$|^rest how long|"
            r"\bhow long (?:between|till|until|before)\b"
        ),
    ),
    (
        Intent.WEIGHT,
        re.compile(
            r"\b(?:what|which|how much) (?:weight|load)|\bhow heavy\b|^weight$|"
            r"\bwhat should i (?:lift|load|use)\b"
        ),
    ),
    (
        Intent.NEXT,
        re.compile(
            r"\bwhats? (?:is )?next\b|\bwhat now\b|\bwhat do i do (?:now|next)\b|^next$|"
            r"\bwhat(?:s| is) the next\b|\bnext set\b"
        ),
    ),
    (
        Intent.UNDO,
        re.compile(
            r"\bundo\b|\bthat was wrong\b|\bwrong\b|\bmistake\b|\boops\b|\btypo\b|"
            r"\b(?:delete|remove|scratch|cancel) (?:that|the last|last|my last)\b|"
            r"\bdidnt mean\b|\bnot what i (?:meant|did)\b"
        ),
    ),
    (
        Intent.SWAP,
        re.compile(
            r"\b(?:swap|switch|substitute|sub|replace|change)\b|\binstead\b|"
            r"\b(?:cant|can not|cannot) do (?:this|that|it)\b|\bnot available\b|\btaken\b"
        ),
    ),
    (
        Intent.SKIP,
        re.compile(r"\bskip\b|\bpass\b|\bnext exercise\b|\bmove on\b|\bskipping\b"),
    ),
    (
        Intent.DONE,
        re.compile(
            r"\b(?:im |i am |we are |were |all )?(?:done|finished)\b|\bfinish\b|"
            r"\bend (?:the |my )?(?:workout|session)\b|\bcall it (?:a day|quits)\b|"
            r"\bthats it\b|\bstop(?: the)? workout\b|^stop$|^end$|\bwrap (?:it )?up\b"
        ),
    ),
    (
        Intent.HOWTO,
        re.compile(
            r"\bhow (?:do|should|to|can) (?:i |you )?(?:do|perform|execute)?\b|\bform\b|"
            r"\bcues?\b|\btechnique\b|\bhow to\b|\bexplain\b|\bshow me\b|\btips? (?:on|for)\b"
        ),
    ),
    (
        Intent.GREETING,
        re.compile(
            r"^(?:hi+|hello+|hey+|yo+|hiya|howdy|sup|good (?:morning|afternoon|evening)|"
            r"whats up|morning|evening)\b"
        ),
    ),
    (
        Intent.CHAT,
        re.compile(
            r"^(?:thanks?|thank you|thx|ty|ok(?:ay)?|k|cool|nice|great|lets go|ugh+|"
            r"phew|oof|lol|haha|yes|yeah|yep|no|nope|sure|alright|got it|will do|"
            r"easy|hard|tough|brutal|heavy|light)\b"
        ),
    ),
)
_INTENT_FILLER = re.compile(
    r"\b(?:please|pls|plz|coach|bot|the|a|an|this|that|one|it|for|to|with|on|of|do|i|me|"
    r"my|now|today|for today|exercise|lift|movement|again|instead|how|what|whats|is|can|"
    r"should|form|cues?|technique|swap|switch|skip|perform|execute|explain|show|tips?|"
    r"replace|change|sub|substitute|go|done|item)\b"
)


def _named(query: str, coached_only: bool = False) -> str | None:
    """The key of the lift a phrase names with confidence (coached or not), else None."""
    found = find_exercise(query) if query else None
    if found is None:
        return None
    if found.other is not None and not coached_only:
        return found.other.key
    return None if found.exercise is None else found.exercise.key


_SWAP_TO = re.compile(r"\b(?:for|to|with|into|do|try)\b(?!.*\b(?:for|to|with|into|do|try)\b)(.*)")


def _swap_target(plain: str) -> str:
    """The lift a swap asks for: "swap for cable row", "can I do seal rows instead".

    "the rack is taken" names the lift to leave, not the one to do, so it gives none.
    """
    match = _SWAP_TO.search(plain.replace("instead", " "))
    return " ".join(_INTENT_FILLER.sub(" ", match.group(1)).split()) if match else ""


def _read_intent(text: str, context: ReadContext) -> IntentRead | None:
    plain = " ".join(re.sub(r"[^a-z0-9 ]", " ", text).split())
    for intent, pattern in _INTENT_PATTERNS:
        if pattern.search(plain):
            query = " ".join(_INTENT_FILLER.sub(" ", plain).split())
            named = _swap_target(plain) if intent is Intent.SWAP else query
            key = (
                _named(named, coached_only=True) if intent in (Intent.HOWTO, Intent.SWAP) else None
            )
            if intent is Intent.HOWTO and key is None and not query:
                key = context.exercise_key
            return IntentRead(intent, key, query)
    found = find_exercise(plain)
    if found.is_match or found.other is not None:  # "facepull?" asks how to do it
        key = None if found.exercise is None else found.exercise.key
        return IntentRead(Intent.HOWTO, key, plain)
    return None


# -- the reader ------------------------------------------------------------------------


_SEGMENT_END = re.compile(r"\s*[,;\n]\s*|\s+then\s+|\s+and then\s+")


def _segments(cleaned: str) -> list[_Segment]:
    """Cut at commas, semicolons and line breaks; effort-only parts join the set before."""
    out: list[_Segment] = []
    for raw in _SEGMENT_END.split(cleaned):
        segment = _take_effort(raw)
        has_numbers = bool(_DIGIT.search(segment.text)) or segment.failed_reps is not None
        if out and not has_numbers:
            last = out[-1]
            if segment.effort_conflict or (
                last.effort and segment.effort and last.effort.rir != segment.effort.rir
            ):
                last = replace(last, effort=None, effort_conflict=True)
            out[-1] = replace(
                last,
                effort=last.effort or segment.effort,
                warmup=last.warmup or segment.warmup,
                text=f"{last.text} {segment.text}".strip(),
            )
        else:
            out.append(segment)
    return out


def _options(candidates: list[_Candidate], context: ReadContext, key: str | None) -> Reading:
    ranked = _best_per_reading(candidates)
    ranked = [c for c in ranked if c.score >= _MIN_SCORE]
    if not ranked:
        return Unreadable(Missing.SENSE)
    head = ranked[0]
    close = [c for c in ranked if c.score * _CONFIDENT_RATIO > head.score][:3]
    options = tuple(SetsRead(c.sets, echo_sets(c.sets, context.unit), key) for c in close)
    if len(options) > 1 or head.fit < _SURE_SCORE:
        return Question(Ask.WHICH_READING, options)
    if key is not None:
        return Question(Ask.OTHER_EXERCISE, options)
    if len(head.sets) > 1:
        return Question(Ask.CONFIRM_SETS, options)
    return options[0]


def _fits_weight(value: Decimal, unit: Unit | None, context: ReadContext) -> bool:
    """A load that can be on a bar: up to the unit's limit, at most two decimals."""
    exponent = value.as_tuple().exponent
    return (
        isinstance(exponent, int) and exponent >= -2 and value <= MAX_WEIGHT[unit or context.unit]
    )


def _single_number(segment: _Segment, parsed: _Parsed, context: ReadContext) -> Reading | None:
    """The answers to a question the bot asked: reps in reserve, or a starting weight."""
    if context.waiting is Waiting.RIR:
        if segment.effort is not None and not parsed.numbers:
            e = segment.effort
            return EffortRead(e.rir, e.rpe, _effort_text([segment]))
        if segment.text in ("none", "nothing", "no", "nope", "no more", "none left"):
            return EffortRead(0, None, "0 left")
        if len(parsed.numbers) == 1 and segment.effort is None:
            number = parsed.numbers[0]
            at = _from_at(number.value) if number.joiner == "at" else None
            if at is not None:
                return EffortRead(at.rir, at.rpe, _effort_text([replace(segment, effort=at)]))
            rir = _whole(number.value, MAX_RIR) if number.forced is None else None
            if rir is not None:
                return EffortRead(rir, None, f"{rir} left")
    if context.waiting is Waiting.START_WEIGHT and len(parsed.numbers) == 1:
        number = parsed.numbers[0]
        unit = number.unit
        if number.forced in (None, _Role.WEIGHT) and _fits_weight(number.value, unit, context):
            weight = number.value
            return WeightRead(weight, unit, format_weight(weight, unit or context.unit))
    return None


_SPOKEN_NUMBERS = re.compile(r"\d \d")


def _read(text: str, context: ReadContext) -> Reading:
    if len(text) > _MAX_TEXT:
        return Unreadable(Missing.SENSE)
    cleaned = _clean(text)
    if not _DIGIT.search(text) and _SPOKEN_NUMBERS.search(cleaned):
        return Unreadable(Missing.SENSE)  # "two twenty five": spoken loads are not guessed
    segments = _segments(cleaned)
    parts = [(_numbers(s.text), s) for s in segments]
    if len(segments) == 1:
        answer = _single_number(segments[0], parts[0][0], context)
        if answer is not None:
            return answer
    total = sum(len(p.numbers) for p, _ in parts) + sum(s.failed_reps is not None for s in segments)
    if total == 0:
        if any(s.effort for s in segments):
            return Unreadable(Missing.REPS, understood=_effort_text(segments))
        intent = _read_intent(cleaned, context)
        if intent is not None:
            return intent
        missing = {Waiting.RIR: Missing.EFFORT, Waiting.START_WEIGHT: Missing.WEIGHT}
        if not re.search(r"[a-z]", cleaned):
            return IntentRead(Intent.CHAT)  # emoji and punctuation only
        return Unreadable(missing.get(context.waiting, Missing.NUMBERS))
    if total > _MAX_NUMBERS or any(s.effort_conflict for s in segments):
        return Unreadable(Missing.SENSE)
    words = tuple(w for p, _ in parts for w in p.words)
    if _NO_LOAD_WORDS & set(words) and "barbell" not in words:
        return Unreadable(Missing.WEIGHT)  # "bar x 5": how heavy is the bar?
    key = _named(" ".join(words))
    other = key if key is not None and key != context.exercise_key else None
    readings = [_read_segment(s, p.numbers, context) for p, s in parts]
    if len(parts) == 1:
        candidates = readings[0] + _as_list(segments[0], context)
    else:
        candidates = _combine(readings, context)
        if len(parts) == 2 and len(parts[1][0].numbers) == 1 and not segments[1].effort:
            joined = replace(segments[0], text=f"{segments[0].text} {segments[1].text}")
            candidates += _read_segment(joined, _numbers(joined.text).numbers, context)
    if not candidates:
        return _what_was_understood(parts, context)
    return _options(candidates, context, other)


_BETWEEN_NUMBERS = re.compile(r"(?<=\d)\s*/\s*(?=\d)|(?<=\d)\s+(?=\d)")


def _as_list(segment: _Segment, context: ReadContext) -> list[_Candidate]:
    """ "8 8 7", "8/8/7 @ 135" or "225x6 225x5" read as one set a piece, beside the others."""
    pieces = _BETWEEN_NUMBERS.split(segment.text)
    if len(pieces) < 2 or (
        len(pieces) == 2 and not all(len(_numbers(piece).numbers) > 1 for piece in pieces)
    ):
        return []  # two pieces are a list only as two whole sets: "225x6 225x6"
    parts = [replace(segment, text=piece) for piece in pieces]
    return _combine([_read_segment(p, _numbers(p.text).numbers, context) for p in parts], context)


def _effort_text(segments: Sequence[_Segment]) -> str:
    effort = next(s.effort for s in segments if s.effort)
    if effort.rpe is not None:
        return f"RPE {_number(effort.rpe)} = {effort.rir} left"
    return f"{effort.rir} left"


def _what_was_understood(
    parts: Sequence[tuple[_Parsed, _Segment]], context: ReadContext
) -> Reading:
    """No set fits: a lone load is a set missing its reps; anything else makes no sense."""
    numbers = [n for p, _ in parts for n in p.numbers]
    if len(numbers) == 1 and numbers[0].forced in (None, _Role.WEIGHT):
        n = numbers[0]
        if _fits_weight(n.value, n.unit, context) and (n.value > MAX_REPS or n.unit):
            return Unreadable(Missing.REPS, format_weight(n.value, n.unit or context.unit))
    return Unreadable(Missing.SENSE)


def read_message(text: str, context: ReadContext = ReadContext()) -> Reading:
    """Read one message against what the bot waits for. Never raises."""
    try:
        return _read(text if isinstance(text, str) else "", context)
    except (ArithmeticError, InvalidOperation, ValueError, RecursionError):
        return Unreadable(Missing.SENSE)


__all__ = [
    "Ask",
    "EffortRead",
    "Intent",
    "IntentRead",
    "Missing",
    "Question",
    "ReadContext",
    "ReadSet",
    "Reading",
    "SetsRead",
    "Unreadable",
    "Waiting",
    "WeightRead",
    "echo_set",
    "echo_sets",
    "read_message",
]
