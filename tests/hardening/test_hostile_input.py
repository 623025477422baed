"""Hostile or odd input: each gets a clear reply or is ignored on purpose, none crashes a
handler, and none touches another lifter's data."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.handlers.guard import FLOOD_BACKLOG, FLOOD_QUIET
from bot.texts import common as common_texts
from tests.hardening.conftest import record_errors, rows_of, wait_handled
from tests.harness import LIFTER, BotHarness, texts

OTHER = 5151  # another lifter, mid-workout, whose rows nobody else may change
OTHER_BOT = 6161  # another bot writing to ours

HOSTILE_TEXTS = [
    "x" * 4096,
    "6" * 4096,
    "💪" * 2048,  # 4,096 UTF-16 units: Telegram's limit
    "\u202e6 reps\u202c",  # right-to-left override
    "\u200f225x6\u200e",  # RTL/LTR marks
    "6\x00\x01\x07\x1b[31m",
    "1e309",
    "NaN",
    "-0",
    "inf",
    "9" * 40,
    "-9223372036854775809",
    "225x99999999999999999999",
    "0x0",
    "6 reps, -3 left",
    "225kg x 6 @ 99",
    "🏋️‍♀️",
    "   \t  ",
    "/units \u202ekg",
    "/units " + "kg" * 2000,
    "/workout ' OR 1=1 --",
    "/howto " + "🤔" * 1000,
    "/undo 1 2 3",
    "/start@some_other_bot",
]


async def mid_workout(bot: BotHarness, user: int = LIFTER) -> None:
    await bot.say("/workout", user)
    await bot.say("225", user)
    await bot.say("6 2", user)


@pytest.fixture
async def other_lifter(bot: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Another lifter with a set logged and a workout in progress; their rows now."""
    await mid_workout(bot, OTHER)
    return await rows_of(bot.db, OTHER)


@pytest.mark.parametrize("where", ["outside", "mid-workout"])
async def test_hostile_texts_each_get_a_short_clear_reply(
    bot: BotHarness, other_lifter: dict[str, list[tuple[Any, ...]]], where: str
) -> None:
    errors = record_errors(bot.app)
    if where == "mid-workout":
        await mid_workout(bot)
    for text in HOSTILE_TEXTS:
        replies = await bot.say(text)
        assert replies, f"no reply to {text[:40]!r}"
        assert all(0 < len(m.text or "") <= 1000 for m in replies), text[:40]
        assert "Traceback" not in texts(replies)
    assert errors == []
    assert await rows_of(bot.db, OTHER) == other_lifter


async def test_other_bots_and_edited_messages_are_ignored_on_purpose(
    bot: BotHarness, other_lifter: dict[str, list[tuple[Any, ...]]]
) -> None:
    errors = record_errors(bot.app)
    await bot.emulator.send_text(OTHER_BOT, "/start", is_bot=True)
    update_id = await bot.emulator.send_text(OTHER_BOT, "/workout", is_bot=True)
    await wait_handled(bot, update_id)
    assert bot.emulator.messages(OTHER_BOT) == []
    assert await rows_of(bot.db, OTHER_BOT) == {name: [] for name in other_lifter}

    await mid_workout(bot)
    mine = await rows_of(bot.db, LIFTER)
    report = next(
        stored.data["message_id"]
        for stored in reversed(bot.emulator.world.messages[LIFTER].values())
        if not stored.from_bot and stored.data.get("text") == "6 2"
    )
    await wait_handled(bot, await bot.emulator.edit_text(LIFTER, report, "12 0"))
    assert bot.new_messages() == []
    assert await rows_of(bot.db, LIFTER) == mine  # an edited "6" is not a new set
    assert errors == []


async def test_a_flood_gets_one_easy_there_then_silence_until_the_lifter_pauses(
    bot: BotHarness,
) -> None:
    for _ in range(10):  # quick, but waiting for each answer: never throttled
        assert await bot.say("/help")

    burst = [await bot.emulator.send_text(LIFTER, "/help") for _ in range(30)]
    await wait_handled(bot, burst[-1])
    replies = bot.new_messages()
    assert [m.text for m in replies].count(common_texts.FLOOD) == 1
    # Those handled before the backlog built up are answered (one or two on a quiet
    # machine, up to the backlog limit on a busy one), then the warning, then silence.
    assert len(replies) <= FLOOD_BACKLOG + 1

    assert await bot.say("/help") == []  # still quiet
    bot.clock.advance(FLOOD_QUIET)
    assert "Here's what I can do" in texts(await bot.say("/help"))


