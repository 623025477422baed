"""Parse modes, lengths and command detection, as Telegram applies them."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.localapi.errors import ApiError
from bot.localapi.formatting import (
    command_entities,
    format_text,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)


def description(error: pytest.ExceptionInfo[ApiError]) -> str:
    return error.value.description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<invalid>test</invalid>", 'Unsupported start tag "invalid" at byte offset 0'),
        (
            "<b><i>test</b></i>",
            'Unmatched end tag at byte offset 10, expected "</i>", found "</b>"',
        ),
        ("plain </b>", "Unexpected end tag at byte offset 6"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_errors(text: str, expected: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(text)
    assert description(caught) == f"Bad Request: can't parse entities: {expected}"


def test_html_entities_and_offsets() -> None:
    parsed = parse_html('💪 <b>Row</b> &amp; <a href="https://x.org">pull</a> &lt;3 &#33;')
    assert parsed.text == "💪 Row & pull <3 !"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "offset": 9, "length": 4, "url": "https://x.org"},
    ]
    assert parse_html("<blockquote expandable>q</blockquote>").entities[0]["type"] == (
        "expandable_blockquote"
    )
    assert parse_html("a &unknown; b").text == "a &unknown; b"


def test_markdown_v2() -> None:
    assert parse_markdown_v2("*bold* _it_ __u__ ~s~ ||sp|| `c`").text == "bold it u s sp c"
    assert parse_markdown_v2("hello\\.").text == "hello."
    assert parse_markdown_v2("[site](https://x.org/a\\)b)").entities == [
        {"type": "text_link", "offset": 0, "length": 4, "url": "https://x.org/a)b"}
    ]
    assert parse_markdown_v2("```python\nprint(1)\n```").text == "print(1)\n"
    for bad, message in [
        ("hello.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*unclosed", "Can't find end of Bold entity at byte offset 0"),
    ]:
        with pytest.raises(ApiError) as caught:
            parse_markdown_v2(bad)
        assert description(caught) == f"Bad Request: can't parse entities: {message}"


def test_legacy_markdown() -> None:
    assert parse_markdown("*bold* and [x](https://x.org)").text == "bold and x"
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 0"):
        parse_markdown("*unclosed")


def test_format_text_trims_and_counts_utf16() -> None:
    formatted = format_text("  <b>hi</b> /start  ", "HTML")
    assert formatted.text == "hi /start"
    assert formatted.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "bot_command", "offset": 3, "length": 6},
    ]
    assert utf16_len("💪a") == 3
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "RTF")
    with pytest.raises(ApiError, match="entity begins after the end of the text"):
        format_text("hello", None, [{"type": "bold", "offset": 100, "length": 1}])
    with pytest.raises(ApiError, match="Unsupported type specified"):
        format_text("hello", None, [{"type": "nope", "offset": 0, "length": 1}])


def test_command_entities() -> None:
    assert command_entities("/log@upper_back_coach_bot 3x5") == [
        {"type": "bot_command", "offset": 0, "length": 25}
    ]
    assert command_entities("not/a command") == []
    assert command_entities("/") == []
    assert [e["offset"] for e in command_entities("/a then /b")] == [0, 8]


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_escaped_html_round_trips(text: str) -> None:
    parsed = parse_html(html.escape(text, quote=False))
    assert parsed.text == text and parsed.entities == []


@settings(max_examples=150, deadline=None)
@given(st.text(), st.sampled_from(["b", "i", "u", "s", "code", "tg-spoiler"]))
def test_wrapped_text_gets_one_entity_with_utf16_length(text: str, tag: str) -> None:
    parsed = parse_html(f"<{tag}>{html.escape(text, quote=False)}</{tag}>")
    assert parsed.text == text
    if text:
        assert parsed.entities[0]["length"] == utf16_len(text)
    else:
        assert parsed.entities == []
