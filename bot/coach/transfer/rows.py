"""One CSV row to one set: cell parsing, the per-app readers, set numbers, fingerprints.

* Instants. ``ImportedSet.performed_at`` is aware and in UTC. Strong and Hevy files
  carry naive local times, read in the lifter's zone (a time repeated by a
  daylight-saving change reads as its first occurrence). They record only when the
  workout started, so every set of a workout gets that instant. Our format writes the
  UTC offset of every row, so it reads back to the same instant in any zone.
* Set numbers are 1-based per exercise per workout. For Strong and Hevy it is the
  row's position among the rows of that exercise in that workout, warm-ups included
  (Strong's counter skips warm-ups and Hevy's restarts per block). Ours stores it.
* Not sets: cardio rows (no reps; or 0 reps with a distance or time), Strong's rest
  timer rows ("Rest Timer", "Ruhezeit": a set order that is no set), and empty
  placeholders (no weight and no reps). They are counted as skipped, not as problems.
* Fingerprints: a sha256 (first 32 hex digits) of the instant (UTC, whole seconds),
  the exercise (catalog key when matched, else the case-folded name), set number,
  weight (to 0.01), unit, reps and warm-up flag. The key rather than the name makes an
  import of our own export fingerprint like the original Strong or Hevy file did.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Final

from bot.coach.catalog import get_exercise
from bot.coach.lookup import find_exercise
from bot.coach.timing import parse_offset
from bot.coach.transfer.dates import parse_datetime
from bot.coach.transfer.headers import UNIT_WORDS, Header
from bot.coach.transfer.messages import (
    MSG_BAD_DATE,
    MSG_BAD_FLAG,
    MSG_BAD_SET_ORDER,
    MSG_BAD_TIMEZONE,
    MSG_BAD_UNIT,
    MSG_DATE_RANGE,
    MSG_NO_EXERCISE,
    MSG_NOT_NUMBER,
    MSG_NOT_WHOLE,
    MSG_RANGE,
)
from bot.coach.transfer.model import (
    MAX_REPS,
    MAX_WEIGHT,
    ImportedSet,
    ImportFormat,
    ImportFormatError,
    RowProblem,
)
from bot.coach.units import Unit, parse_unit

_MAX_SET_NUMBER: Final = 1000
_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 2200
CENT: Final = Decimal("0.01")
_STORED: Final = Decimal("0.0001")  # what the database keeps (Numeric(10, 4))
_STORED_PLACES: Final = -4
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_UNGUARD = re.compile(r"'+[=+\-@\t\r]")
_TRUE: Final = frozenset({"yes", "y", "true", "1", "w", "warmup", "warm-up"})
_FALSE: Final = frozenset({"", "no", "n", "false", "0"})
# Strong writes W/D/F; some exports spell them out.
_WARMUP_ORDERS: Final = frozenset({"W", "WARM_UP", "WARMUP"})
_FAILURE_ORDERS: Final = frozenset({"F", "FAILURE"})
_DROP_ORDERS: Final = frozenset({"D", "DROP", "DROP_SET", "DROPSET"})


def unguard(text: str) -> str:
    """Undo the export's formula guard (a leading apostrophe before = + - @)."""
    return text[1:] if _UNGUARD.match(text) else text


