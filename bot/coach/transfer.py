"""Import workout logs exported from other apps, and export ours as CSV.

Pure: it takes and returns strings and values. No clock, no files, no network.

Formats read by :func:`parse_import` (detected from the header line):

* ``strong``: the Strong app's CSV export, comma or semicolon separated, with an
  optional ``Weight Unit`` column. Dates are naive local times.
* ``hevy``: the Hevy app's CSV export, with ``weight_lbs`` or ``weight_kg``.
* ``coach``: our own export, written by :func:`export_csv`.

Formats written: :func:`export_csv` (ours, lossless) and
:func:`export_strong_csv` (Strong's layout, for other apps that import it).

Design notes:

* Instants. ``ImportedSet.performed_at`` is aware and in UTC. Strong and Hevy
  files carry naive local times, read in the ``zone`` passed in (a time repeated
  by a daylight-saving change reads as its first occurrence). Strong and Hevy
  only record when the workout started, so every set of a workout gets that
  instant. Our format writes the UTC offset of every row (``UTC+01:00``), so it
  reads back to the same instant whatever ``zone`` the reader passes.
* Set numbers. ``set_number`` is 1-based per exercise per workout. For Strong
  and Hevy it is the position of the row among the rows of the same exercise in
  the same workout, warm-ups included (Strong's own counter skips warm-ups and
  Hevy's restarts in each block). Our format stores it explicitly.
* Fingerprints. A sha256 (first 32 hex digits) of the instant (UTC, whole
  seconds), the exercise (its catalog key when matched, otherwise the
  case-folded name), the set number, the weight (to 0.01, trailing zeros
  dropped), the unit, the reps and the warm-up flag. The catalog key rather than
  the name makes an import of our own export fingerprint like an import of the
  original Strong or Hevy file did, although our file names exercises by their
  catalog display name.
* Formula injection. Exported text cells that a spreadsheet would run as a
  formula get a leading apostrophe; the reader takes it off again for the
  formats we write (ours and Strong's), reversibly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Final, Literal

from bot.coach.catalog import get_exercise
from bot.coach.lookup import find_exercise
from bot.coach.units import Unit, convert, parse_unit

__all__ = [
    "COACH_COLUMNS",
    "STRONG_COLUMNS",
    "ExportSet",
    "ImportBatch",
    "ImportFormat",
    "ImportFormatError",
    "ImportedSet",
    "export_csv",
    "export_strong_csv",
    "parse_import",
]

ImportFormat = Literal["strong", "hevy", "coach"]

COACH_COLUMNS: Final = (
    "date",
    "time",
    "timezone",
    "exercise",
    "exercise_key",
    "set",
    "weight",
    "unit",
    "reps",
    "rir",
    "rpe",
    "warmup",
    "workout_id",
    "workout",
    "notes",
)
STRONG_COLUMNS: Final = (
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
)

MAX_REPS: Final = 100
MAX_WEIGHT: Final[Mapping[Unit, Decimal]] = {Unit.KG: Decimal(1000), Unit.LB: Decimal(2200)}
_MAX_SET_NUMBER: Final = 1000
_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 2200
_CENT: Final = Decimal("0.01")

# --- User-facing text (one place, so copy can be reviewed and translated) ---

MSG_EMPTY: Final = "The file is empty. Export your workouts from Strong or Hevy and send the CSV."
MSG_UNKNOWN_HEADER: Final = (
    "This doesn't look like a Strong or Hevy export (or one of ours). The first line "
    "should list the columns, like 'Date,Workout Name,Exercise Name,Set Order,Weight,Reps' "
    "for Strong or 'title,start_time,exercise_title,set_index,set_type,weight_kg,reps' "
    "for Hevy."
)
MSG_TOO_MANY_ROWS: Final = (
    "The file has more than {max_rows} rows, which is more than I can import at once. "
    "Please export a shorter date range."
)
MSG_UNREADABLE: Final = "Line {line}: I couldn't read this line as CSV ({detail})."
MSG_COLUMNS: Final = "Line {line}: expected {expected} columns but found {found}."
MSG_NOT_NUMBER: Final = "Line {line}: the {label} '{value}' is not a number."
MSG_NOT_WHOLE: Final = "Line {line}: the {label} '{value}' is not a whole number."
MSG_RANGE: Final = "Line {line}: the {label} '{value}' is out of range ({lo} to {hi}{unit})."
MSG_BAD_DATE: Final = "Line {line}: the date '{value}' is not a date and time I can read."
MSG_DATE_RANGE: Final = "Line {line}: the date '{value}' is out of range."
MSG_BAD_TIMEZONE: Final = (
    "Line {line}: the time zone '{value}' is not a UTC offset like 'UTC+01:00'."
)
MSG_BAD_UNIT: Final = "Line {line}: the unit '{value}' is not 'kg' or 'lb'."
MSG_BAD_SET_ORDER: Final = "Line {line}: the set order '{value}' is not a set number or W, D or F."
MSG_BAD_FLAG: Final = "Line {line}: the warm-up flag '{value}' is not 'yes' or 'no'."
MSG_NO_EXERCISE: Final = "Line {line}: the exercise name is missing."


class ImportFormatError(ValueError):
    """A file that cannot be imported; ``message`` is fit to show the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class ImportedSet:
    """One set read from an imported file."""

    performed_at: datetime
    workout_name: str
    exercise_name: str
    exercise_key: str | None
    set_number: int
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None
    warmup: bool
    notes: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """Everything read from one file."""

    format: ImportFormat
    sets: tuple[ImportedSet, ...]
    unmatched: tuple[str, ...]
    skipped_rows: int


