from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.coach.parsing import (
    SetReport,
    SetReportError,
    parse_rir,
    parse_set_report,
    parse_weight,
)
from bot.coach.units import Unit

LB, KG = Unit.LB, Unit.KG


def report(
    reps: int, weight: str | None = None, unit: Unit | None = None, rir: int | None = None
) -> SetReport:
    return SetReport(
        reps=reps, weight=None if weight is None else Decimal(weight), unit=unit, rir=rir
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6", report(6)),
        ("0", report(0)),
        ("6 reps", report(6)),
        ("1 rep", report(1)),
        ("225x6", report(6, "225")),
        ("225 x 6", report(6, "225")),
        ("225X6", report(6, "225")),
        ("225×6", report(6, "225")),
        ("225*6", report(6, "225")),
        ("225x6 reps", report(6, "225")),
        ("6 @ 225", report(6, "225")),
        ("6 reps @ 60 kg", report(6, "60", KG)),
        ("6 @ 10 lb", report(6, "10", LB)),
        ("225 lb for 6", report(6, "225", LB)),
        ("225lbs x 6", report(6, "225", LB)),
        ("225# x 6", report(6, "225", LB)),
        ("100kg x 5", report(5, "100", KG)),
        ("5 x 100kg", report(5, "100", KG)),
        ("102,5 kg x 4", report(4, "102.5", KG)),
        ("102.5kg x 4", report(4, "102.5", KG)),
        ("225x6 @2", report(6, "225", rir=2)),
        ("225x6 @ 2", report(6, "225", rir=2)),
        ("225x6 rir 2", report(6, "225", rir=2)),
        ("225x6 2 reps left", report(6, "225", rir=2)),
        ("225x6 @5+", report(6, "225", rir=5)),
        ("6 @ 2", report(6, rir=2)),
        ("6 2", report(6, rir=2)),
        ("6, 2 left", report(6, rir=2)),
        ("6 reps, 2 left", report(6, rir=2)),
        ("6 reps and 2 left", report(6, rir=2)),
        ("6 reps 2 in the tank", report(6, rir=2)),
        ("6 reps 2 left in the tank", report(6, rir=2)),
        ("6 reps rir 2", report(6, rir=2)),
        ("6, none left", report(6, rir=0)),
        ("6 @ rpe 8", report(6, rir=2)),
        ("6 rpe 8", report(6, rir=2)),
        ("6 @ rpe 10", report(6, rir=0)),
        ("6 @ rpe 9.5", report(6, rir=0)),
        ("6 @ rpe 8.5", report(6, rir=1)),
        ("6 @ rpe 7,5", report(6, rir=2)),
        ("failed at 4", report(4, rir=0)),
        ("Failed at 4 reps", report(4, rir=0)),
        ("4 to failure", report(4, rir=0)),
        ("225x4 failed", report(4, "225", rir=0)),
        ("  225 X 6  @2 ", report(6, "225", rir=2)),
        ("２２５x６", report(6, "225")),
        ("2200x1", report(1, "2200")),
        ("1000 kg x 1", report(1, "1000", KG)),
        ("0x5", report(5, "0")),
        ("225x6\u200b", report(6, "225")),
        ("\u200f225x6", report(6, "225")),
        ("\u200e225x6 @2\ufeff", report(6, "225", rir=2)),
        # The one @ rule: @0-5 is reps left, @6-10 is RPE (never 9 reps left).
        ("200x5@9", report(5, "200", rir=1)),
        ("170 x 6 @8", report(6, "170", rir=2)),
        ("225x6 @5", report(6, "225", rir=5)),
        ("225x6 @6", report(6, "225", rir=4)),
        ("220x5@8.5", report(5, "220", rir=1)),
        ("225x6 @10", report(6, "225", rir=0)),
    ],
)
def test_reads_set_reports(text: str, expected: SetReport) -> None:
    assert parse_set_report(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x",
        "reps",
        "-6",
        "-0",
        "- 6",
        "225x-6",
        "1e309",
        "nan",
        "inf",
        "NaN x 5",
        "225x6x3",
        "6 2 3",
        "225 6",
        "225 lb",
        "6 kg x 100 lb",
        "225x6 @2 @3",
        "6 reps 7 reps",
        "225x6 2 reps",
        "6,2",
        "6.5",
        "101",
        "225x101",
        "225x6 @11",
        "6 @ rpe 11",
        "6 @ rpe 0.5",
        "9" * 50,
        "9" * 5000,
        "2201x5",
        "1001kg x 5",
        "225.125x5",
        "6 @",
        "@2",
        "six",
        "6 reps please",
        "🏋️",
        "6\x00",
        "0x0",
        "0 x 0 @2",
    ],
)
def test_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(SetReportError) as caught:
        parse_set_report(text)
    assert "225x6" in caught.value.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("101", "Reps go from 0 to 100"),
        ("225x6 rir 11", "Reps left go from 0 to 10"),
        ("2201x5", "Weights go up to"),
        ("225 lb", "How many reps?"),
    ],
)
def test_errors_say_what_was_wrong(text: str, reason: str) -> None:
    with pytest.raises(SetReportError) as caught:
        parse_set_report(text)
    assert caught.value.message.startswith(reason)