def shorten(value: str, limit: int = 30) -> str:
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def plain_number(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 100, 72.5, 0."""
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def exercise_key_for(name: str) -> str | None:
    """Which of our lifts an app's exercise name is, or None.

    The one place an import names a lift, so the lookup's rules (equipment in the name
    decides) apply to every file.
    """
    result = find_exercise(name)
    exercise = result.exercise
    return exercise.key if result.is_match and exercise is not None else None


@dataclass(slots=True)
class Row:
    """One data record with the helpers that turn its cells into values."""

    line: int
    cells: list[str]
    columns: Mapping[str, int]
    decimal_comma: bool

    def raw(self, name: str) -> str:
        index = self.columns.get(name)
        return "" if index is None else self.cells[index]

    def text(self, name: str) -> str:
        return self.raw(name).strip()

    def fail(self, template: str, **values: object) -> ImportFormatError:
        return ImportFormatError(template.format(line=self.line, **values), self.line)

    def decimal(self, name: str, label: str) -> Decimal | None:
        """The cell as a finite Decimal, or None when empty."""
        text = self.text(name)
        if not text:
            return None
        candidate = text
        if self.decimal_comma and "," in candidate and "." not in candidate:
            candidate = candidate.replace(",", ".", 1)
        if len(candidate) > 40 or not _NUMBER.fullmatch(candidate):
            raise self.fail(MSG_NOT_NUMBER, label=label, value=shorten(text))
        return Decimal(candidate)

    def integer(self, name: str, label: str, lo: int, hi: int) -> int | None:
        """The cell as a whole number in ``lo..hi`` ("8.0" counts), or None."""
        number = self.decimal(name, label)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise self.fail(MSG_NOT_WHOLE, label=label, value=shorten(self.text(name)))
        if not lo <= number <= hi:
            raise self.fail(
                MSG_RANGE, label=label, value=shorten(self.text(name)), lo=lo, hi=hi, unit=""
            )
        return int(number)

    def reps(self, name: str) -> int | None:
        return self.integer(name, "number of reps", 0, MAX_REPS)

    def weight(self, name: str, unit: Unit) -> Decimal:
        """The weight as stored, to 0.0001 (apps write 74.99999999999999); empty is 0."""
        weight = self.decimal(name, "weight")
        if weight is None:
            return Decimal(0)
        if not 0 <= weight <= MAX_WEIGHT[unit]:
            raise self.fail(
                MSG_RANGE,
                label="weight",
                value=shorten(self.text(name)),
                lo=0,
                hi=MAX_WEIGHT[unit],
                unit=f" {unit.value}",
            )
        exponent = weight.as_tuple().exponent
        if isinstance(exponent, int) and exponent < _STORED_PLACES:
            weight = weight.quantize(_STORED, ROUND_HALF_EVEN)
        return weight + 0  # drops a negative zero's sign

    def rir_from_rpe(self, name: str) -> int | None:
        rpe = self.decimal(name, "RPE")
        if rpe is None:
            return None
        return clamp_rir((10 - rpe).to_integral_value(ROUND_FLOOR))

    def unit(self, name: str, default: Unit) -> Unit:
        text = self.text(name)
        if not text:
            return default
        unit = UNIT_WORDS.get(text.casefold()) or parse_unit(text)
        if unit is None:
            raise self.fail(MSG_BAD_UNIT, value=shorten(text))
        return unit

    def flag(self, name: str) -> bool:
        text = self.text(name).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.fail(MSG_BAD_FLAG, value=shorten(self.text(name)))

    def local_datetime(self, name: str, zone: tzinfo) -> datetime:
        """The cell's date and time in UTC; naive times are read in ``zone``."""
        text = self.text(name)
        parsed = parse_datetime(text)
        if parsed is None:
            raise self.fail(MSG_BAD_DATE, value=shorten(text))
        naive, offset = parsed
        return self.to_utc(naive, offset or zone, text)

    def to_utc(self, naive: datetime, zone: tzinfo, text: str) -> datetime:
        if not _MIN_YEAR <= naive.year <= _MAX_YEAR:
            raise self.fail(MSG_DATE_RANGE, value=shorten(text))
        try:
            return naive.replace(tzinfo=zone).astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise self.fail(MSG_DATE_RANGE, value=shorten(text)) from error

    def exercise_name(self, column: str, *, guarded: bool) -> str:
        name = self.text(column)
        if guarded:
            name = unguard(name).strip()
        if not name:
            raise self.fail(MSG_NO_EXERCISE)
        return name

    def is_not_a_set(self, reps_column: str, weight_column: str, *others: tuple[str, str]) -> bool:
        """Cardio (no reps; 0 reps with a distance or time) or an empty placeholder
        (0 or no weight and 0 or no reps)."""
        reps = self.reps(reps_column)
        if reps:
            return False
        if reps is None:
            return True
        for column, label in others:
            value = self.decimal(column, label)
            if value is not None and value != 0:
                return True
        weight = self.decimal(weight_column, "weight")
        return weight is None or weight == 0


def clamp_rir(value: Decimal | int) -> int:
    return int(min(max(value, 0), 10))


