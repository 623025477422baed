"""Forged button data in one's own chat: the strict parser, then the bot answering it.

Telegram returns whatever callback data a client sends. Data the coach never made gets
"that button is out of date" and changes nothing: reps in reserve of -3 on the button
path, digits `str.isdigit()` accepts and `int()` refuses, numbers no column can hold.
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.parsing import MAX_RIR
from bot.handlers.callback_data import FEATURES, Whole, Word, parse, parse_any
from bot.texts import common as common_texts
from tests.hardening.conftest import record_errors, rows_of
from tests.harness import LIFTER, BotHarness, texts

# Characters `str.isdigit()` accepts that are not ASCII digits.
ODD_DIGITS = "²³¹⁰⁴⁵⁶⁷⁸⁹₀₁₂①٣۴७๕０１２𝟙𝟚"
BOUNDS = st.tuples(st.integers(0, 10**6), st.integers(0, 10**20)).map(sorted)


@given(BOUNDS, st.integers(-(10**25), 10**25))
def test_a_whole_number_reads_back_exactly_within_its_bounds(
    bounds: list[int], number: int
) -> None:
    lo, hi = bounds
    read = Whole(lo, hi).read(str(number))
    assert read == (number if lo <= number <= hi else None)


@given(st.text(alphabet=string.digits + ODD_DIGITS + "-+ _.eE\u200b", min_size=1))
def test_only_ascii_digits_make_a_number(text: str) -> None:
    read = Whole(0, 10**30).read(text)
    if text.isascii() and text.isdigit():
        assert read == int(text)
    else:
        assert read is None


@given(st.text(max_size=70))
def test_any_data_is_read_or_refused_without_an_error(data: str) -> None:
    parsed = parse_any(data)
    if parsed is not None:
        prefix, values = parsed
        assert data.startswith(prefix + ":") and len(data.encode()) <= 64
        assert all(not isinstance(v, str) or v.isascii() for v in values)


def example(field: Whole | Word) -> st.SearchStrategy[str]:
    """Text a field accepts."""
    if isinstance(field, Whole):
        return st.integers(field.lo, field.hi).map(str)
    return st.from_regex(f"\\A(?:{field.pattern})\\Z").filter(str.isascii)  # "lb|kg" whole


FORMS = [(prefix, form) for prefix, forms in FEATURES.items() for form in forms]


@given(
    st.sampled_from(FORMS).flatmap(
        lambda pf: st.tuples(*map(example, pf[1])).map(
            lambda parts, prefix=pf[0]: ":".join((prefix, *parts))
        )
    )
)
def test_every_shape_a_feature_sends_is_read(data: str) -> None:
    if len(data.encode()) <= 64:
        assert parse_any(data) is not None, data


def test_rir_below_zero_or_past_the_choices_is_refused() -> None:
    forms = FEATURES["w"]
    assert parse("w:q:7:1:-3", "w", forms) is None
    assert parse(f"w:q:7:1:{MAX_RIR + 1}", "w", forms) is None
    assert parse(f"w:q:7:1:{MAX_RIR}", "w", forms) == ("q", 7, 1, MAX_RIR)


# -- the bot, with the lifter's own buttons tampered with ---------------------------


def buttons_of(bot: BotHarness) -> list[str]:
    """The callback data of every button the lifter has been shown."""
    messages = bot.emulator.messages(LIFTER)
    return [b.data for m in messages for r in m.buttons for b in r if b.data is not None]


def tampered(data: str) -> list[str]:
    """Data a modified client could send instead of a real button's: each part swapped
    for an odd number."""
    parts = data.split(":")
    odd = ["-3", "²", "٣", "99999999999999999999", "9" * 40, "0x1", " 1", "1e3", ""]
    return [
        ":".join([*parts[:i], value, *parts[i + 1 :]])
        for i in range(1, len(parts))
        for value in odd
        if value != parts[i]
    ]


async def answered(bot: BotHarness, data: str) -> str:
    """Press data on the latest message; what the lifter sees (messages and the toast)."""
    before = len(bot.emulator.callback_answers)
    replies = await bot.press_data(bot.emulator.messages(LIFTER)[-1].message_id, data)
    toasts = [a.get("text") or "" for a in bot.emulator.callback_answers[before:]]
    return "\n".join([texts(replies), *toasts])


async def assert_each_refused(bot: BotHarness, forged: list[str]) -> None:
    errors = record_errors(bot.app)
    mine: dict[str, list[tuple[Any, ...]]] = await rows_of(bot.db, LIFTER)
    for data in forged:
        if len(data.encode()) > 64:
            continue  # Telegram refuses such a button before we see it
        assert common_texts.STALE_BUTTON in await answered(bot, data), data
    assert errors == []
    assert await rows_of(bot.db, LIFTER) == mine


async def test_tampered_workout_buttons_are_out_of_date(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    assert "How many more reps" in texts(await bot.say("8"))
    rir_button = buttons_of(bot)[-1]
    assert rir_button.startswith("w:q:")
    card = next(d for d in buttons_of(bot) if d.startswith("w:k:"))
    await assert_each_refused(bot, tampered(rir_button) + tampered(card))
    assert "Logged set 1" in texts(await bot.press("2"))  # the real button still works


@pytest.mark.parametrize("command", ["/schedule", "/deletemydata", "/plan"])
async def test_tampered_buttons_of_other_features_are_out_of_date(
    bot: BotHarness, command: str
) -> None:
    await bot.say("/workout")
    await bot.say("225")
    assert "Logged set 1" in texts(await bot.say("6 2"))  # something to delete
    seen = len(buttons_of(bot))
    await bot.say(command)
    shown = buttons_of(bot)[seen:]
    assert shown
    forged = [data for button in shown[:3] for data in tampered(button)]
    if command == "/deletemydata":
        forged.append(f"hi:{LIFTER}:²:")  # a history page far beyond any offset
        forged.append(f"hi:{LIFTER}:99999999999999999999:")
    await assert_each_refused(bot, forged)


async def test_every_button_the_coach_sends_is_read(bot: BotHarness) -> None:
    """The parser refuses nothing real: a workout with every kind of button pressed."""
    await bot.say("/workout")
    await bot.press("Swap")
    assert buttons_of(bot)
    await bot.say("/plan")
    await bot.say("/schedule")
    await bot.say("/deletemydata")
    assert [d for d in buttons_of(bot) if parse_any(d) is None] == []
