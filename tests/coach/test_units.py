from decimal import Decimal

import pytest

from bot.coach.units import LB_IN_KG, Unit, convert, format_weight, parse_unit


@pytest.mark.parametrize(
    ("weight", "src", "dst", "expected"),
    [
        ("225", Unit.LB, Unit.KG, "102.05828325"),
        ("1", Unit.LB, Unit.KG, "0.45359237"),
        ("0.45359237", Unit.KG, Unit.LB, "1"),
        ("100", Unit.KG, Unit.KG, "100"),
        ("135", Unit.LB, Unit.LB, "135"),
        ("0", Unit.KG, Unit.LB, "0"),
    ],
)
def test_convert_is_exact(weight: str, src: Unit, dst: Unit, expected: str) -> None:
    assert convert(Decimal(weight), src, dst) == Decimal(expected)


@pytest.mark.parametrize("weight", ["100", "102.5", "60", "1000", "0.25"])
def test_kg_to_lb_and_back_keeps_the_weight(weight: str) -> None:
    there = convert(Decimal(weight), Unit.KG, Unit.LB)
    back = convert(there, Unit.LB, Unit.KG)
    assert abs(back - Decimal(weight)) < Decimal("1e-20")


def test_pound_is_defined_exactly() -> None:
    assert Decimal("0.45359237") == LB_IN_KG


@pytest.mark.parametrize(
    ("weight", "unit", "shown"),
    [
        ("225", Unit.LB, "225 lb"),
        ("102.5", Unit.KG, "102.5 kg"),
        ("102.50", Unit.KG, "102.5 kg"),
        ("100.00", Unit.KG, "100 kg"),
        ("1E+2", Unit.KG, "100 kg"),
        ("102.05828325", Unit.KG, "102.06 kg"),
        ("2.005", Unit.KG, "2.01 kg"),
        ("0", Unit.LB, "0 lb"),
        ("-0.001", Unit.LB, "0 lb"),
        ("1.25", Unit.KG, "1.25 kg"),
    ],
)
def test_format_weight(weight: str, unit: Unit, shown: str) -> None:
    assert format_weight(Decimal(weight), unit) == shown


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("lb", Unit.LB),
        ("lbs", Unit.LB),
        ("LBS", Unit.LB),
        ("pound", Unit.LB),
        ("pounds", Unit.LB),
        ("#", Unit.LB),
        (" lbs. ", Unit.LB),
        ("kg", Unit.KG),
        ("KG", Unit.KG),
        ("kgs", Unit.KG),
        ("kilo", Unit.KG),
        ("kilos", Unit.KG),
        ("kilograms", Unit.KG),
        ("", None),
        ("stone", None),
        ("k", None),
        ("l", None),
    ],
)
def test_parse_unit(text: str, unit: Unit | None) -> None:
    assert parse_unit(text) is unit