@dataclass(frozen=True, slots=True)
class ExportSet:
    """One stored set, as the exporters need it."""

    performed_at: datetime
    workout_id: int
    workout_name: str
    workout_started_at: datetime
    workout_finished_at: datetime | None
    exercise_key: str
    set_number: int
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None
    warmup: bool
    notes: str


# --- Formula-injection guard -------------------------------------------------

_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_UNGUARD = re.compile(r"'+[=+\-@\t\r]")


def _guard(text: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula.

    Cells that already start with apostrophes before such a character get one
    more, so :func:`_unguard` is an exact inverse.
    """
    return "'" + text if _GUARDED.match(text) else text


def _unguard(text: str) -> str:
    return text[1:] if _UNGUARD.match(text) else text


# --- Small parsers -----------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATETIME = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:[ T](?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,9})?)?)?"
    r" ?(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?",
    re.IGNORECASE,
)
_HEVY_DATETIME = re.compile(
    r"(?P<d>[0-9]{1,2}) (?P<mon>[A-Za-z]{3,9})\.? (?P<y>[0-9]{4}),? "
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?",
)
_UTC_OFFSET = re.compile(
    r"(?:UTC|GMT)?(?:(?P<sign>[+-])(?P<h>[0-9]{2}):?(?P<m>[0-9]{2})(?::?(?P<s>[0-9]{2}))?)?|Z",
    re.IGNORECASE,
)
_MONTHS: Final[Mapping[str, int]] = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_UNITS: Final[Mapping[str, Unit]] = {
    "kg": Unit.KG,
    "kgs": Unit.KG,
    "lb": Unit.LB,
    "lbs": Unit.LB,
}
_TRUE: Final = frozenset({"yes", "y", "true", "1", "w", "warmup", "warm-up"})
_FALSE: Final = frozenset({"", "no", "n", "false", "0"})


def _shorten(value: str, limit: int = 30) -> str:
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _plain(number: Decimal) -> str:
    """Write a Decimal without exponent or trailing zeros: 100, 72.5, 0."""
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


# --- Reading -----------------------------------------------------------------


@dataclass(slots=True)
class _Row:
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
            raise self.fail(MSG_NOT_NUMBER, label=label, value=_shorten(text))
        return Decimal(candidate)

    def integer(self, name: str, label: str, lo: int, hi: int) -> int | None:
        """The cell as a whole number in ``lo..hi`` ("8.0" counts), or None."""
        number = self.decimal(name, label)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise self.fail(MSG_NOT_WHOLE, label=label, value=_shorten(self.text(name)))
        if not lo <= number <= hi:
            raise self.fail(
                MSG_RANGE, label=label, value=_shorten(self.text(name)), lo=lo, hi=hi, unit=""
            )
        return int(number)

    def weight(self, name: str, unit: Unit) -> Decimal:
        weight = self.decimal(name, "weight")
        if weight is None:
            return Decimal(0)
        if not 0 <= weight <= MAX_WEIGHT[unit]:
            raise self.fail(
                MSG_RANGE,
                label="weight",
                value=_shorten(self.text(name)),
                lo=0,
                hi=MAX_WEIGHT[unit],
                unit=f" {unit.value}",
            )
        return weight + 0  # drops a negative zero's sign

    def rir_from_rpe(self, name: str) -> int | None:
        rpe = self.decimal(name, "RPE")
        if rpe is None:
            return None
        return _clamp_rir((10 - rpe).to_integral_value(ROUND_FLOOR))

    def unit(self, name: str, default: Unit) -> Unit:
        text = self.text(name)
        if not text:
            return default
        unit = _UNITS.get(text.casefold()) or parse_unit(text)
        if unit is None:
            raise self.fail(MSG_BAD_UNIT, value=_shorten(text))
        return unit

    def flag(self, name: str) -> bool:
        text = self.text(name).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.fail(MSG_BAD_FLAG, value=_shorten(self.text(name)))

    def local_datetime(self, name: str, zone: tzinfo) -> datetime:
        """A date like "2024-01-15 18:30:00" or "15 Jan 2024, 18:30", in UTC.

        Naive times are read in ``zone``; an explicit offset wins over it.
        """
        text = self.text(name)
        parsed = _parse_datetime(text)
        if parsed is None:
            raise self.fail(MSG_BAD_DATE, value=_shorten(text))
        naive, offset = parsed
        return self.to_utc(naive, offset or zone, text)

    def to_utc(self, naive: datetime, zone: tzinfo, text: str) -> datetime:
        if not _MIN_YEAR <= naive.year <= _MAX_YEAR:
            raise self.fail(MSG_DATE_RANGE, value=_shorten(text))
        try:
            return naive.replace(tzinfo=zone).astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise self.fail(MSG_DATE_RANGE, value=_shorten(text)) from error


def _parse_datetime(text: str) -> tuple[datetime, tzinfo | None] | None:
    """A naive datetime and the offset written beside it (if any), or None."""
    match = _DATETIME.fullmatch(text)
    if match is not None:
        month = int(match["mo"])
        tz = match["tz"]
        offset = _parse_offset(tz) if tz else None
    else:
        match = _HEVY_DATETIME.fullmatch(text)
        if match is None:
            return None
        found = _MONTHS.get(match["mon"].casefold())
        if found is None:
            return None
        month, offset = found, None
    try:
        naive = datetime(
            int(match["y"]),
            month,
            int(match["d"]),
            int(match["h"] or 0),
            int(match["mi"] or 0),
            int(match["s"] or 0),
        )
    except ValueError:
        return None
    return naive, offset


def _parse_offset(text: str) -> tzinfo | None:
    """ "UTC+01:00", "+0100", "Z", "UTC" -> a fixed offset; anything else -> None."""
    match = _UTC_OFFSET.fullmatch(text.strip())
    if match is None or not text.strip():
        return None
    if not match["sign"]:
        return UTC
    hours, minutes, seconds = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return timezone(-delta if match["sign"] == "-" else delta)


def _clamp_rir(value: Decimal | int) -> int:
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
        _plain(weight.quantize(_CENT, ROUND_HALF_EVEN)),
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
class _Fields:
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


class _Reader:
    """Shared state of one parse: exercise matching, set numbering, results."""

    def __init__(self, fmt: ImportFormat, default_unit: Unit, zone: tzinfo) -> None:
        self.format: ImportFormat = fmt
        self.default_unit = default_unit
        self.zone = zone
        self.sets: list[ImportedSet] = []
        self.unmatched: dict[str, None] = {}
        self.skipped = 0
        self._keys: dict[str, str | None] = {}
        self._known_keys: dict[str, bool] = {}
        self._counters: dict[tuple[tuple[str, ...], str], int] = {}

    def match(self, name: str, key_hint: str) -> str | None:
        if key_hint and self._is_key(key_hint):
            return key_hint
        if name not in self._keys:
            result = find_exercise(name)
            exercise = result.exercise
            self._keys[name] = exercise.key if result.is_match and exercise is not None else None
        return self._keys[name]

    def _is_key(self, key: str) -> bool:
        if key not in self._known_keys:
            try:
                self._known_keys[key] = get_exercise(key).key == key
            except (LookupError, ValueError):
                self._known_keys[key] = False
        return self._known_keys[key]

    def add(self, fields: _Fields) -> None:
        key = self.match(fields.exercise_name, fields.key_hint)
        if key is None:
            self.unmatched.setdefault(fields.exercise_name, None)
        ident = f"key:{key}" if key is not None else f"name:{_normalise_name(fields.exercise_name)}"
        set_number = fields.set_number
        if set_number is None:
            counter = (fields.group, ident)
            set_number = self._counters.get(counter, 0) + 1
            self._counters[counter] = set_number
        self.sets.append(
            ImportedSet(
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
        )

    def batch(self) -> ImportBatch:
        return ImportBatch(
            format=self.format,
            sets=tuple(self.sets),
            unmatched=tuple(self.unmatched),
            skipped_rows=self.skipped,
        )


def _exercise_name(row: _Row, column: str, unguard: bool) -> str:
    name = row.text(column)
    if unguard:
        name = _unguard(name).strip()
    if not name:
        raise row.fail(MSG_NO_EXERCISE)
    return name


def _is_cardio(row: _Row, reps_column: str, *others: tuple[str, str]) -> bool:
    """True for rows that are not weight-training sets (no reps; or 0 reps with
    a distance or a duration)."""
    reps = row.integer(reps_column, "number of reps", 0, MAX_REPS)
    if reps is None:
        return True
    if reps > 0:
        return False
    for column, label in others:
        value = row.decimal(column, label)
        if value is not None and value != 0:
            return True
    return False


def _read_strong(row: _Row, reader: _Reader) -> _Fields | None:
    if _is_cardio(row, "reps", ("distance", "distance"), ("seconds", "seconds")):
        return None
    name = _exercise_name(row, "exercise name", unguard=True)
    order = row.text("set order").upper()
    if order not in {"W", "D", "F"} and not (order.isdigit() and order.isascii()):
        raise row.fail(MSG_BAD_SET_ORDER, value=_shorten(row.text("set order")))
    if order.isdigit():
        row.integer("set order", "set order", 0, _MAX_SET_NUMBER)
    unit = row.unit("weight unit", reader.default_unit)
    rir = row.rir_from_rpe("rpe")
    date_text = row.text("date")
    return _Fields(
        performed_at=row.local_datetime("date", reader.zone),
        group=(date_text, row.raw("workout name")),
        workout_name=_unguard(row.raw("workout name")),
        exercise_name=name,
        key_hint="",
        set_number=None,
        weight=row.weight("weight", unit),
        unit=unit,
        reps=row.integer("reps", "number of reps", 0, MAX_REPS) or 0,
        rir=0 if order == "F" else rir,
        warmup=order == "W",
        notes=_unguard(row.raw("notes")),
    )


def _read_hevy(row: _Row, reader: _Reader) -> _Fields | None:
    if _is_cardio(
        row,
        "reps",
        ("distance_km", "distance"),
        ("distance_miles", "distance"),
        ("duration_seconds", "duration"),
    ):
        return None
    name = _exercise_name(row, "exercise_title", unguard=False)
    weight_column, unit = (
        ("weight_kg", Unit.KG) if "weight_kg" in row.columns else ("weight_lbs", Unit.LB)
    )
    row.integer("set_index", "set index", 0, _MAX_SET_NUMBER)
    set_type = row.text("set_type").casefold()
    rir = row.rir_from_rpe("rpe")
    return _Fields(
        performed_at=row.local_datetime("start_time", reader.zone),
        group=(row.text("start_time"), row.raw("title")),
        workout_name=row.raw("title"),
        exercise_name=name,
        key_hint="",
        set_number=None,
        weight=row.weight(weight_column, unit),
        unit=unit,
        reps=row.integer("reps", "number of reps", 0, MAX_REPS) or 0,
        rir=0 if set_type == "failure" else rir,
        warmup=set_type in {"warmup", "warm-up", "warm_up"},
        notes=row.raw("exercise_notes"),
    )


def _read_coach(row: _Row, reader: _Reader) -> _Fields | None:
    if _is_cardio(row, "reps"):
        return None
    name = _exercise_name(row, "exercise", unguard=True)
    unit = row.unit("unit", reader.default_unit)
    date_text = f"{row.text('date')} {row.text('time')}".strip()
    parsed = _parse_datetime(date_text)
    if parsed is None:
        raise row.fail(MSG_BAD_DATE, value=_shorten(date_text))
    naive, written_offset = parsed
    zone_text = row.text("timezone")
    zone = written_offset or reader.zone
    if zone_text:
        offset = _parse_offset(zone_text)
        if offset is None:
            raise row.fail(MSG_BAD_TIMEZONE, value=_shorten(zone_text))
        zone = offset
    rir_number = row.decimal("rir", "RIR")
    rir = (
        _clamp_rir(rir_number.to_integral_value(ROUND_FLOOR))
        if rir_number is not None
        else row.rir_from_rpe("rpe")
    )
    return _Fields(
        performed_at=row.to_utc(naive, zone, date_text),
        group=(),
        workout_name=_unguard(row.raw("workout")),
        exercise_name=name,
        key_hint=_unguard(row.text("exercise_key")),
        set_number=row.integer("set", "set number", 1, _MAX_SET_NUMBER) or 1,
        weight=row.weight("weight", unit),
        unit=unit,
        reps=row.integer("reps", "number of reps", 0, MAX_REPS) or 0,
        rir=rir,
        warmup=row.flag("warmup"),
        notes=_unguard(row.raw("notes")),
    )


_REQUIRED: Final[Mapping[ImportFormat, frozenset[str]]] = {
    "coach": frozenset(
        {"date", "time", "exercise", "exercise_key", "set", "weight", "unit", "reps"}
    ),
    # Older Strong exports have no "Workout Name"; every Strong file has these.
    "strong": frozenset({"date", "exercise name", "set order", "weight", "reps"}),
    "hevy": frozenset({"title", "start_time", "exercise_title", "set_index", "set_type", "reps"}),
}
_READERS: Final[Mapping[ImportFormat, Callable[[_Row, _Reader], _Fields | None]]] = {
    "coach": _read_coach,
    "strong": _read_strong,
    "hevy": _read_hevy,
}
_DELIMITERS: Final = (",", ";", "\t")


def _detect(header: Sequence[str]) -> ImportFormat | None:
    names = {cell.strip().casefold() for cell in header}
    for fmt in ("coach", "strong", "hevy"):
        if _REQUIRED[fmt] <= names:
            if fmt == "hevy" and not names & {"weight_kg", "weight_lbs"}:
                continue
            return fmt
    return None


def parse_import(
    text: str, *, default_unit: Unit, zone: tzinfo, max_rows: int = 100_000
) -> ImportBatch:
    """Read a Strong, Hevy or our own CSV export.

    ``default_unit`` is the unit of weights in files that do not say (Strong
    without a ``Weight Unit`` column); ``zone`` is the user's time zone, in
    which the files' naive local times are read. Raises
    :class:`ImportFormatError` for anything it cannot read; nothing is returned
    half-read.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ImportFormatError(MSG_EMPTY, None)
    delimiter, fmt = _sniff(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = _header(records)
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        columns.setdefault(cell.strip().casefold(), index)
    read = _READERS[fmt]
    reader = _Reader(fmt, default_unit, zone)
    decimal_comma = delimiter != ","
    rows = 0
    while True:
        line = records.line_num + 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            raise ImportFormatError(
                MSG_UNREADABLE.format(line=line, detail=_shorten(str(error), 60)), line
            ) from error
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        rows += 1
        if rows > max_rows:
            raise ImportFormatError(MSG_TOO_MANY_ROWS.format(max_rows=max_rows), line)
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
            cells = cells[: len(header)]  # empty cells after a trailing delimiter
        if len(cells) != len(header):
            raise ImportFormatError(
                MSG_COLUMNS.format(line=line, expected=len(header), found=len(cells)), line
            )
        fields = read(_Row(line, cells, columns, decimal_comma), reader)
        if fields is None:
            reader.skipped += 1
        else:
            reader.add(fields)
    return reader.batch()


def _header(records: Iterator[list[str]]) -> list[str]:
    """The first record that is not blank (raises csv.Error on broken CSV)."""
    for cells in records:
        if any(cell.strip() for cell in cells):
            return cells
    return []


def _sniff(text: str) -> tuple[str, ImportFormat]:
    """The delimiter and format that make sense of the header line."""
    for delimiter in _DELIMITERS:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            fmt = _detect(_header(records))
        except csv.Error:
            continue
        if fmt is not None:
            return delimiter, fmt
    raise ImportFormatError(MSG_UNKNOWN_HEADER, 1)


# --- Writing -----------------------------------------------------------------


def _local(instant: datetime, zone: tzinfo, what: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {instant!r}")
    return instant.astimezone(zone)


def _offset_label(local: datetime) -> str:
    """ "UTC+01:00" for the offset of an aware local time (seconds if any)."""
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    seconds = abs(int(offset.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    label = f"UTC{sign}{hours:02d}:{minutes:02d}"
    return f"{label}:{seconds:02d}" if seconds else label


def _display_name(key: str) -> str:
    try:
        return get_exercise(key).name
    except (LookupError, ValueError):
        return key


def export_csv(sets: Sequence[ExportSet], zone: tzinfo) -> str:
    """Our own lossless CSV, rows in the order given, dates in ``zone``.

    Columns: :data:`COACH_COLUMNS`. ``timezone`` holds the UTC offset of each
    row ("UTC+01:00"), so :func:`parse_import` reads back the exact instant
    (to the second). ``rpe`` is ``10 - rir``; both are empty when unknown.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes cells holding \r too
    writer.writerow(COACH_COLUMNS)
    names: dict[str, str] = {}
    for item in sets:
        local = _local(item.performed_at, zone, "performed_at")
        name = names.get(item.exercise_key)
        if name is None:
            name = names[item.exercise_key] = _display_name(item.exercise_key)
        writer.writerow(
            (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
                _offset_label(local),
                _guard(name),
                _guard(item.exercise_key),
                str(item.set_number),
                _plain(item.weight),
                item.unit.value,
                str(item.reps),
                "" if item.rir is None else str(item.rir),
                "" if item.rir is None else str(10 - item.rir),
                "yes" if item.warmup else "no",
                str(item.workout_id),
                _guard(item.workout_name),
                _guard(item.notes),
            )
        )
    return buffer.getvalue()


def _strong_duration(started: datetime, finished: datetime | None) -> str:
    """Strong's "45m" / "1h 5m"; empty when the workout has no end time."""
    if finished is None:
        return ""
    minutes = max(int((finished - started).total_seconds()) // 60, 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def export_strong_csv(sets: Sequence[ExportSet], zone: tzinfo, *, unit: Unit) -> str:
    """The sets in exactly Strong's CSV layout (:data:`STRONG_COLUMNS`).

    Strong's layout has no unit column, so every weight is converted to
    ``unit`` (rounded to 0.01 when converted, exact otherwise); read the file
    back with ``parse_import(..., default_unit=unit)``. ``Date`` is the
    workout's start in ``zone`` (Strong records no time per set), so the file
    keeps when each workout started, not when each set was done. Workouts come
    in order of start; within one, exercises in order of first appearance and
    sets by set number. ``Set Order`` is "W" for warm-ups and counts working
    sets from 1; ``RPE`` is ``10 - rir``.
    """
    workouts: dict[int, list[ExportSet]] = {}
    for item in sets:
        workouts.setdefault(item.workout_id, []).append(item)
    ordered = sorted(
        workouts.values(),
        key=lambda group: (
            _local(group[0].workout_started_at, UTC, "workout_started_at"),
            group[0].workout_id,
        ),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes cells holding \r too
    writer.writerow(STRONG_COLUMNS)
    for group in ordered:
        first = group[0]
        started = _local(first.workout_started_at, zone, "workout_started_at")
        date_text = started.strftime("%Y-%m-%d %H:%M:%S")
        duration = _strong_duration(
            first.workout_started_at,
            None
            if first.workout_finished_at is None
            else _local(first.workout_finished_at, zone, "workout_finished_at"),
        )
        exercise_order: dict[str, int] = {}
        for item in group:
            exercise_order.setdefault(item.exercise_key, len(exercise_order))
        working: dict[str, int] = {}
        for item in sorted(group, key=lambda s: (exercise_order[s.exercise_key], s.set_number)):
            if item.warmup:
                order = "W"
            else:
                order = str(working.get(item.exercise_key, 0) + 1)
                working[item.exercise_key] = int(order)
            weight = item.weight
            if item.unit != unit:
                weight = convert(weight, item.unit, unit).quantize(_CENT, ROUND_HALF_EVEN)
            writer.writerow(
                (
                    date_text,
                    _guard(first.workout_name),
                    duration,
                    _guard(_display_name(item.exercise_key)),
                    order,
                    _plain(weight),
                    str(item.reps),
                    "0",
                    "0",
                    _guard(item.notes),
                    "",
                    "" if item.rir is None else str(10 - item.rir),
                )
            )
    return buffer.getvalue()
