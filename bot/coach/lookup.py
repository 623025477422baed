"""Find the exercise a lifter means from what they typed or what an app's export calls it.

One lookup serves /howto, free text, /plan, /progress and imports. How a query is
scored, so results are predictable:

* Text is normalised: casefold, punctuation dropped, plurals made singular, a few
  abbreviations spelled out ("db" -> "dumbbell"), filler like "grip" dropped, words
  joined or split the way the catalog writes them ("facepull" -> "face pull",
  "dead lift" -> "deadlift"), and word order ignored. Words of 4+ letters may carry a
  typo (one edit, two from 7 letters; a swap of two letters is one edit).
* Lifts the coach does not teach (``OTHER_LIFTS``: sumo deadlift, bench press, a
  two-dumbbell bent-over row...) are scored like the coached ones, so a name that fits
  one of them is answered "not this lift (closest: X)", never mapped to a coached one.
* Equipment words decide between variants: a query that says "dumbbell" cannot be the
  barbell row, one that says "machine" cannot be the cable row.
* A query *matches* when it contains every word of one of a lift's names and those
  words explain at least half of it (words weighted by rarity). Failing that, a
  query fully explained by one coached exercise alone ("meadows") is that exercise.
  Otherwise exercises that explain enough of it are candidates: two or more make it
  ambiguous; a single one is a "did you mean" suggestion for an unknown query.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.coach.catalog import EXERCISES, EXERCISES_BY_KEY, OTHER_LIFTS, Exercise, OtherLift

_MAX_QUERY_CHARS = 120
_MAX_QUERY_WORDS = 12
_MIN_TYPO_LENGTH = 4
_LONG_WORD = 7
_MIN_MATCH_SHARE = 0.5
_MIN_SUGGEST_SHARE = 0.5
_ALONE_SHARE = 0.95
_FEW_LIFTS = 3
_TIE_MARGIN = 0.1

_SYNONYMS: Mapping[str, str] = {
    "db": "dumbbell",
    "dbs": "dumbbell",
    "bb": "barbell",
    "dl": "deadlift",
    "tbar": "t bar",
    "flye": "fly",
    "flie": "fly",
    "deltoid": "delt",
    "dumbell": "dumbbell",
    "bentover": "bent over",
    "onearm": "one arm",
    "singlearm": "single arm",
    "1": "one",
    "2": "two",
    "cables": "cable",
    "pulley": "cable",
    "lever": "machine",
    "leverage": "machine",
}
_FILLER = frozenset(
    {"a", "the", "with", "on", "grip", "v", "wide", "close", "exercise", "handle", "standing"}
)
_EQUIPMENT = frozenset(
    {
        "barbell",
        "dumbbell",
        "cable",
        "machine",
        "kettlebell",
        "band",
        "smith",
        "landmine",
        "suspension",
        "trx",
    }
)


@dataclass(frozen=True, slots=True)
class LookupResult:
    """What a query resolved to.

    A match has ``exercise``. Otherwise two or more ``candidates`` mean the query fits
    them about equally (ask which one); zero or one means the query is unknown, the one
    being a suggestion. ``other`` is set when the query names a lift the coach does not
    teach; ``candidates`` then holds the closest coached lift, if any.
    """

    exercise: Exercise | None
    candidates: tuple[Exercise, ...] = ()
    other: OtherLift | None = None

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

    @property
    def closest(self) -> Exercise | None:
        """For an unknown query (or another lift), the nearest coached exercise."""
        return self.candidates[0] if self.is_unknown and self.candidates else None

    def describe(self) -> str:
        """One line for logs and import reports: "this lift: X" or "none (closest: Y)"."""
        if self.exercise is not None:
            return f"this lift: {self.exercise.name}"
        if self.is_ambiguous:
            return "ambiguous: " + ", ".join(c.name for c in self.candidates)
        closest = self.closest
        return f"none (closest: {closest.name if closest else 'none'})"


_Lift = Exercise | OtherLift


def _singular(word: str) -> str:
    """Plural to singular for the words exercise names use ("rows", "flies", "presses")."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches")):
        return word[:-2]
    return word[:-1]


