"""Personal records: heaviest weight per rep count and best estimated one-rep max.

Sets are compared after converting to the lifter's unit; warm-ups and 0-rep sets never
count. When two sets tie, the earlier one keeps the record.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.coach.units import Unit, convert

_EPLEY_DIVISOR = 30


class RecordKind(StrEnum):
    """The two records the bot announces."""

    BEST_E1RM = "best_e1rm"
    HEAVIEST_FOR_REPS = "heaviest_for_reps"


def epley(weight: Decimal, reps: int, rir: int | None) -> Decimal:
    """Estimated one-rep max, counting reps left as reps done: W x (1 + (reps + rir) / 30).

    A 0-rep set estimates nothing, so it gives 0.
    """
    if reps < 0 or (rir is not None and rir < 0):
        raise ValueError("reps and reps left can't be negative")
    if reps == 0:
        return Decimal(0)
    return weight * (_EPLEY_DIVISOR + reps + (rir or 0)) / _EPLEY_DIVISOR


@dataclass(frozen=True, slots=True)
class LoggedSet:
    """A set as stored: what was lifted, how, and on which (local) day."""

    exercise_key: str
    weight: Decimal
    unit: Unit
    reps: int
    rir: int | None
    performed_on: date
    warmup: bool = False


@dataclass(frozen=True, slots=True)
class Record:
    """One record, in the requested unit; ``reps`` are those of the set that made it.

    ``value`` is the estimated 1RM for "best_e1rm" and the weight for "heaviest_for_reps".
    ``lifted`` and ``lifted_unit`` are the set's load as lifted, for showing it honestly.
    """

    exercise_key: str
    kind: str
    reps: int | None
    weight: Decimal
    unit: Unit
    value: Decimal
    performed_on: date
    lifted: Decimal
    lifted_unit: Unit


@dataclass(frozen=True, slots=True)
class ExerciseRecords:
    """An exercise's records: best estimated 1RM and heaviest set per rep count."""

    exercise_key: str
    best_e1rm: Record
    heaviest: tuple[Record, ...]

    def heaviest_at_least(self, reps: int) -> Decimal | None:
        """The heaviest weight lifted for ``reps`` or more reps, None if never."""
        weights = [r.weight for r in self.heaviest if r.reps is not None and r.reps >= reps]
        return max(weights, default=None)


def _record(logged: LoggedSet, kind: RecordKind, unit: Unit) -> Record:
    weight = convert(logged.weight, logged.unit, unit)
    value = epley(weight, logged.reps, logged.rir) if kind is RecordKind.BEST_E1RM else weight
    return Record(
        exercise_key=logged.exercise_key,
        kind=kind,
        reps=logged.reps,
        weight=weight,
        unit=unit,
        value=value,
        performed_on=logged.performed_on,
        lifted=logged.weight,
        lifted_unit=logged.unit,
    )


def _counted(sets: Iterable[LoggedSet]) -> list[LoggedSet]:
    """Sets that can hold a record, oldest first (stable, so ties keep input order)."""
    return sorted((s for s in sets if not s.warmup and s.reps > 0), key=lambda s: s.performed_on)


def personal_records(sets: Iterable[LoggedSet], unit: Unit) -> dict[str, ExerciseRecords]:
    """Records per exercise key, for the records screen and to judge new sets."""
    best: dict[str, Record] = {}
    heaviest: dict[str, dict[int, Record]] = {}
    for logged in _counted(sets):
        key = logged.exercise_key
        e1rm = _record(logged, RecordKind.BEST_E1RM, unit)
        if key not in best or e1rm.value > best[key].value:
            best[key] = e1rm
        by_reps = heaviest.setdefault(key, {})
        top = _record(logged, RecordKind.HEAVIEST_FOR_REPS, unit)
        if logged.reps not in by_reps or top.value > by_reps[logged.reps].value:
            by_reps[logged.reps] = top
    return {
        key: ExerciseRecords(
            exercise_key=key,
            best_e1rm=best[key],
            heaviest=tuple(heaviest[key][reps] for reps in sorted(heaviest[key])),
        )
        for key in best
    }


def new_records(
    history: Sequence[LoggedSet], today: Sequence[LoggedSet], unit: Unit
) -> tuple[Record, ...]:
    """Records today's sets set, judged against earlier days only (``history``).

    An exercise with no earlier working set announces nothing: a first session is a
    baseline, not a record. A rep record must beat everything lifted before for that
    many reps or more, and must not be outdone today by a set with more reps.
    """
    before = personal_records(history, unit)
    now = personal_records(today, unit)
    found: list[Record] = []
    for key, mine in now.items():
        past = before.get(key)
        if past is None:
            continue
        if mine.best_e1rm.value > past.best_e1rm.value:
            found.append(mine.best_e1rm)
        for record in mine.heaviest:
            reps = record.reps or 0
            previous = past.heaviest_at_least(reps)
            outdone = mine.heaviest_at_least(reps + 1)
            beats_past = previous is None or record.weight > previous
            if beats_past and (outdone is None or outdone < record.weight):
                found.append(record)
    return tuple(found)
