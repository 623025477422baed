import ast
import re
from pathlib import Path

import pytest

from bot.coach.anatomy import MUSCLES_BY_KEY
from bot.coach.catalog import (
    EXERCISES,
    EXERCISES_BY_KEY,
    Exercise,
    LoadClass,
    RepRange,
    RepRangeError,
    UnknownExercise,
    get_exercise,
)
from bot.coach.lookup import find_exercise

COACH_DIR = Path(__file__).parents[2] / "bot" / "coach"
ARTICLE = Path(__file__).parents[3] / "shared" / "seed" / "upper-back-article.txt"
BRANDS = ("Whey+", "Casein+", "Recharge", "Pulse", "Legion")
COPY_RUN = 8
MAX_CUE_CHARS = 100

ARTICLE_ORDER = (
    "deadlift",
    "romanian_deadlift",
    "rack_pull",
    "barbell_row",
    "single_arm_dumbbell_row",
    "cable_row",
    "chest_supported_row",
    "seal_row",
    "meadows_row",
    "t_bar_row",
    "upright_row",
    "face_pull",
    "rear_lateral_raise",
)


def test_all_thirteen_exercises_in_article_order() -> None:
    assert tuple(e.key for e in EXERCISES) == ARTICLE_ORDER


def test_keys_are_unique_and_indexed() -> None:
    assert len(EXERCISES_BY_KEY) == len(EXERCISES)
    assert all(EXERCISES_BY_KEY[e.key] is e for e in EXERCISES)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.key)
def test_entry_is_complete(exercise: Exercise) -> None:
    assert exercise.name.strip() and exercise.equipment.strip() and exercise.why.strip()
    assert exercise.aliases and all(a.strip() for a in exercise.aliases)
    assert len(exercise.cues) >= 3
    assert all(0 < len(cue) <= MAX_CUE_CHARS for cue in exercise.cues)
    assert exercise.primary_muscles and exercise.secondary_muscles
    assert not set(exercise.primary_muscles) & set(exercise.secondary_muscles)
    assert set(exercise.primary_muscles + exercise.secondary_muscles) <= set(MUSCLES_BY_KEY)
    assert 1 <= exercise.rep_range.lo <= exercise.rep_range.hi <= 100


@pytest.mark.parametrize(
    ("key", "load_class", "unilateral"),
    [
        ("deadlift", LoadClass.BARBELL, False),
        ("romanian_deadlift", LoadClass.BARBELL, False),
        ("rack_pull", LoadClass.BARBELL, False),
        ("barbell_row", LoadClass.BARBELL, False),
        ("single_arm_dumbbell_row", LoadClass.DUMBBELL, True),
        ("cable_row", LoadClass.CABLE, False),
        ("chest_supported_row", LoadClass.DUMBBELL, False),
        ("seal_row", LoadClass.BARBELL, False),
        ("meadows_row", LoadClass.BARBELL, True),
        ("t_bar_row", LoadClass.BARBELL, False),
        ("upright_row", LoadClass.BARBELL, False),
        ("face_pull", LoadClass.CABLE, False),
        ("rear_lateral_raise", LoadClass.DUMBBELL, False),
    ],
)
def test_loading(key: str, load_class: LoadClass, unilateral: bool) -> None:
    exercise = get_exercise(key)
    assert exercise.load_class is load_class
    assert exercise.unilateral is unilateral


ALIASES = [(e, text) for e in EXERCISES for text in (e.name, *e.aliases)]


@pytest.mark.parametrize(("exercise", "alias"), ALIASES, ids=[a for _, a in ALIASES])
def test_every_alias_resolves_to_exactly_its_exercise(exercise: Exercise, alias: str) -> None:
    result = find_exercise(alias)
    assert result.exercise is exercise
    assert find_exercise(alias.upper()).exercise is exercise


def test_unknown_key_raises_a_key_error() -> None:
    with pytest.raises(UnknownExercise) as caught:
        get_exercise("bench_press")
    assert isinstance(caught.value, KeyError)
    assert "bench_press" in caught.value.message


@pytest.mark.parametrize(("lo", "hi"), [(4, 6), (1, 1), (100, 100), (1, 100)])
def test_rep_range_accepts_sane_ranges(lo: int, hi: int) -> None:
    assert str(RepRange(lo, hi)) == f"{lo}-{hi}"


@pytest.mark.parametrize(("lo", "hi"), [(0, 6), (6, 4), (1, 101), (-1, 5), (101, 101)])
def test_rep_range_refuses_impossible_ranges(lo: int, hi: int) -> None:
    with pytest.raises(RepRangeError):
        RepRange(lo, hi)


def _coach_strings() -> list[str]:
    """Every string literal in bot/coach, docstrings included: all text the bot may show."""
    found: list[str] = []
    for path in sorted(COACH_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold().replace("’", "'").replace("'", ""))


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}


@pytest.fixture(scope="module")
def article_runs() -> set[tuple[str, ...]]:
    if not ARTICLE.exists():
        pytest.skip("the source article is not beside the repository")
    return _runs(ARTICLE.read_text(encoding="utf-8"))


def test_copy_check_catches_a_copied_sentence(article_runs: set[tuple[str, ...]]) -> None:
    copied = "Place a loaded barbell below a seal row bench, then lie inclined on the bench."
    assert _runs(copied) & article_runs


def test_no_text_copies_the_article(article_runs: set[tuple[str, ...]]) -> None:
    copied = {text for text in _coach_strings() if _runs(text) & article_runs}
    assert not copied


@pytest.mark.parametrize("brand", BRANDS)
def test_no_brand_names_in_coach_code(brand: str) -> None:
    pattern = re.compile(rf"(?<!\w){re.escape(brand)}(?!\w)", re.IGNORECASE)
    hits = [p.name for p in COACH_DIR.glob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert not hits
