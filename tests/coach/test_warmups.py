from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.coach.catalog import EXERCISES, Exercise, LoadClass
from bot.coach.equipment import Equipment, loading_of
from bot.coach.records import LoggedSet, personal_records
from bot.coach.summary import hard_sets_per_muscle, summarize
from bot.coach.units import Unit
from bot.coach.warmups import WarmupSet, warmup_ramp

LB, KG = Unit.LB, Unit.KG
D = Decimal


def ramp(
    weight: str,
    unit: Unit = LB,
    load_class: LoadClass = LoadClass.BARBELL,
    key: str = "deadlift",
    kit: Equipment | None = None,
) -> list[tuple[str, int]]:
    found = warmup_ramp(D(weight), load_class, kit or Equipment.defaults(unit), key)
    return [(f"{w.weight.normalize():f}", w.reps) for w in found]


@pytest.mark.parametrize(
    ("weight", "unit", "expected"),
    [
        ("255", LB, [("45", 10), ("125", 5), ("180", 3), ("215", 1)]),
        ("135", LB, [("45", 10), ("65", 5), ("95", 3), ("115", 1)]),
        ("95", LB, [("45", 10), ("65", 3), ("80", 1)]),  # 50 % collapses onto the bar
        ("45", LB, []),  # the empty bar needs no warm-up
        ("100", KG, [("20", 10), ("50", 5), ("70", 3), ("85", 1)]),
        ("40", KG, [("20", 10), ("27.5", 3), ("35", 1)]),
    ],
)
def test_barbell_ramps_from_the_empty_bar(
    weight: str, unit: Unit, expected: list[tuple[str, int]]
) -> None:
    assert ramp(weight, unit) == expected


def test_a_35_lb_bar_ramp() -> None:
    kit = replace(Equipment.defaults(LB), bar=D(35))
    assert ramp("95", kit=kit)[0] == ("35", 10)


@pytest.mark.parametrize(
    ("weight", "load_class", "key", "expected"),
    [
        ("60", LoadClass.CABLE, "face_pull", [("30", 10), ("40", 5)]),
        ("50", LoadClass.DUMBBELL, "single_arm_dumbbell_row", [("25", 10), ("35", 5)]),
        ("45", LoadClass.BARBELL, "meadows_row", [("20", 10), ("35", 5)]),
        ("10", LoadClass.CABLE, "face_pull", []),
    ],
)
def test_other_lifts_get_two_lighter_sets(
    weight: str, load_class: LoadClass, key: str, expected: list[tuple[str, int]]
) -> None:
    assert ramp(weight, load_class=load_class, key=key) == expected


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # slow machines
@given(
    working=st.decimals(min_value=0, max_value=600, places=1),
    exercise=st.sampled_from(EXERCISES),
    unit=st.sampled_from(Unit),
)
def test_every_ramp_climbs_on_loadable_weights_below_the_work(
    working: Decimal, exercise: Exercise, unit: Unit
) -> None:
    kit = Equipment.defaults(unit)
    loading = loading_of(exercise.load_class, exercise.key)
    found = warmup_ramp(working, exercise.load_class, kit, exercise.key)
    weights = [w.weight for w in found]
    assert weights == sorted(set(weights))
    assert all(kit.loadable(w, loading) and kit.minimum(loading) <= w < working for w in weights)
    assert [w.reps for w in found] == sorted((w.reps for w in found), reverse=True)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # slow machines
@given(
    working=st.lists(
        st.tuples(
            st.sampled_from(["deadlift", "face_pull", "upright_row"]),
            st.integers(1, 12),
            st.none() | st.integers(0, 4),
        ),
        min_size=1,
        max_size=6,
    ),
    warm=st.lists(
        st.tuples(
            st.sampled_from(["deadlift", "face_pull"]), st.integers(1, 400), st.integers(1, 10)
        ),
        max_size=4,
    ),
)
def test_a_warm_up_never_changes_records_volume_or_hard_sets(
    working: list[tuple[str, int, int | None]], warm: list[tuple[str, int, int]]
) -> None:
    day = date(2025, 1, 6)
    work = [LoggedSet(k, D(100), LB, reps, rir, day) for k, reps, rir in working]
    warmups = [LoggedSet(k, D(w), LB, reps, None, day, warmup=True) for k, w, reps in warm]
    both = warmups + work
    assert personal_records(both, LB) == personal_records(work, LB)
    assert summarize(both, LB) == summarize(work, LB)
    assert hard_sets_per_muscle(both) == hard_sets_per_muscle(work)


def test_warmup_set_is_a_value() -> None:
    assert WarmupSet(D(45), 10) == WarmupSet(D(45), 10)