def _raw_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKC", text).casefold().replace("_", " ")
    words: list[str] = []
    for raw in re.findall(r"[^\W_]+", plain):
        words += _SYNONYMS.get(_singular(raw), _singular(raw)).split()
    return words


_LIFTS: tuple[_Lift, ...] = (*EXERCISES, *OTHER_LIFTS)
_NAME_TEXTS: tuple[tuple[_Lift, str], ...] = tuple(
    (lift, text) for lift in _LIFTS for text in (lift.name, *lift.aliases)
)
_KNOWN = frozenset(w for _, text in _NAME_TEXTS for w in _raw_words(text)) - _FILLER


def _rejoin(words: list[str]) -> list[str]:
    """Write words the catalog's way: "dead lift" -> "deadlift", "facepull" -> "face pull"."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        pair = word + words[index + 1] if index + 1 < len(words) else ""
        if pair in _KNOWN and word not in _KNOWN | {"t"}:
            out.append(pair)
            index += 2
            continue
        if pair in _KNOWN and words[index + 1] not in _KNOWN:
            out.append(pair)
            index += 2
            continue
        if word not in _KNOWN and len(word) >= 6:
            split = next(
                (
                    (word[:cut], word[cut:])
                    for cut in range(2, len(word) - 1)
                    if word[:cut] in _KNOWN and _singular(word[cut:]) in _KNOWN
                ),
                None,
            )
            if split is not None:
                out += [split[0], _singular(split[1])]
                index += 1
                continue
        out.append(word)
        index += 1
    return out


def _words(text: str) -> frozenset[str]:
    """The normalised, order-free set of words in a name or query."""
    return frozenset(w for w in _rejoin(_raw_words(text)) if w not in _FILLER)


@dataclass(frozen=True, slots=True)
class _Name:
    """One name or alias of a lift, as a set of normalised words."""

    lift: _Lift
    words: frozenset[str]


_NAMES: tuple[_Name, ...] = tuple(_Name(lift, _words(text)) for lift, text in _NAME_TEXTS)


def _allowed_equipment(lift: _Lift) -> frozenset[str]:
    """The equipment words a name of this lift may carry (empty: any).

    A coached exercise allows what it is done with; a lift we do not coach allows the
    equipment its own names mention, if any ("Machine row" is no cable row).
    """
    if isinstance(lift, Exercise):
        words = set(_raw_words(lift.equipment)) | {lift.load_class.value}
    else:
        words = {w for text in (lift.name, *lift.aliases) for w in _raw_words(text)}
    return frozenset(words & _EQUIPMENT)


_ALLOWED: Mapping[str, frozenset[str]] = {
    lift.key: allowed for lift in _LIFTS if (allowed := _allowed_equipment(lift))
}
_VOCABULARY_OF: Mapping[str, frozenset[str]] = {
    lift.key: frozenset(w for name in _NAMES if name.lift is lift for w in name.words)
    for lift in _LIFTS
}


def _users(names: Iterable[_Name]) -> dict[str, set[str]]:
    """The lifts whose names use each catalog word."""
    users: dict[str, set[str]] = {}
    for name in names:
        for word in name.words:
            users.setdefault(word, set()).add(name.lift.key)
    return users


_USERS = _users(_NAMES)
_WEIGHT = {word: math.log(1 + len(_LIFTS) / len(keys)) for word, keys in _USERS.items()}
"""Each catalog word weighted by how few lifts use it (inverse document frequency)."""
_DISTINCTIVE = frozenset(word for word, keys in _USERS.items() if len(keys) <= _FEW_LIFTS)
"""Words so rare that a query using one is about a lift that uses it ("upright", "long")."""
_VOCABULARY = tuple(sorted(w for w in _WEIGHT if len(w) >= _MIN_TYPO_LENGTH))
_UNKNOWN_WORD_WEIGHT = math.log(1 + len(_LIFTS))


def _closest(word: str) -> dict[str, float]:
    """Catalog words this word may mean, with a similarity in (0, 1]."""
    if word in _WEIGHT:
        return {word: 1.0}
    if len(word) < _MIN_TYPO_LENGTH:
        return {}
    edits = 2 if len(word) >= _LONG_WORD else 1
    found = process.extract(word, _VOCABULARY, scorer=OSA.distance, score_cutoff=edits, limit=None)
    return {choice: 1 - 0.1 * distance for choice, distance, _ in found}


@dataclass(frozen=True, slots=True)
class _Fit:
    """How much of the query a lift explains: with any name, and with a complete one."""

    lift: _Lift
    share: float
    complete_share: float
    covered: frozenset[str] = frozenset()
    """The query words its best complete name explains."""


def _fits(query: frozenset[str]) -> list[_Fit]:
    """Score every lift by its best names; equipment the query rules out scores no match."""
    closest = {word: _closest(word) for word in query}
    weight = {
        word: max((_WEIGHT[c] for c in near), default=_UNKNOWN_WORD_WEIGHT)
        for word, near in closest.items()
    }
    total = sum(weight.values())
    matched = frozenset(w for near in closest.values() for w in near)
    equipment = query & _EQUIPMENT
    distinctive = query & _DISTINCTIVE
    if "cable" in equipment:
        equipment -= {"machine"}  # "Pulley Machine Row": a cable machine is a cable
    share: dict[str, float] = {}
    complete_share: dict[str, float] = {}
    covered: dict[str, frozenset[str]] = {}
    for name in _NAMES:
        key = name.lift.key
        explained = (
            sum(
                weight[word] * max((closest[word].get(w, 0.0) for w in name.words), default=0.0)
                for word in query
            )
            / total
        )
        share[key] = max(share.get(key, 0.0), explained)
        ruled_out = (key in _ALLOWED and not equipment <= _ALLOWED[key]) or bool(
            distinctive - _VOCABULARY_OF[key]
        )
        complete = name.words <= matched
        if complete and not ruled_out and explained > complete_share.get(key, 0.0):
            complete_share[key] = explained
            covered[key] = frozenset(q for q in query if closest[q].keys() & name.words)
    return [
        _Fit(
            lift,
            share[lift.key],
            complete_share.get(lift.key, 0.0),
            covered.get(lift.key, frozenset()),
        )
        for lift in _LIFTS
    ]


def _front_runners(scores: list[tuple[float, _Lift]], floor: float) -> tuple[_Lift, ...]:
    """Lifts scoring at least ``floor`` and within the tie margin of the best, best first."""
    ranked = sorted((s for s in scores if s[0] >= floor), key=lambda s: s[0], reverse=True)
    if not ranked:
        return ()
    top = ranked[0][0]
    return tuple(lift for score, lift in ranked if score > top - _TIE_MARGIN)


def _coached(lifts: Iterable[_Lift]) -> tuple[Exercise, ...]:
    return tuple(lift for lift in lifts if isinstance(lift, Exercise))


def _not_coached(other: OtherLift) -> LookupResult:
    closest = () if other.closest is None else (EXERCISES_BY_KEY[other.closest],)
    return LookupResult(exercise=None, candidates=closest, other=other)


def find_exercise(query: str) -> LookupResult:
    """Resolve free text or an app's exercise name to a catalog exercise.

    Never raises: anything unreadable is simply unknown.
    """
    words = _words(query.strip()[: _MAX_QUERY_CHARS * 4])
    if not words or len(words) > _MAX_QUERY_WORDS or len(" ".join(words)) > _MAX_QUERY_CHARS:
        return LookupResult(exercise=None)
    fits = _fits(words)
    matches = _front_runners([(f.complete_share, f.lift) for f in fits], _MIN_MATCH_SHARE)
    covers = {f.lift.key: f.covered for f in fits}
    matches = tuple(  # "romanian deadlift" is not the deadlift: another match explains more
        m for m in matches if not any(covers[m.key] < covers[o.key] for o in matches)
    )
    if matches and isinstance(matches[0], OtherLift):
        return _not_coached(matches[0])
    coached = _coached(matches)
    if len(coached) == 1:
        return LookupResult(exercise=coached[0])
    if coached:
        return LookupResult(exercise=None, candidates=coached)
    near = _front_runners([(f.share, f.lift) for f in fits], _MIN_SUGGEST_SHARE)
    suggestions = _coached(near)
    best = max(fits, key=lambda f: f.share)
    if len(near) == 1 and suggestions and best.share >= _ALONE_SHARE:
        return LookupResult(exercise=suggestions[0])  # "meadows": only one lift fits
    return LookupResult(exercise=None, candidates=suggestions)
