"""Real Strong and Hevy exports (tests/data/exports, see SOURCES.md) import as expected."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.coach.transfer import ImportBatch, ImportFormatError, parse_import
from bot.coach.units import Unit

EXPORTS = Path(__file__).parents[1] / "data" / "exports"


def read(name: str) -> str:
    return (EXPORTS / name).read_text(encoding="utf-8")


def parse(text: str, unit: Unit = Unit.LB) -> ImportBatch:
    return parse_import(text, default_unit=unit, zone=UTC)


def keys(batch: ImportBatch) -> Counter[str]:
    return Counter(s.exercise_key for s in batch.sets if s.exercise_key)


# (file, format, sets, skipped rows, unit, matched keys that are unambiguous)
REAL = [
    (
        "strong_en_classic_lb.csv",
        "strong",
        117,
        0,
        Unit.LB,
        {"t_bar_row": 4, "romanian_deadlift": 3},
    ),
    ("strong_en_classic_float_reps.csv", "strong", 60, 0, Unit.LB, {"deadlift": 11}),
    ("strong_en_workout_number_semicolon.csv", "strong", 43, 6, Unit.KG, {}),
    ("strong_en_workout_number_example.csv", "strong", 14, 0, Unit.KG, {"deadlift": 5}),
    ("hevy_kg_day_month.csv", "hevy", 131, 1, Unit.KG, {"barbell_row": 7}),
    ("hevy_kg_2026.csv", "hevy", 82, 0, Unit.KG, {}),
    ("strong_de_fixture.csv", "strong", 4, 1, Unit.LB, {}),
    ("strong_fr_fixture.csv", "strong", 3, 0, Unit.LB, {}),
]


@pytest.mark.parametrize(("name", "fmt", "sets", "skipped", "unit", "matched"), REAL)
def test_real_exports_import_with_their_counts(
    name: str, fmt: str, sets: int, skipped: int, unit: Unit, matched: dict[str, int]
) -> None:
    batch = parse(read(name))
    assert batch.format == fmt
    assert len(batch.sets) == sets
    assert batch.skipped_rows == skipped
    assert batch.problems == ()
    assert {s.unit for s in batch.sets} == {unit}
    for key, count in matched.items():
        assert keys(batch)[key] == count


def test_the_newer_strong_layout_takes_its_unit_from_the_header() -> None:
    # The lifter's unit is pounds; the file says "Weight (kg)".
    batch = parse(read("strong_en_workout_number_semicolon.csv"), Unit.LB)
    first = batch.sets[0]
    assert (first.exercise_name, first.weight, first.unit, first.reps) == (
        "Push Up",
        Decimal("65.1812"),  # 65.181223569 as the database keeps it
        Unit.KG,
        8,
    )
    assert sum(s.warmup for s in batch.sets) == 4  # WARM_UP rows with reps
    # FAILURE rows with reps (5) and one set at RPE 9.5 read as no reps left.
    assert sum(s.rir == 0 for s in batch.sets) == 6


def test_float_reps_and_set_letters_of_an_older_strong_file() -> None:
    batch = parse(read("strong_en_classic_float_reps.csv"))
    deadlifts = [s for s in batch.sets if s.exercise_key == "deadlift"][:3]
    assert [(s.weight, s.reps) for s in deadlifts] == [(60, 5), (80, 3), (100, 1)]


def test_a_real_103_rep_set_imports_and_a_cardio_row_is_skipped() -> None:
    batch = parse(read("hevy_kg_day_month.csv"))
    (high,) = [s for s in batch.sets if s.reps > 100]
    assert (high.exercise_name, high.reps, high.weight) == (
        "Back Extension (Machine)",
        103,
        Decimal("79.36"),
    )
    assert high.performed_at == datetime(2025, 4, 2, 13, 17, tzinfo=UTC)
    assert "Running" not in {s.exercise_name for s in batch.sets}


def test_body_weight_sets_without_a_weight_are_zero() -> None:
    batch = parse(read("hevy_kg_2026.csv"))
    pull_ups = [s for s in batch.sets if s.exercise_name == "Pull Up"]
    assert pull_ups and {s.weight for s in pull_ups} == {0}


def test_german_strong_skips_rest_timer_rows() -> None:
    batch = parse(read("strong_de_fixture.csv"))
    assert [(s.exercise_name, s.weight, s.reps, s.rir) for s in batch.sets[:2]] == [
        ("Chest Press (Machine)", 50, 12, None),
        ("Chest Press (Machine)", 55, 10, 2),
    ]
    assert batch.sets[-1].workout_name == "Push "


def test_french_strong_reads_its_columns() -> None:
    batch = parse(read("strong_fr_fixture.csv"), Unit.KG)
    assert [(s.exercise_name, s.weight, s.reps, s.rir) for s in batch.sets] == [
        ("Squat", 100, 5, 2),
        ("Squat", 100, 5, 1),
        ("Bench Press", 80, 8, 1),
    ]


# Derived (see SOURCES.md): the English file's header in other languages.
TRANSLATED_HEADERS = {
    "es": "Fecha,Nombre del entrenamiento,Duración,Nombre del ejercicio,Orden de la serie,"
    "Peso,Repeticiones,Distancia,Segundos,Notas,Notas del entrenamiento,RPE",
    "it": "Data,Nome allenamento,Durata,Nome esercizio,Ordine serie,Peso,Ripetizioni,"
    "Distanza,Secondi,Note,Note allenamento,RPE",
    "pt": "Data,Nome do treino,Duração,Nome do exercício,Ordem da série,Peso,Repetições,"
    "Distância,Segundos,Notas,Notas do treino,RPE",
    "ru": "Дата,Название тренировки,Продолжительность,Название упражнения,Порядок подходов,"
    "Вес,Повторения,Расстояние,Секунды,Заметки,Заметки к тренировке,RPE",
}


@pytest.mark.parametrize("language", sorted(TRANSLATED_HEADERS))
def test_strong_in_other_languages_reads_like_english(language: str) -> None:
    english = read("strong_en_classic_lb.csv")
    _, rows = english.split("\n", 1)
    translated = parse(TRANSLATED_HEADERS[language] + "\n" + rows)
    assert translated.sets == parse(english).sets


def test_an_unreadable_header_names_the_columns_it_did_not_recognise() -> None:
    text = "Fecha,Ejercicio,Orden,Peso,Reps\n2024-01-01 10:00:00,Remo,1,60,8\n"
    with pytest.raises(ImportFormatError) as caught:
        parse(text)
    message = caught.value.message
    assert "I couldn't find these columns: exercise name, set order." in message
    assert "Columns I didn't recognise: 'Ejercicio', 'Orden'." in message


def _rewrite_dates(text: str, layout: str) -> str:
    """The Hevy file with its start and end times written in another style."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        for index in (1, 2):
            when = datetime.strptime(row[index], "%d %b %Y, %H:%M")
            written = when.strftime(layout)
            row[index] = written if layout.startswith("%Y") else _no_padding(written)
        writer.writerow(row)
    return out.getvalue()


