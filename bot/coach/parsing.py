"""Read the short messages lifters send after a set: "225x6 @2", "6 reps, 2 left", "60 kg".

Rules worth knowing:

* ``A x B`` is weight x reps. Only when the unit sits on the second number
  ("5 x 100kg") is it reps x weight.
* ``N @ M`` puts a weight after the reps when M has a unit or is above 10; otherwise
  M is effort by the one @ rule of ``bot.coach.reading``: reps left (RIR) for 0-5 (the
  bot's own notation, "225x6 @2"), RPE for above 5 up to 10 ("200x5 @9" is RPE 9).
* RPE becomes reps left as ``floor(10 - RPE)``: RPE 8 -> 2, 10 -> 0, 9.5 -> 0, 8.5 -> 1.
  Rounding down is the cautious side: it never makes a set look easier than it was.
* A decimal comma is read as a decimal point ("102,5 kg"), so "6,2" is not reps then
  reps left; "6, 2" or "6 2" is.
* Invisible marks (zero-width spaces, direction marks) are dropped; 0 x 0 is no set.
* Anything else (signs, exponents, several loads, stray words) is refused with a hint,
  never guessed.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, auto

from bot.coach.errors import CoachError
from bot.coach.units import Unit, parse_unit

SET_REPORT_HINT = "Send reps like 6, or weight x reps like 225x6. Add reps left like 225x6, 2 left."
WEIGHT_HINT = "Send a weight like 135, 60 kg or 52.5 kg."
RIR_HINT = "Send how many more good reps you had in you, like 2 (0 if you failed)."

MAX_REPS = 100
MAX_RIR = 10
_MAX_WEIGHT: dict[Unit | None, Decimal] = {
    Unit.KG: Decimal(1000),
    Unit.LB: Decimal(2200),
    None: Decimal(2200),
}
_MAX_TEXT = 100
_MAX_WEIGHT_DECIMALS = 2
_BARE_RIR_LIMIT = 10
_AT_RIR_LIMIT = 5


class SetReportError(CoachError, ValueError):
    """Text the parsers cannot read; ``message`` says how to write it."""


@dataclass(frozen=True, slots=True)
class SetReport:
    """One set as the lifter reported it. Weight and unit are optional (unit needs weight)."""

    reps: int
    weight: Decimal | None = None
    unit: Unit | None = None
    rir: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.reps <= MAX_REPS:
            raise SetReportError(f"Reps go from 0 to {MAX_REPS}. {SET_REPORT_HINT}")
        if self.rir is not None:
            _check_rir(self.rir, SET_REPORT_HINT)
        if self.weight is None:
            if self.unit is not None:
                raise SetReportError(SET_REPORT_HINT)
        else:
            _check_weight(self.weight, self.unit, SET_REPORT_HINT)


def _check_rir(rir: int, hint: str) -> None:
    if not 0 <= rir <= MAX_RIR:
        raise SetReportError(f"Reps left go from 0 to {MAX_RIR}. {hint}")


def _check_weight(weight: Decimal, unit: Unit | None, hint: str) -> None:
    if not weight.is_finite() or not 0 <= weight <= _MAX_WEIGHT[unit]:
        raise SetReportError(f"Weights go up to 1000 kg or 2200 lb. {hint}")


class _Kind(Enum):
    NUM = auto()
    UNIT = auto()
    X = auto()
    AT = auto()
    FOR = auto()
    REPS = auto()
    RIR = auto()
    RPE = auto()
    LEFT = auto()
    FAIL = auto()
    NONE = auto()
    PLUS = auto()


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    text: str


_WORDS: dict[str, _Kind] = {
    "x": _Kind.X,
    "at": _Kind.AT,
    "for": _Kind.FOR,
    "rep": _Kind.REPS,
    "reps": _Kind.REPS,
    "rir": _Kind.RIR,
    "rpe": _Kind.RPE,
    "left": _Kind.LEFT,
    "spare": _Kind.LEFT,
    **dict.fromkeys(("fail", "failed", "failure", "failing"), _Kind.FAIL),
    **dict.fromkeys(("none", "no", "zero"), _Kind.NONE),
}
_SYMBOLS: dict[str, _Kind] = {"×": _Kind.X, "*": _Kind.X, "@": _Kind.AT, "+": _Kind.PLUS}
_IGNORED_WORDS = frozenset({"and"})
_PHRASES = (
    (re.compile(r"\b(?:reps? )?(?:left )?in (?:the )?(?:tank|reserve)\b"), " left "),
    (re.compile(r"\bto (?=fail)"), " "),
)
_TOKEN = re.compile(
    r"(?P<num>[0-9]+(?:[.,][0-9]+)?)|(?P<word>[a-z]+)|(?P<sym>[×*@#+])|(?P<sep>[\s,;]+)|(?P<bad>.)",
    re.DOTALL,
)


class _Tokens:
    """A cursor over the tokens of one message; every error carries the caller's hint."""

    def __init__(self, text: str, hint: str) -> None:
        self.hint = hint
        self.items = self._tokenize(text)
        self.pos = 0

    def fail(self, reason: str = "I couldn't read that.") -> SetReportError:
        return SetReportError(f"{reason} {self.hint}")

    def _tokenize(self, text: str) -> list[_Token]:
        if len(text) > _MAX_TEXT:
            raise self.fail("That's too long for one set.")
        visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
        plain = " ".join(unicodedata.normalize("NFKC", visible).casefold().split())
        for pattern, replacement in _PHRASES:
            plain = pattern.sub(replacement, plain)
        tokens: list[_Token] = []
        for found in _TOKEN.finditer(plain):
            group, value = found.lastgroup, found.group()
            if group == "num":
                tokens.append(_Token(_Kind.NUM, value))
            elif group in ("word", "sym") and value not in _IGNORED_WORDS:
                tokens.append(self._classify(value))
            elif group == "bad":
                raise self.fail()
        return tokens

    def _classify(self, value: str) -> _Token:
        if parse_unit(value) is not None:
            return _Token(_Kind.UNIT, value)
        kind = _WORDS.get(value) or _SYMBOLS.get(value)
        if kind is None:
            raise self.fail()
        return _Token(kind, value)

    def peek(self, kind: _Kind, ahead: int = 0) -> bool:
        index = self.pos + ahead
        return index < len(self.items) and self.items[index].kind is kind

    def take(self, kind: _Kind) -> _Token | None:
        if not self.peek(kind):
            return None
        self.pos += 1
        return self.items[self.pos - 1]

    def expect(self, kind: _Kind) -> _Token:
        token = self.take(kind)
        if token is None:
            raise self.fail()
        return token

    def unit(self) -> Unit | None:
        token = self.take(_Kind.UNIT)
        return None if token is None else parse_unit(token.text)

    def done(self) -> bool:
        return self.pos == len(self.items)

    def end(self) -> None:
        if not self.done():
            raise self.fail()

    def whole(self, token: _Token, limit: int, what: str) -> int:
        if not token.text.isdigit():
            raise self.fail(f"{what} are whole numbers.")
        if len(token.text) > len(str(limit)) or int(token.text) > limit:
            raise self.fail(f"{what} go from 0 to {limit}.")
        return int(token.text)

    def decimal(self, token: _Token, reason: str = "That weight looks off.") -> Decimal:
        _, _, fraction = token.text.replace(",", ".").partition(".")
        if len(fraction) > _MAX_WEIGHT_DECIMALS or len(token.text) > 10:
            raise self.fail(reason)
        return Decimal(token.text.replace(",", "."))

    def rpe(self, token: _Token) -> int:
        reason = "RPE goes from 1 to 10."
        value = self.decimal(token, reason)
        if not 1 <= value <= 10:
            raise self.fail(reason)
        return math.floor(10 - value)


