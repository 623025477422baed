from dataclasses import replace
from decimal import Decimal

import pytest

from bot.coach.equipment import Equipment
from bot.coach.tips import TIPS, tips_for
from bot.coach.units import Unit


def test_three_tips_with_titles() -> None:
    assert len(TIPS) == 3
    assert all(tip.title.strip() and tip.text.strip() for tip in TIPS)


@pytest.mark.parametrize(
    ("index", "facts"),
    [
        (0, ("1 or 2", "More than 2", "harder", "/calibrate")),
        (1, ("4-6", "6 reps", "10 lb", "3 reps or fewer", "5 lb")),
        (2, ("optional", "food and sleep come first", "protein powder", "creatine")),
    ],
)
def test_tip_keeps_the_articles_facts(index: int, facts: tuple[str, ...]) -> None:
    text = TIPS[index].text
    assert all(fact in text for fact in facts)


@pytest.mark.parametrize(
    ("unit", "equipment", "facts"),
    [
        (
            Unit.LB,
            None,
            ("10 lb to a bar", "dumbbell up (5 lb)", "stack plate (10 lb)", "5 lb off"),
        ),
        (
            Unit.KG,
            None,
            ("5 kg to a bar", "dumbbell up (2.5 kg)", "stack plate (5 kg)", "2.5 kg off"),
        ),
        (
            Unit.KG,
            replace(
                Equipment.defaults(Unit.KG), dumbbell_step=Decimal(2), stack_step=Decimal("7.5")
            ),
            ("dumbbell up (2 kg)", "stack plate (7.5 kg)"),
        ),
    ],
)
def test_the_progression_tip_speaks_the_lifters_unit_and_equipment(
    unit: Unit, equipment: Equipment | None, facts: tuple[str, ...]
) -> None:
    text = tips_for(unit, equipment)[1].text
    assert all(fact in text for fact in facts)
    assert ("lb" in text) is (unit is Unit.LB) and ("kg" in text) is (unit is Unit.KG)


def test_supplements_are_optional_and_never_unqualified() -> None:
    text = TIPS[2].text
    assert TIPS[2].title == "Supplements are optional"
    assert text.index("food and sleep") < text.index("protein powder")
    assert "Any good brand" not in text
