"""Which app wrote a file, and which column holds what, from its header line.

Strong names its columns in the phone's language and, in newer exports, puts the unit
inside the name ("Weight (kg)", "Distance (meters)", "Duration (sec)"). Every name is
reduced to one English field name here, so the row readers never see a language.
Hevy's and our own columns are English only.

Sources of the names: English, French and German from real exports and public
fixtures (tests/data/exports/SOURCES.md); Spanish, Italian, Portuguese and Russian are
the app's words for these fields as translated in its interface, derived, not seen in
a file, and marked so in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from bot.coach.transfer.messages import (
    MSG_MISSING_COLUMNS,
    MSG_UNKNOWN_HEADER,
    MSG_UNRECOGNISED_COLUMNS,
)
from bot.coach.transfer.model import ImportFormat
from bot.coach.units import Unit

_STRONG_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "workout #": ("workout #", "workout number", "entraînement #", "training #", "тренировка #"),
    "date": ("date", "datum", "fecha", "data", "дата"),
    "workout name": (
        "workout name",
        "nom de l'entraînement",
        "nom d'entraînement",
        "workout-name",
        "trainingsname",
        "nombre del entrenamiento",
        "nombre de entrenamiento",
        "nome allenamento",
        "nome dell'allenamento",
        "nome do treino",
        "название тренировки",
    ),
    "duration": (
        "duration",
        "durée",
        "dauer",
        "duración",
        "durata",
        "duração",
        "продолжительность",
        "длительность",
    ),
    "exercise name": (
        "exercise name",
        "nom de l'exercice",
        "name der übung",
        "übungsname",
        "nombre del ejercicio",
        "nome esercizio",
        "nome dell'esercizio",
        "nome do exercício",
        "название упражнения",
    ),
    "set order": (
        "set order",
        "ordre de la série",
        "ordre des séries",
        "reihenfolge festlegen",
        "satzreihenfolge",
        "orden de la serie",
        "orden de series",
        "ordine serie",
        "ordine della serie",
        "ordem da série",
        "ordem das séries",
        "порядок подходов",
        "порядок подхода",
    ),
    "weight": ("weight", "poids", "gewicht", "peso", "вес"),
    "weight unit": (
        "weight unit",
        "unité de poids",
        "gewichtseinheit",
        "unidad de peso",
        "unità di peso",
        "unidade de peso",
        "единица веса",
    ),
    "reps": (
        "reps",
        "réps",
        "répétitions",
        "wiederh.",
        "wiederholungen",
        "repeticiones",
        "reps.",
        "ripetizioni",
        "rip.",
        "repetições",
        "повторения",
        "повт.",
    ),
    "rpe": ("rpe",),
    "distance": (
        "distance",
        "entfernung",
        "distanz",
        "distancia",
        "distanza",
        "distância",
        "расстояние",
        "дистанция",
    ),
    "distance unit": (
        "distance unit",
        "unité de distance",
        "entfernungseinheit",
        "unidad de distancia",
        "unità di distanza",
        "unidade de distância",
        "единица расстояния",
    ),
    "seconds": ("seconds", "secondes", "sekunden", "segundos", "secondi", "секунды"),
    "notes": ("notes", "notizen", "notas", "note", "заметки", "примечания"),
    "workout notes": (
        "workout notes",
        "notes de l'entraînement",
        "notes d'entraînement",
        "workout-notizen",
        "trainingsnotizen",
        "notas del entrenamiento",
        "note allenamento",
        "note dell'allenamento",
        "notas do treino",
        "заметки к тренировке",
        "заметки тренировки",
    ),
}
_STRONG_NAMES: Final[Mapping[str, str]] = {
    name: field for field, names in _STRONG_FIELDS.items() for name in names
}
_REQUIRED: Final[Mapping[ImportFormat, frozenset[str]]] = {
    "coach": frozenset(
        {"date", "time", "exercise", "exercise_key", "set", "weight", "unit", "reps"}
    ),
    # Older Strong exports have no "Workout Name"; every Strong file has these.
    "strong": frozenset({"date", "exercise name", "set order", "weight", "reps"}),
    "hevy": frozenset({"title", "start_time", "exercise_title", "set_index", "set_type", "reps"}),
}
_UNIT_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*)\)$")
UNIT_WORDS: Final[Mapping[str, Unit]] = {
    "kg": Unit.KG,
    "kgs": Unit.KG,
    "lb": Unit.LB,
    "lbs": Unit.LB,
}
_LISTED: Final = 8


@dataclass(frozen=True, slots=True)
class Header:
    """A recognised header: the format, field name -> column index, and the weight unit
    written in a column name ("Weight (kg)"), if any."""

    format: ImportFormat
    columns: Mapping[str, int]
    weight_unit: Unit | None


def _split_unit(cell: str) -> tuple[str, str]:
    """ "Weight (kg)" -> ("weight", "kg"); "Reps" -> ("reps", "")."""
    plain = " ".join(cell.strip().casefold().split())
    found = _UNIT_SUFFIX.match(plain)
    if found is None:
        return plain, ""
    return found["name"], found["unit"].strip()


def _strong(cells: Sequence[str]) -> Header | None:
    columns: dict[str, int] = {}
    unit: Unit | None = None
    for index, cell in enumerate(cells):
        name, suffix = _split_unit(cell)
        field = _STRONG_NAMES.get(name)
        if field is None:
            continue
        columns.setdefault(field, index)
        if field == "weight" and suffix:
            unit = UNIT_WORDS.get(suffix)
    if not _REQUIRED["strong"] <= columns.keys():
        return None
    return Header("strong", columns, unit)


def _exact(fmt: ImportFormat, cells: Sequence[str]) -> Header | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        columns.setdefault(cell.strip().casefold(), index)
    if not _REQUIRED[fmt] <= columns.keys():
        return None
    if fmt == "hevy" and not columns.keys() & {"weight_kg", "weight_lbs"}:
        return None
    return Header(fmt, columns, None)


def recognise(cells: Sequence[str]) -> Header | None:
    """The format and columns of a header line, or None."""
    return _exact("coach", cells) or _strong(cells) or _exact("hevy", cells)


def unrecognised(cells: Sequence[str]) -> str:
    """Why a header is not one we read: the Strong columns missing, the names unknown."""
    known = {_STRONG_NAMES.get(_split_unit(cell)[0]) for cell in cells} - {None}
    missing = sorted(_REQUIRED["strong"] - known)
    strangers = [
        cell.strip()
        for cell in cells
        if cell.strip() and _STRONG_NAMES.get(_split_unit(cell)[0]) is None
    ]
    parts = [MSG_UNKNOWN_HEADER]
    if missing and known:
        parts.append(MSG_MISSING_COLUMNS.format(missing=", ".join(missing)))
    if strangers:
        listed = ", ".join(f"'{_shorten(name)}'" for name in strangers[:_LISTED])
        more = f" and {len(strangers) - _LISTED} more" if len(strangers) > _LISTED else ""
        parts.append(MSG_UNRECOGNISED_COLUMNS.format(columns=listed + more))
    return " ".join(parts)


def _shorten(value: str, limit: int = 30) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