@pytest.mark.parametrize(
    ("text", "rir"),
    [
        ("0", 0),
        ("2", 2),
        ("10", 10),
        ("5+", 5),
        ("none", 0),
        ("None", 0),
        ("failed", 0),
        ("to failure", 0),
        ("2 left", 2),
        ("2 reps left", 2),
        ("2 in the tank", 2),
        ("rir 3", 3),
        ("@1", 1),
        ("rpe 8", 2),
    ],
)
def test_parse_rir(text: str, rir: int) -> None:
    assert parse_rir(text) == rir


@pytest.mark.parametrize("text", ["", "11", "-1", "2.5", "x", "2 3", "lots", "225x6"])
def test_parse_rir_refuses(text: str) -> None:
    with pytest.raises(SetReportError) as caught:
        parse_rir(text)
    assert "like 2" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("135", (Decimal(135), None)),
        ("60 kg", (Decimal(60), KG)),
        ("52,5kg", (Decimal("52.5"), KG)),
        ("135 lbs", (Decimal(135), LB)),
        ("45 pounds", (Decimal(45), LB)),
        ("0", (Decimal(0), None)),
        ("1000 kg", (Decimal(1000), KG)),
    ],
)
def test_parse_weight(text: str, expected: tuple[Decimal, Unit | None]) -> None:
    assert parse_weight(text) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "2300", "1001 kg", "60 kg x 5", "-5", "kg 60", "1e3", "60 kg lb"]
)
def test_parse_weight_refuses(text: str) -> None:
    with pytest.raises(SetReportError) as caught:
        parse_weight(text)
    assert "60 kg" in caught.value.message


@pytest.mark.parametrize(
    "fields",
    [
        {"reps": -1},
        {"reps": 101},
        {"reps": 5, "rir": 11},
        {"reps": 5, "rir": -1},
        {"reps": 5, "weight": Decimal(-1)},
        {"reps": 5, "weight": Decimal("NaN")},
        {"reps": 5, "weight": Decimal("Infinity")},
        {"reps": 5, "weight": Decimal(1001), "unit": KG},
        {"reps": 5, "unit": KG},
    ],
)
def test_set_report_refuses_impossible_values(fields: dict[str, object]) -> None:
    with pytest.raises(SetReportError):
        SetReport(**fields)  # type: ignore[arg-type]


ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="0123456789x×*@#+.,:-eE kglbsrpiRPEIft \t\n", max_size=40),
    st.text(min_size=1000, max_size=5000),
    st.characters().map(lambda c: c * 3000),
)


@given(ANY_TEXT)
def test_set_report_parser_returns_a_report_or_a_set_report_error(text: str) -> None:
    try:
        result = parse_set_report(text)
    except SetReportError as error:
        assert error.message
    else:
        assert 0 <= result.reps <= 100


@given(ANY_TEXT)
def test_rir_parser_returns_a_rir_or_a_set_report_error(text: str) -> None:
    try:
        assert 0 <= parse_rir(text) <= 10
    except SetReportError as error:
        assert error.message


@given(ANY_TEXT)
def test_weight_parser_returns_a_weight_or_a_set_report_error(text: str) -> None:
    try:
        weight, _ = parse_weight(text)
    except SetReportError as error:
        assert error.message
    else:
        assert 0 <= weight <= 2200


@given(
    weight=st.decimals(min_value=0, max_value=2200, places=2),
    reps=st.integers(min_value=0, max_value=100),
    rir=st.integers(min_value=0, max_value=10),
)
def test_weight_reps_and_rir_round_trip(weight: Decimal, reps: int, rir: int) -> None:
    assume(reps or weight)  # 0 x 0 is no set
    assert parse_set_report(f"{weight}x{reps} rir {rir}") == SetReport(reps, weight, None, rir)
    at = parse_set_report(f"{weight}x{reps} @{rir}")
    assert at.rir == (rir if rir <= 5 else 10 - rir)  # the one @ rule


@given(
    weight=st.decimals(min_value=0, max_value=1000, places=2),
    reps=st.integers(min_value=0, max_value=100),
    unit=st.sampled_from(Unit),
    comma=st.booleans(),
)
def test_weight_with_unit_round_trips(weight: Decimal, reps: int, unit: Unit, comma: bool) -> None:
    assume(reps or weight)  # 0 x 0 is no set
    shown = str(weight).replace(".", ",") if comma else str(weight)
    assert parse_set_report(f"{shown} {unit} x {reps}") == SetReport(reps, weight, unit)