async def test_odd_files_and_attachments_get_a_polite_reply_and_change_nothing(
    bot: BotHarness, other_lifter: dict[str, list[tuple[Any, ...]]]
) -> None:
    errors = record_errors(bot.app)
    await bot.say("/start")
    mine = await rows_of(bot.db, LIFTER)
    uploads = [
        ("notes.pdf", b"%PDF-1.4 not a csv", "application/pdf"),
        ("huge.csv", b"Date,Exercise\n" + b"x" * 30_000_000, "text/csv"),
        ("strong.csv", b"\xff\xfe\x00garbage", "text/csv"),
    ]
    for name, content, mime in uploads:
        update_id = await bot.emulator.send_document(LIFTER, name, content, mime_type=mime)
        await wait_handled(bot, update_id)
        replies = bot.new_messages()
        assert replies and all(m.text for m in replies), name
    location = await bot.emulator.push_update(
        {
            "message": {
                "message_id": 9_001,
                "from": {"id": LIFTER, "is_bot": False, "first_name": "Lifter"},
                "chat": {"id": LIFTER, "type": "private", "first_name": "Lifter"},
                "date": int(time.time()),
                "location": {"latitude": 52.37, "longitude": 4.89},
            }
        }
    )
    await wait_handled(bot, location)
    assert texts(bot.new_messages()) == common_texts.UNSUPPORTED_MESSAGE
    assert await rows_of(bot.db, LIFTER) == mine
    assert await rows_of(bot.db, OTHER) == other_lifter
    assert errors == []


# -- anything a client can send, at random --------------------------------------------

COMMAND_NAMES = [name for name, _ in common_texts.COMMANDS] + ["start", "nonsense"]
NUMBERS = st.one_of(st.integers(), st.floats(), st.decimals(allow_nan=True)).map(str)
TEXTS = st.one_of(
    st.text(min_size=1, max_size=300).filter(str.strip),
    st.sampled_from(HOSTILE_TEXTS),
    NUMBERS,
    st.builds("/{} {}".format, st.sampled_from(COMMAND_NAMES), st.text(max_size=60)),
)
PART = st.one_of(
    st.integers(-2, 40).map(str),
    st.sampled_from([str(OTHER), str(LIFTER), "yes", "no", "ok", "r", "q", "sw", "k", "x"]),
    st.sampled_from(["xs", "9" * 25, "²", "", "-0", "NaN", "1e309", "seal_row", "deadlift"]),
    st.text(max_size=8),
)
FORGED = st.builds(
    lambda prefix, parts: ":".join([prefix, *parts]),
    st.sampled_from(["w", "p", "h", "hi", "dm", "im", "s", "x", ""]),
    st.lists(PART, max_size=5),
)
DATA = st.one_of(FORGED, st.text(min_size=1, max_size=64)).filter(
    lambda data: 1 <= len(data.encode()) <= 64
)
EVENTS = st.one_of(
    st.tuples(st.just("text"), TEXTS),
    st.tuples(st.just("press"), DATA),
    st.tuples(st.just("replay"), st.integers(min_value=0)),
    st.tuples(st.just("edit"), TEXTS),
    st.tuples(st.just("bot"), TEXTS),
)


@pytest.fixture
def errors(bot: BotHarness) -> list[object]:
    """Errors reaching the error handler, over all the examples of a test."""
    return record_errors(bot.app)


def last_text_from(bot: BotHarness, user: int) -> int | None:
    """The id of the user's latest text message in their chat."""
    for stored in reversed(bot.emulator.world.messages.get(user, {}).values()):
        if not stored.from_bot and "text" in stored.data:
            return int(stored.data["message_id"])
    return None


async def play(bot: BotHarness, kind: str, value: Any) -> tuple[int, bool]:
    """Deliver one event as the lifter; (answers it got, whether one was due)."""
    answered = len(bot.emulator.callback_answers)
    if kind == "text":
        return len(await bot.say(value)), True
    if kind == "bot":
        update_id = await bot.emulator.send_text(OTHER_BOT, value, is_bot=True)
        await wait_handled(bot, update_id)
        return len(bot.emulator.messages(OTHER_BOT)), False
    if kind == "edit":
        target = last_text_from(bot, LIFTER)
        assert target is not None
        await wait_handled(bot, await bot.emulator.edit_text(LIFTER, target, value))
        return len(bot.new_messages()), False
    messages = bot.emulator.messages(LIFTER)
    if kind == "press":
        replies = await bot.press_data(messages[-1].message_id, value)
    else:  # a button the lifter was shown earlier, pressed again on its own message
        shown = [(m.message_id, b.data) for m in messages for row in m.buttons for b in row]
        message_id, data = shown[value % len(shown)] if shown else (messages[-1].message_id, "w")
        replies = await bot.press_data(message_id, data or "w")
    return len(replies) + len(bot.emulator.callback_answers) - answered, True


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=st.sampled_from(["/workout", "/cancel"]), event=EVENTS)
async def test_anything_gets_a_reply_or_deliberate_silence_and_touches_no_one_else(
    bot: BotHarness,
    other_lifter: dict[str, list[tuple[Any, ...]]],
    errors: list[object],
    where: str,
    event: tuple[str, Any],
) -> None:
    await bot.say(where)
    kind, value = event
    mine = await rows_of(bot.db, LIFTER)
    answers, due = await play(bot, kind, value)

    assert errors == [], f"{event!r} raised {errors!r}"
    assert (answers > 0) == due, f"{event!r}: {answers} answers"
    if not due:
        assert await rows_of(bot.db, LIFTER) == mine
    assert "Traceback" not in texts(bot.emulator.messages(LIFTER)[-3:])
    assert await rows_of(bot.db, OTHER) == other_lifter
