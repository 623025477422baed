"""Find the exercise a lifter means from what they typed or what a CSV export calls it.

How a query is scored, so results are predictable:

* Text is normalised: casefold, punctuation dropped, plurals made singular, a few
  abbreviations spelled out ("db" -> "dumbbell"), filler like "grip" or "machine" dropped,
  and word order ignored. Words of 4+ letters may carry a typo (rapidfuzz ratio >= 80).
* A query *matches* an exercise when it contains every word of one of its names or
  aliases, and those words explain at least half of the query. Words are weighted by how
  rare they are across the catalog, so "romanian" counts for more than "barbell".
* When nothing matches, exercises that explain enough of the query become candidates:
  two or more that fit about equally make the result ambiguous; a single one is a
  "did you mean" suggestion for an unknown query.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.coach.catalog import EXERCISES, Exercise

_MAX_QUERY_CHARS = 120
_MAX_QUERY_WORDS = 12
_TYPO_CUTOFF = 80.0
_MIN_TYPO_LENGTH = 4
_MIN_MATCH_SHARE = 0.5
_MIN_SUGGEST_SHARE = 0.5
_TIE_MARGIN = 0.1

_SYNONYMS: Mapping[str, str] = {
    "db": "dumbbell",
    "bb": "barbell",
    "dl": "deadlift",
    "tbar": "t bar",
    "flye": "fly",
    "deltoid": "delt",
}
_FILLER = frozenset({"a", "the", "with", "on", "grip", "v", "wide", "close", "machine", "exercise"})


@dataclass(frozen=True, slots=True)
class LookupResult:
    """What a query resolved to.

    A match has ``exercise``. Otherwise two or more ``candidates`` mean the query fits
    them about equally (ask which one); zero or one means the query is unknown, the one
    being a suggestion.
    """

    exercise: Exercise | None
    candidates: tuple[Exercise, ...] = ()

    @property
    def is_match(self) -> bool:
        """The query names one exercise."""
        return self.exercise is not None

    @property
    def is_ambiguous(self) -> bool:
        """The query fits several exercises about equally."""
        return self.exercise is None and len(self.candidates) >= 2

    @property
    def is_unknown(self) -> bool:
        """The query names no exercise; ``candidates`` holds at most one suggestion."""
        return self.exercise is None and len(self.candidates) < 2


def _singular(word: str) -> str:
    """Plural to singular for the words exercise names use ("rows", "flies", "presses")."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1]


def _words(text: str) -> frozenset[str]:
    """The normalised, order-free set of words in a name or query."""
    plain = unicodedata.normalize("NFKC", text).casefold().replace("_", " ")
    words: set[str] = set()
    for raw in re.findall(r"[^\W_]+", plain):
        for word in _SYNONYMS.get(_singular(raw), _singular(raw)).split():
            if word not in _FILLER:
                words.add(word)
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class _Name:
    """One name or alias of an exercise, as a set of normalised words."""

    exercise: Exercise
    words: frozenset[str]


_NAMES: tuple[_Name, ...] = tuple(
    _Name(e, _words(text)) for e in EXERCISES for text in (e.name, *e.aliases)
)


def _rarity(names: Iterable[_Name]) -> dict[str, float]:
    """Weight each catalog word by how few exercises use it (inverse document frequency)."""
    users: dict[str, set[str]] = {}
    for name in names:
        for word in name.words:
            users.setdefault(word, set()).add(name.exercise.key)
    return {word: math.log(1 + len(EXERCISES) / len(keys)) for word, keys in users.items()}


_WEIGHT = _rarity(_NAMES)
_VOCABULARY = tuple(sorted(_WEIGHT))
_UNKNOWN_WORD_WEIGHT = math.log(1 + len(EXERCISES))


def _closest(word: str) -> dict[str, float]:
    """Catalog words this word may mean, with a similarity in (0, 1]."""
    if word in _WEIGHT:
        return {word: 1.0}
    if len(word) < _MIN_TYPO_LENGTH:
        return {}
    found = process.extract(
        word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF, limit=None
    )
    return {choice: score / 100 for choice, score, _ in found if len(choice) >= _MIN_TYPO_LENGTH}


@dataclass(frozen=True, slots=True)
class _Fit:
    """How much of the query an exercise explains: with any name, and with a complete one."""

    exercise: Exercise
    share: float
    complete_share: float


def _fits(query: frozenset[str]) -> list[_Fit]:
    """Score every exercise by its best names."""
    closest = {word: _closest(word) for word in query}
    weight = {
        word: max((_WEIGHT[c] for c in near), default=_UNKNOWN_WORD_WEIGHT)
        for word, near in closest.items()
    }
    total = sum(weight.values())
    share: dict[str, float] = {}
    complete_share: dict[str, float] = {}
    for name in _NAMES:
        key = name.exercise.key
        explained = (
            sum(
                weight[word] * max((closest[word].get(w, 0.0) for w in name.words), default=0.0)
                for word in query
            )
            / total
        )
        share[key] = max(share.get(key, 0.0), explained)
        if all(any(w in closest[word] for word in query) for w in name.words):
            complete_share[key] = max(complete_share.get(key, 0.0), explained)
    return [_Fit(e, share[e.key], complete_share.get(e.key, 0.0)) for e in EXERCISES]


def _front_runners(scores: list[tuple[float, Exercise]], floor: float) -> tuple[Exercise, ...]:
    """Exercises scoring at least ``floor`` and within the tie margin of the best, best first."""
    ranked = sorted((s for s in scores if s[0] >= floor), key=lambda s: s[0], reverse=True)
    if not ranked:
        return ()
    top = ranked[0][0]
    return tuple(exercise for score, exercise in ranked if score > top - _TIE_MARGIN)


def find_exercise(query: str) -> LookupResult:
    """Resolve free text or an app's exercise name to a catalog exercise.

    Never raises: anything unreadable is simply unknown.
    """
    words = _words(query.strip()[: _MAX_QUERY_CHARS * 4])
    if not words or len(words) > _MAX_QUERY_WORDS or len(" ".join(words)) > _MAX_QUERY_CHARS:
        return LookupResult(exercise=None)
    fits = _fits(words)
    matches = _front_runners([(f.complete_share, f.exercise) for f in fits], _MIN_MATCH_SHARE)
    if len(matches) == 1:
        return LookupResult(exercise=matches[0])
    if matches:
        return LookupResult(exercise=None, candidates=matches)
    suggestions = _front_runners([(f.share, f.exercise) for f in fits], _MIN_SUGGEST_SHARE)
    return LookupResult(exercise=None, candidates=suggestions)