def _fingerprint(
    performed_at: datetime,
    ident: str,
    set_number: int,
    weight: Decimal,
    unit: Unit,
    reps: int,
    warmup: bool,
) -> str:
    parts = (
        performed_at.astimezone(UTC).replace(microsecond=0).isoformat(),
        ident,
        str(set_number),
        plain_number(weight.quantize(CENT, ROUND_HALF_EVEN)),
        unit.value,
        str(reps),
        "1" if warmup else "0",
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def set_fingerprint(
    performed_at: datetime,
    exercise_key: str,
    set_number: int,
    weight: Decimal,
    unit: Unit,
    reps: int,
    *,
    warmup: bool = False,
) -> str:
    """The print a set of a catalog exercise imports with, for sets the coach logs itself:
    same set, same print, so importing our own export back adds nothing."""
    return _fingerprint(performed_at, f"key:{exercise_key}", set_number, weight, unit, reps, warmup)


@dataclass(frozen=True, slots=True)
class Fields:
    """What a format-specific reader extracts from one row."""

    performed_at: datetime
    group: tuple[str, ...]
    workout_name: str
    exercise_name: str
    key_hint: str
    set_number: int | None
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None
    warmup: bool
    notes: str


class Reader:
    """Shared state of one parse: header, exercise matching, set numbering, results."""

    def __init__(
        self,
        header: Header,
        default_unit: Unit,
        zone: tzinfo,
        mapping: Mapping[str, str] | None = None,
    ) -> None:
        self.format: ImportFormat = header.format
        self.mapping = mapping or {}
        self.header = header
        self.default_unit = header.weight_unit or default_unit
        self.zone = zone
        self.read: Callable[[Row, Reader], Fields | None] = READERS[header.format]
        self.unmatched: dict[str, None] = {}
        self.problems: list[RowProblem] = []
        self.skipped = 0
        self._keys: dict[str, str | None] = {}
        self._known_keys: dict[str, bool] = {}
        self._counters: dict[tuple[tuple[str, ...], str], int] = {}

    def take(self, row: Row) -> ImportedSet | None:
        """Read one row: a set, or None for a skip or a problem (both counted here)."""
        try:
            fields = self.read(row, self)
        except ImportFormatError as problem:
            self.problems.append(RowProblem(row.line, problem.message))
            return None
        if fields is None:
            self.skipped += 1
            return None
        return self.make(fields)

    def match(self, name: str, key_hint: str) -> str | None:
        """Our lift for a row: the key our export wrote, the lifter's mapping of the name
        from the preview, or the lookup's answer."""
        if key_hint and self._is_key(key_hint):
            return key_hint
        if name not in self._keys:
            mapped = self.mapping.get(name, "")
            self._keys[name] = mapped if mapped and self._is_key(mapped) else exercise_key_for(name)
        return self._keys[name]

    def _is_key(self, key: str) -> bool:
        if key not in self._known_keys:
            try:
                self._known_keys[key] = get_exercise(key).key == key
            except (LookupError, ValueError):
                self._known_keys[key] = False
        return self._known_keys[key]

    def make(self, fields: Fields) -> ImportedSet:
        key = self.match(fields.exercise_name, fields.key_hint)
        if key is None:
            self.unmatched.setdefault(fields.exercise_name, None)
        ident = f"key:{key}" if key is not None else f"name:{normalise_name(fields.exercise_name)}"
        set_number = fields.set_number
        if set_number is None:
            counter = (fields.group, ident)
            set_number = self._counters.get(counter, 0) + 1
            self._counters[counter] = set_number
        return ImportedSet(
            performed_at=fields.performed_at,
            workout_name=fields.workout_name,
            exercise_name=fields.exercise_name,
            exercise_key=key,
            set_number=set_number,
            weight=fields.weight,
            unit=fields.unit,
            reps=fields.reps,
            rir=fields.rir,
            warmup=fields.warmup,
            notes=fields.notes,
            fingerprint=_fingerprint(
                fields.performed_at,
                ident,
                set_number,
                fields.weight,
                fields.unit,
                fields.reps,
                fields.warmup,
            ),
        )


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _read_strong(row: Row, reader: Reader) -> Fields | None:
    order = row.text("set order").upper()
    numbered = order.isdigit() and order.isascii()
    lettered = order in _WARMUP_ORDERS | _FAILURE_ORDERS | _DROP_ORDERS
    if not numbered and not lettered:
        if not row.decimal("reps", "number of reps") and not row.decimal("weight", "weight"):
            return None  # a rest timer row: "Rest Timer", "Ruhezeit", ...
        raise row.fail(MSG_BAD_SET_ORDER, value=shorten(row.text("set order")))
    if row.is_not_a_set("reps", "weight", ("distance", "distance"), ("seconds", "seconds")):
        return None
    name = row.exercise_name("exercise name", guarded=True)
    if numbered:
        row.integer("set order", "set order", 0, _MAX_SET_NUMBER)
    unit = row.unit("weight unit", reader.default_unit)
    rir = row.rir_from_rpe("rpe")
    return Fields(
        performed_at=row.local_datetime("date", reader.zone),
        group=(row.text("date"), row.raw("workout name")),
        workout_name=unguard(row.raw("workout name")),
        exercise_name=name,
        key_hint="",
        set_number=None,
        weight=row.weight("weight", unit),
        unit=unit,
        reps=row.reps("reps") or 0,
        rir=0 if order in _FAILURE_ORDERS else rir,
        warmup=order in _WARMUP_ORDERS,
        notes=unguard(row.raw("notes")),
    )


def _read_hevy(row: Row, reader: Reader) -> Fields | None:
    weight_column, unit = (
        ("weight_kg", Unit.KG) if "weight_kg" in row.columns else ("weight_lbs", Unit.LB)
    )
    if row.is_not_a_set(
        "reps",
        weight_column,
        ("distance_km", "distance"),
        ("distance_miles", "distance"),
        ("duration_seconds", "duration"),
    ):
        return None
    name = row.exercise_name("exercise_title", guarded=False)
    row.integer("set_index", "set index", 0, _MAX_SET_NUMBER)
    set_type = row.text("set_type").casefold()
    rir = row.rir_from_rpe("rpe")
    return Fields(
        performed_at=row.local_datetime("start_time", reader.zone),
        group=(row.text("start_time"), row.raw("title")),
        workout_name=row.raw("title"),
        exercise_name=name,
        key_hint="",
        set_number=None,
        weight=row.weight(weight_column, unit),
        unit=unit,
        reps=row.reps("reps") or 0,
        rir=0 if set_type == "failure" else rir,
        warmup=set_type in {"warmup", "warm-up", "warm_up"},
        notes=row.raw("exercise_notes"),
    )


def _read_coach(row: Row, reader: Reader) -> Fields | None:
    if row.is_not_a_set("reps", "weight"):
        return None
    name = row.exercise_name("exercise", guarded=True)
    unit = row.unit("unit", reader.default_unit)
    date_text = f"{row.text('date')} {row.text('time')}".strip()
    parsed = parse_datetime(date_text)
    if parsed is None:
        raise row.fail(MSG_BAD_DATE, value=shorten(date_text))
    naive, written_offset = parsed
    zone = written_offset or reader.zone
    zone_text = row.text("timezone")
    if zone_text:
        offset = parse_offset(zone_text)
        if offset is None:
            raise row.fail(MSG_BAD_TIMEZONE, value=shorten(zone_text))
        zone = offset
    rir_number = row.decimal("rir", "RIR")
    rir = (
        clamp_rir(rir_number.to_integral_value(ROUND_FLOOR))
        if rir_number is not None
        else row.rir_from_rpe("rpe")
    )
    return Fields(
        performed_at=row.to_utc(naive, zone, date_text),
        group=(),
        workout_name=unguard(row.raw("workout")),
        exercise_name=name,
        key_hint=unguard(row.text("exercise_key")),
        set_number=row.integer("set", "set number", 1, _MAX_SET_NUMBER) or 1,
        weight=row.weight("weight", unit),
        unit=unit,
        reps=row.reps("reps") or 0,
        rir=rir,
        warmup=row.flag("warmup"),
        notes=unguard(row.raw("notes")),
    )


READERS: Final[Mapping[ImportFormat, Callable[[Row, Reader], Fields | None]]] = {
    "coach": _read_coach,
    "strong": _read_strong,
    "hevy": _read_hevy,
}