def _effort(t: _Tokens) -> int | None:
    """Reps left in any of its spellings; None when the message says nothing about it."""
    if t.done():
        return None
    if t.take(_Kind.FAIL):
        return 0
    if t.take(_Kind.RPE):
        return t.rpe(t.expect(_Kind.NUM))
    at = bool(t.take(_Kind.AT))
    marked = bool(at or t.take(_Kind.RIR))
    if marked and t.take(_Kind.RPE):
        return t.rpe(t.expect(_Kind.NUM))
    if at and t.peek(_Kind.NUM) and Decimal(t.items[t.pos].text.replace(",", ".")) > _AT_RIR_LIMIT:
        return t.rpe(t.expect(_Kind.NUM))  # the one @ rule: @6 to @10 is RPE
    if t.take(_Kind.NONE):
        rir = 0
    else:
        number = t.expect(_Kind.NUM)
        if not marked and t.take(_Kind.RPE):
            return t.rpe(number)
        rir = t.whole(number, MAX_RIR, "Reps left")
    t.take(_Kind.PLUS)
    if t.take(_Kind.REPS):
        t.expect(_Kind.LEFT)
    elif not t.take(_Kind.LEFT):
        t.take(_Kind.RIR)
    return rir


def _weight_after_at(t: _Tokens) -> bool:
    """Is "@ M" a weight (M has a unit or is above 10) rather than reps left?"""
    if not (t.peek(_Kind.AT) and t.peek(_Kind.NUM, 1)):
        return False
    number = t.items[t.pos + 1].text.replace(",", ".")
    return t.peek(_Kind.UNIT, 2) or Decimal(number) > _BARE_RIR_LIMIT


