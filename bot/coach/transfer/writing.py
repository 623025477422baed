"""Our sets out as CSV: our own lossless layout, and Strong's for other apps.

Formula injection: exported text cells that a spreadsheet would run as a formula get
a leading apostrophe; the reader takes it off again for the formats we write (ours and
Strong's), reversibly (`rows.unguard`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN

from bot.coach.catalog import get_exercise
from bot.coach.timing import offset_label
from bot.coach.transfer.model import COACH_COLUMNS, STRONG_COLUMNS, ExportSet
from bot.coach.transfer.rows import CENT, plain_number
from bot.coach.units import Unit, convert

_GUARDED = re.compile(r"'*[=+\-@\t\r]")


def _guard(text: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula.

    Cells that already start with apostrophes before such a character get one more,
    so `rows.unguard` is an exact inverse.
    """
    return "'" + text if _GUARDED.match(text) else text


def _local(instant: datetime, zone: tzinfo, what: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {instant!r}")
    return instant.astimezone(zone)


def _display_name(key: str) -> str:
    try:
        return get_exercise(key).name
    except (LookupError, ValueError):
        return key


def _ident(item: ExportSet) -> str:
    """Which exercise a set is: our lift's key, or the other exercise's own name."""
    return item.exercise_key or f"name:{item.exercise_name}"


def _name(item: ExportSet) -> str:
    return item.exercise_name if not item.exercise_key else _display_name(item.exercise_key)


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
        name = names.get(_ident(item))
        if name is None:
            name = names[_ident(item)] = _name(item)
        writer.writerow(
            (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
                offset_label(local.utcoffset() or timedelta(0)),
                _guard(name),
                _guard(item.exercise_key),
                str(item.set_number),
                plain_number(item.weight),
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
            exercise_order.setdefault(_ident(item), len(exercise_order))
        working: dict[str, int] = {}
        for item in sorted(group, key=lambda s: (exercise_order[_ident(s)], s.set_number)):
            if item.warmup:
                order = "W"
            else:
                order = str(working.get(_ident(item), 0) + 1)
                working[_ident(item)] = int(order)
            weight = item.weight
            if item.unit != unit:
                weight = convert(weight, item.unit, unit).quantize(CENT, ROUND_HALF_EVEN)
            writer.writerow(
                (
                    date_text,
                    _guard(first.workout_name),
                    duration,
                    _guard(_name(item)),
                    order,
                    plain_number(weight),
                    str(item.reps),
                    "0",
                    "0",
                    _guard(item.notes),
                    "",
                    "" if item.rir is None else str(10 - item.rir),
                )
            )
    return buffer.getvalue()
