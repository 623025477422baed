from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.coach.catalog import LoadClass
from bot.coach.equipment import (
    Equipment,
    EquipmentError,
    Loading,
    custom_equipment,
    loading_of,
    owned_dumbbells,
)
from bot.coach.units import Unit

LB, KG = Unit.LB, Unit.KG
BAR, LANDMINE, DUMBBELL, STACK = Loading.BAR, Loading.LANDMINE, Loading.DUMBBELL, Loading.STACK
D = Decimal


@pytest.mark.parametrize(
    ("unit", "loading", "minimum", "weight", "floor", "ceil", "nearest"),
    [
        (LB, BAR, "45", "40", "45", "45", "45"),  # never below the empty bar
        (LB, BAR, "45", "227", "225", "230", "225"),
        (LB, BAR, "45", "227.5", "225", "230", "225"),  # a tie goes lighter
        (KG, BAR, "20", "17.5", "20", "20", "20"),
        (KG, BAR, "20", "101.3", "100", "102.5", "102.5"),
        (LB, LANDMINE, "5", "27", "25", "30", "25"),
        (KG, LANDMINE, "2.5", "42.5", "42.5", "42.5", "42.5"),
        (LB, DUMBBELL, "5", "23", "20", "25", "25"),
        (KG, DUMBBELL, "2.5", "14", "12.5", "15", "15"),  # no 14 kg on a 2.5 kg rack
        (LB, STACK, "10", "5", "10", "10", "10"),  # never below the first plate
        (KG, STACK, "5", "42", "40", "45", "40"),
    ],
)
def test_default_ladders(
    unit: Unit, loading: Loading, minimum: str, weight: str, floor: str, ceil: str, nearest: str
) -> None:
    kit = Equipment.defaults(unit)
    w = D(weight)
    assert kit.minimum(loading) == D(minimum)
    assert (kit.floor(w, loading), kit.ceil(w, loading), kit.nearest(w, loading)) == (
        D(floor),
        D(ceil),
        D(nearest),
    )


def test_a_35_lb_bar_with_microplates() -> None:
    kit = replace(Equipment.defaults(LB), bar=D(35), plate_pair=D("2.5"))
    assert kit.minimum(BAR) == 35
    assert kit.above(D(35), BAR) == D("37.5") and kit.step_at(D(40), BAR) == D("2.5")
    assert kit.below(D(35), BAR) is None


def test_a_stack_in_fifteens_with_a_top() -> None:
    kit = replace(Equipment.defaults(LB), stack_step=D(15), stack_top=D(150))
    assert kit.above(D(45), STACK) == 60 and kit.above(D(150), STACK) is None
    assert kit.ceil(D(400), STACK) == 150 and kit.step_at(D(45), STACK) == 15


def test_owned_dumbbells() -> None:
    kit = replace(Equipment.defaults(KG), dumbbells=owned_dumbbells([D(20), D(8), D(12), D(8)]))
    assert kit.minimum(DUMBBELL) == 8
    assert kit.above(D(12), DUMBBELL) == 20 and kit.below(D(12), DUMBBELL) == 8
    assert kit.nearest(D(16), DUMBBELL) == 12 and kit.step_at(D(12), DUMBBELL) == 8
    assert kit.above(D(20), DUMBBELL) is None and not kit.loadable(D(10), DUMBBELL)


@pytest.mark.parametrize(
    "change",
    [
        {"plate_pair": D(0)},
        {"stack_step": D(-5)},
        {"dumbbells": (D(10), D(5))},
        {"stack_top": D(5)},
    ],
)
def test_impossible_equipment_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(EquipmentError):
        replace(Equipment.defaults(LB), **change)


@pytest.mark.parametrize(
    ("load_class", "key", "loading"),
    [
        (LoadClass.BARBELL, "deadlift", BAR),
        (LoadClass.BARBELL, "upright_row", BAR),
        (LoadClass.BARBELL, "meadows_row", LANDMINE),
        (LoadClass.BARBELL, "t_bar_row", LANDMINE),
        (LoadClass.DUMBBELL, "rear_lateral_raise", DUMBBELL),
        (LoadClass.CABLE, "face_pull", STACK),
        (LoadClass.BARBELL, None, LANDMINE),  # unknown: never a jump up to the bar
    ],
)
def test_loading_of(load_class: LoadClass, key: str | None, loading: Loading) -> None:
    assert loading_of(load_class, key) is loading


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # slow machines
@given(
    weight=st.decimals(min_value=0, max_value=800, places=2),
    unit=st.sampled_from(Unit),
    loading=st.sampled_from(Loading),
    bar=st.sampled_from([D(15), D(20), D(35), D(45)]),
    pair=st.sampled_from([D("0.5"), D(1), D("2.5"), D(5)]),
)
def test_every_rounded_load_can_be_built(
    weight: Decimal, unit: Unit, loading: Loading, bar: Decimal, pair: Decimal
) -> None:
    kit = replace(Equipment.defaults(unit), bar=bar, plate_pair=pair)
    for found in (kit.floor(weight, loading), kit.ceil(weight, loading)):
        assert kit.loadable(found, loading) and found >= kit.minimum(loading)
    near = kit.nearest(weight, loading)
    assert kit.loadable(near, loading)
    assert abs(near - weight) <= kit.step_at(weight, loading) or weight < kit.minimum(loading)
    up = kit.above(weight, loading)
    assert up is not None and up > weight and kit.loadable(up, loading)


def test_custom_equipment_keeps_defaults_for_what_is_not_set() -> None:
    kit = custom_equipment(KG, bar=D(15), dumbbells=[D(24), D(8), D(16)], stack_top=D(90))
    assert kit == replace(
        Equipment.defaults(KG), bar=D(15), dumbbells=(D(8), D(16), D(24)), stack_top=D(90)
    )
    assert custom_equipment(LB) == Equipment.defaults(LB)