def parse_set_report(text: str) -> SetReport:
    """Read one set report; raises only SetReportError, whose message shows an example."""
    t = _Tokens(text, SET_REPORT_HINT)
    if t.take(_Kind.FAIL):
        t.take(_Kind.AT)
        reps = t.whole(t.expect(_Kind.NUM), MAX_REPS, "Reps")
        t.take(_Kind.REPS)
        t.end()
        return SetReport(reps=reps, rir=0)
    first = t.expect(_Kind.NUM)
    first_unit = t.unit()
    weight_token: _Token | None = None
    unit: Unit | None = None
    if t.take(_Kind.X) or t.take(_Kind.FOR):
        second = t.expect(_Kind.NUM)
        second_unit = t.unit()
        t.take(_Kind.REPS)
        if second_unit is not None and first_unit is not None:
            raise t.fail()
        if second_unit is not None:
            first, second, unit = second, first, second_unit
        else:
            unit = first_unit
        weight_token, reps_token = first, second
    elif first_unit is not None:
        raise t.fail("How many reps?")
    else:
        reps_token = first
        t.take(_Kind.REPS)
        if _weight_after_at(t):
            t.expect(_Kind.AT)
            weight_token = t.expect(_Kind.NUM)
            unit = t.unit()
    reps = t.whole(reps_token, MAX_REPS, "Reps")
    weight = None if weight_token is None else t.decimal(weight_token)
    if reps == 0 and weight == 0:
        raise t.fail()
    rir = _effort(t)
    t.end()
    return SetReport(reps=reps, weight=weight, unit=unit, rir=rir)


def parse_rir(text: str) -> int:
    """Read an answer to "how many more reps could you have done?" ("2", "5+", "none")."""
    t = _Tokens(text, RIR_HINT)
    rir = _effort(t)
    t.end()
    if rir is None:
        raise t.fail()
    _check_rir(rir, RIR_HINT)
    return rir


def parse_weight(text: str) -> tuple[Decimal, Unit | None]:
    """Read a load such as "135", "60 kg" or "52,5kg"; the unit is None when not given."""
    t = _Tokens(text, WEIGHT_HINT)
    weight = t.decimal(t.expect(_Kind.NUM))
    unit = t.unit()
    t.end()
    _check_weight(weight, unit, WEIGHT_HINT)
    return weight, unit