def _no_padding(text: str) -> str:
    """strftime pads days and 12-hour hours with zeros; the apps do not."""
    return re.sub(r"(?<![\d:])0(\d)", r"\1", text)


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param("%b %d, %Y, %I:%M %p", id="us-12-hour"),
        pytest.param("%b %d, %Y, %I:%M\u202f%p", id="us-12-hour-narrow-space"),
        pytest.param("%Y-%m-%dT%H:%M:%S", id="iso"),
        pytest.param("%Y-%m-%d %H:%M:%S+00:00", id="iso-with-offset"),
    ],
)
def test_hevy_date_styles_read_the_same_instants(layout: str) -> None:
    original = read("hevy_kg_day_month.csv")
    styled = _rewrite_dates(original, layout)
    assert "Jul" in styled or "Apr" in styled or "T" in styled
    assert [s.performed_at for s in parse(styled).sets] == [
        s.performed_at for s in parse(original).sets
    ]


def test_the_newer_hevy_date_style_reads_afternoon_times() -> None:
    header = read("hevy_kg_day_month.csv").split("\n", 1)[0]
    row = (
        '"Pull","Jul 28, 2026, 6:49 PM","Jul 28, 2026, 7:40 PM","","T Bar Row",,"",'
        '0,"normal",40,8,,,'
    )
    (only,) = parse(f"{header}\n{row}\n").sets
    assert only.performed_at == datetime(2026, 7, 28, 18, 49, tzinfo=UTC)
    assert only.exercise_key == "t_bar_row"
